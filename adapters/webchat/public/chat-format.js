// hearken web chat: how the page writes times and text. Pure helpers, no state
// of the conversation: times in the visitor's own zone, web addresses as links
// (only http(s), built as elements, never as markup), the language of a line.
(function () {
  'use strict';

  // A Han character makes a line Chinese, for the screen reader's voice.
  function langOf(text) { return /[\u3400-\u9fff\uf900-\ufaff]/.test(text || '') ? 'zh' : 'en'; }

  // --- Times, in the visitor's own zone (the title says which). ---

  /** locale() -> the page's locale ('en' follows the browser's own tag); gives timeOf(iso) -> a <time> or null. */
  function times(locale) {
    var formats = {};
    function timeFormat(style) {
      var pageLocale = locale();
      var tag = pageLocale === 'en' ? (navigator.language || 'en') : pageLocale;
      var key = tag + style;
      if (!formats[key]) {
        var options = style === 'time' ? { hour: 'numeric', minute: '2-digit' }
          : style === 'day' ? { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }
          : { dateStyle: 'full', timeStyle: 'long' };
        try { formats[key] = new Intl.DateTimeFormat(tag, options); } catch (_e) { formats[key] = new Intl.DateTimeFormat(undefined, options); }
      }
      return formats[key];
    }

    return function timeOf(iso) {
      var at = new Date(iso);
      if (isNaN(at.getTime())) return null;
      var el = document.createElement('time');
      el.className = 'msg__time';
      el.dateTime = at.toISOString();
      el.textContent = timeFormat(at.toDateString() === new Date().toDateString() ? 'time' : 'day').format(at);
      el.title = timeFormat('full').format(at);
      return el;
    };
  }

  // --- Text with its web addresses as links: only http(s), opened apart from the chat. ---

  var ADDRESS = /\bhttps?:\/\/[^\s<>"'\u3000-\u303f\uff08\uff09\uff0c\uff01\uff1f]+/gi;
  function withLinks(parent, text) {
    var at = 0;
    text.replace(ADDRESS, function (found, index) {
      // Punctuation that ends the sentence is not part of the address; a closing bracket is when it closes one.
      var address = found;
      while (/[.,;:!?)\]}'"]$/.test(address)) {
        var end = address.charAt(address.length - 1);
        if (end === ')' && address.split('(').length > address.split(')').length - 1) break;
        address = address.slice(0, -1);
      }
      var url = null;
      try { url = new URL(address); } catch (_e) { url = null; }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return found;
      parent.appendChild(document.createTextNode(text.slice(at, index)));
      var a = document.createElement('a');
      a.href = url.href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer nofollow';
      a.textContent = address;
      parent.appendChild(a);
      at = index + address.length;
      return found;
    });
    parent.appendChild(document.createTextNode(text.slice(at)));
  }

  window.HearkenFormat = { langOf: langOf, times: times, withLinks: withLinks };
})();
