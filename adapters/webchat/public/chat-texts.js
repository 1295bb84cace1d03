// hearken web chat: the page's words, from prompts/<locale>/webchat.json
// (GET /webchat/texts) in the conversation's language, with the server's limits
// for files. Until they arrive (or if they cannot), the English words stay.
(function () {
  'use strict';
  // The English catalogue's words the scripts need.
  var ENGLISH = {
    you: 'You: ', bot: 'hearken: ', sending: 'Sending…', waiting: 'Not sent yet — trying again…', failed: 'Not sent.', retry: 'Retry',
    reconnecting: 'Reconnecting…', unavailable: 'The chat is unavailable right now. Trying again…', uploading: 'Uploading {name}…',
    uploadFailed: 'Could not upload {name}. Please try again.', tooLarge: '{name} is {size}: files can be at most {limit}.',
    wrongType: '{name} cannot be sent: we accept {types}.', tooMany: 'You can send at most {max} files with one message.',
    remove: 'Remove {name}', waitForUploads: 'Please wait until your files have finished uploading.',
  };
  var LIMITS = { maxBytes: 10485760, allowedTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'application/pdf'], maxFiles: 5 };

  /** options: token() -> the session's token or null, applied(limits) once new words are on the page. */
  window.HearkenTexts = function (options) {
    var texts = ENGLISH;
    var limits = LIMITS;
    var pageLocale = 'en';

    function t(key, vars) {
      var template = texts[key] || key;
      return template.replace(/\{(\w+)\}/g, function (whole, name) { return vars && name in vars ? String(vars[name]) : whole; });
    }

    function apply(data) {
      texts = data.texts;
      limits = data.limits;
      pageLocale = data.locale;
      document.documentElement.lang = data.lang;
      document.title = texts.title;
      Array.prototype.forEach.call(document.querySelectorAll('[data-t]'), function (el) {
        var key = el.getAttribute('data-t');
        if (texts[key]) { el.textContent = texts[key]; el.hidden = false; } else if (key === 'replyTime') { el.hidden = true; }
      });
      [['data-t-label', 'aria-label'], ['data-t-title', 'title'], ['data-t-placeholder', 'placeholder']].forEach(function (pair) {
        Array.prototype.forEach.call(document.querySelectorAll('[' + pair[0] + ']'), function (el) {
          var text = texts[el.getAttribute(pair[0])];
          if (text) el.setAttribute(pair[1], text);
        });
      });
      options.applied(limits);
    }

    /** From the browser's languages, or (with a token) the conversation's. */
    function load() {
      var languages = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en']).join(',');
      var token = options.token();
      return fetch('/webchat/texts?lang=' + encodeURIComponent(languages), { headers: token ? { authorization: 'Bearer ' + token } : {} })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && data.texts) apply(data); })
        .catch(function () { /* the English words stay */ });
    }

    return {
      t: t,
      load: load,
      limits: function () { return limits; },
      locale: function () { return pageLocale; },
    };
  };
})();
