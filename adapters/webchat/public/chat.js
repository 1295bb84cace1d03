// hearken web chat: a browser-held token (not a login) keeps the conversation
// across visits. Everything from the server is rendered as text, never HTML.
// What the visitor sends waits in the outbox (outbox.js) until the server has it;
// files wait in the tray (tray.js). The page's words come from
// prompts/<locale>/webchat.json (GET /webchat/texts), in the conversation's language.
(function () {
  'use strict';
  var TOKEN_KEY = 'hearken.webchat.token';
  var OUTBOX_KEY = 'hearken.webchat.outbox';
  // Until /webchat/texts answers (or if it cannot): the English catalogue's words the script needs.
  var texts = {
    you: 'You: ', bot: 'hearken: ', sending: 'Sending…', waiting: 'Not sent yet — trying again…', failed: 'Not sent.', retry: 'Retry',
    reconnecting: 'Reconnecting…', unavailable: 'The chat is unavailable right now. Trying again…', uploading: 'Uploading {name}…',
    uploadFailed: 'Could not upload {name}. Please try again.', tooLarge: '{name} is {size}: files can be at most {limit}.',
    wrongType: '{name} cannot be sent: we accept {types}.', tooMany: 'You can send at most {max} files with one message.',
    remove: 'Remove {name}', waitForUploads: 'Please wait until your files have finished uploading.',
  };
  var limits = { maxBytes: 10485760, allowedTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'application/pdf'], maxFiles: 5 };
  var pageLocale = 'en';
  // The bot "types" from the moment the server has a message until its answer, at most this long.
  var TYPING_MS = 10000;
  var FILE_ICON = '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><path d="M20.5 11.5l-8.1 8.1a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8" stroke="currentColor" stroke-width="2" stroke-linecap="round" fill="none"/></svg>';
  var $ = function (id) { return document.getElementById(id); };
  // The log region (role=log, its aria-live switched on after the history) holds the list of lines.
  var liveRegion = $('log');
  var log = $('lines');
  var scroller = $('scroll');
  var form = $('form');
  var input = $('input');
  var fileInput = $('file');
  var attach = $('attach');
  var statusLine = $('status');
  var typing = $('typing');
  var embedded = window.parent !== window;
  var lastId = 0;
  var token = null;
  var outbox;
  var tray;
  var pollTimer = null;
  var startTimer = null;
  var typingTimer = null;
  var composing = false;
  var reconnecting = false;
  var started = false;
  var sendWhenReady = false;
  // Client ids of messages whose reply has already arrived: no typing shown for them.
  var answered = {};

  function t(key, vars) {
    var template = texts[key] || key;
    return template.replace(/\{(\w+)\}/g, function (whole, name) { return vars && name in vars ? String(vars[name]) : whole; });
  }

  // The server's answers name their error by code; the visitor reads the page's own words for it,
  // in the conversation's language (the server's English message is for scripts and logs).
  var ERROR_TEXTS = { rate_limited: 'rateLimited', too_many_files: 'tooManyUploads', invalid_message: 'sendFailed', empty_message: 'sendFailed', overloaded: 'busy' };
  function pageError(data, status, fallbackKey, vars) {
    var code = data && data.error && data.error.code;
    var key = (code && ERROR_TEXTS[code]) || (status === 429 ? 'rateLimited' : status === 503 ? 'busy' : fallbackKey);
    var err = new Error(t(key, vars));
    err.status = status;
    err.code = code;
    return err;
  }

  function setStatus(text) { statusLine.textContent = text || ''; reconnecting = false; }

  // A Han character makes a line Chinese, for the screen reader's voice.
  function langOf(text) { return /[\u3400-\u9fff\uf900-\ufaff]/.test(text || '') ? 'zh' : 'en'; }

  function scrollToEnd() { scroller.scrollTop = scroller.scrollHeight; }

  // A token the server no longer knows (erased, or never issued) is replaced
  // by a new session once; the conversation then starts afresh.
  function api(method, path, body, renewed) {
    var init = { method: method, headers: { authorization: 'Bearer ' + token } };
    if (body !== undefined) { init.body = JSON.stringify(body); init.headers['content-type'] = 'application/json'; }
    return fetch(path, init).then(function (res) {
      if (res.status === 401 && !renewed) {
        return newSession().then(function () { lastId = 0; return api(method, path, body, true); });
      }
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) throw pageError(data, res.status, 'sendFailed');
        return data;
      });
    });
  }

  // Storage can be blocked (third-party frames, private modes): then the
  // conversation and the outbox last as long as the page.
  var storage = (function () {
    try { window.localStorage.getItem(TOKEN_KEY); return window.localStorage; } catch (_e) { return null; }
  })();

  // The server issues tokens; one it did not issue is refused.
  function newSession() {
    return fetch('/webchat/session', { method: 'POST' }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok || !data.token) throw pageError(data, r.status, 'unavailable');
        token = data.token;
        if (storage) { try { storage.setItem(TOKEN_KEY, token); } catch (_e) { /* keep it in memory */ } }
      });
    });
  }

  function ensureToken() {
    token = token || (storage ? storage.getItem(TOKEN_KEY) : null);
    if (token) return Promise.resolve();
    return newSession();
  }

  // --- The page's words, in the conversation's language. ---

  function applyTexts(data) {
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
    fileInput.accept = limits.allowedTypes.join(',');
    attach.hidden = limits.maxFiles < 1;
    tray.retitle();
  }

  function loadTexts() {
    var languages = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en']).join(',');
    return fetch('/webchat/texts?lang=' + encodeURIComponent(languages), { headers: token ? { authorization: 'Bearer ' + token } : {} })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && data.texts) applyTexts(data); })
      .catch(function () { /* the English words stay */ });
  }

  // --- Times, in the visitor's own zone (the title says which). ---

  var formats = {};
  function timeFormat(style) {
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

  function timeOf(iso) {
    var at = new Date(iso);
    if (isNaN(at.getTime())) return null;
    var el = document.createElement('time');
    el.className = 'msg__time';
    el.dateTime = at.toISOString();
    el.textContent = timeFormat(at.toDateString() === new Date().toDateString() ? 'time' : 'day').format(at);
    el.title = timeFormat('full').format(at);
    return el;
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

  // --- Bubbles. ---

  function disableChoices(root) {
    var buttons = root.querySelectorAll('.msg__choices button');
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
  }

  /** A bubble that says who spoke, in its own language. */
  function bubble(direction, text, files) {
    var li = document.createElement('li');
    li.className = 'msg ' + (direction === 'in' ? 'msg--in' : 'msg--out');
    li.lang = langOf(text);
    var who = document.createElement('span');
    who.className = 'sr-only';
    who.lang = document.documentElement.lang;
    who.textContent = direction === 'in' ? t('you') : t('bot');
    li.appendChild(who);
    var body = document.createElement('div');
    body.className = 'msg__text';
    withLinks(body, text);
    li.appendChild(body);
    if (files && files.length) {
      var list = document.createElement('ul');
      list.className = 'msg__files';
      files.forEach(function (name) {
        var item = document.createElement('li');
        item.innerHTML = FILE_ICON; // a constant: the name is added as text below
        var label = document.createElement('span');
        label.textContent = name;
        item.appendChild(label);
        list.appendChild(item);
      });
      li.appendChild(list);
    }
    return li;
  }

  // Server lines go above the bubbles still waiting to be sent.
  function place(li) {
    log.insertBefore(li, log.querySelector('.msg--local'));
    scrollToEnd();
  }

  function render(entry) {
    var payload = entry.payload || {};
    if (entry.direction === 'in' && payload.clientId) arrived(payload.clientId);
    var li = bubble(entry.direction, payload.text || '', entry.direction === 'in' ? payload.attachments : null);
    li.dataset.id = String(entry.id);
    if (payload.card) {
      var card = document.createElement('div');
      card.className = 'card';
      var h = document.createElement('h2');
      h.textContent = payload.card.title;
      card.appendChild(h);
      var dl = document.createElement('dl');
      (payload.card.fields || []).forEach(function (f) {
        var dt = document.createElement('dt'); dt.textContent = f.label;
        var dd = document.createElement('dd'); dd.textContent = f.value;
        dl.appendChild(dt); dl.appendChild(dd);
      });
      card.appendChild(dl);
      li.appendChild(card);
    }
    if (entry.direction === 'out') disableChoices(log);
    if (payload.choices && payload.choices.length) {
      var box = document.createElement('div');
      box.className = 'msg__choices';
      payload.choices.forEach(function (choice) {
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = choice.label;
        b.dataset.value = choice.value;
        // The first choice counts: a double click or a second button sends nothing more.
        b.addEventListener('click', function () {
          if (box.dataset.chosen) return;
          box.dataset.chosen = choice.value;
          disableChoices(li);
          setStatus('');
          outbox.queue({ choice: choice.value, label: choice.label }, choice.label);
          input.focus();
        });
        box.appendChild(b);
      });
      li.appendChild(box);
    }
    var time = entry.at ? timeOf(entry.at) : null;
    if (time) li.appendChild(time);
    place(li);
  }

  function accept(messages) {
    var replies = messages.filter(function (m) { return m.id > lastId && m.direction === 'out'; });
    var asked = [];
    messages.forEach(function (m) {
      if (m.id <= lastId) return;
      lastId = m.id;
      var clientId = m.payload && m.payload.clientId;
      if (m.direction === 'in' && clientId) asked.push(clientId);
      // A reply after the visitor's own line answers it (even before its POST's answer is back).
      if (m.direction === 'out') { asked.forEach(function (id) { answered[id] = true; }); asked = []; }
      render(m);
    });
    if (!replies.length) return;
    showTyping(false);
    if (!started) return;
    // Tell the embed a reply came (it shows an unread badge while closed); only that, never the text.
    if (embedded) replies.forEach(function () { window.parent.postMessage({ type: 'hearken:reply' }, '*'); });
    // The conversation may have changed language (or script): the page follows.
    var spoken = langOf(replies[replies.length - 1].payload && replies[replies.length - 1].payload.text);
    if (spoken !== (pageLocale === 'en' ? 'en' : 'zh') || spoken === 'zh') void loadTexts();
  }

  function showTyping(on) {
    if (typingTimer) { clearTimeout(typingTimer); typingTimer = null; }
    typing.hidden = !on;
    if (on) { typingTimer = setTimeout(function () { showTyping(false); }, TYPING_MS); scrollToEnd(); }
  }

  // --- Bubbles of the outbox: shown at once, replaced by the server's line. ---

  function localBubble(m) { return log.querySelector('.msg--local[data-client-id="' + m.id + '"]'); }

  function show(m, state, reason) {
    var li = localBubble(m);
    if (!li) {
      li = bubble('in', m.shown, m.files);
      li.classList.add('msg--local');
      li.dataset.clientId = m.id;
      var line = document.createElement('div');
      line.className = 'msg__state';
      li.appendChild(line);
      log.appendChild(li);
      scrollToEnd();
    }
    li.dataset.state = state;
    var stateLine = li.querySelector('.msg__state');
    stateLine.textContent = state === 'failed' && reason ? t('failed') + ' ' + reason : (state === 'failed' || state === 'sending' || state === 'waiting' ? t(state) : '');
    if (state === 'failed') {
      var retry = document.createElement('button');
      retry.type = 'button';
      retry.className = 'msg__retry';
      retry.textContent = t('retry');
      retry.addEventListener('click', function () { outbox.retryAll(); input.focus(); });
      stateLine.appendChild(document.createTextNode(' '));
      stateLine.appendChild(retry);
    }
  }

  /** The server has the message: its own line replaces the bubble. */
  function arrived(id) {
    outbox.arrived(id);
    var li = log.querySelector('.msg--local[data-client-id="' + id + '"]');
    if (li) li.parentNode.removeChild(li);
  }

  function accepted(m) {
    var li = localBubble(m);
    if (li) { li.dataset.state = 'sent'; li.querySelector('.msg__state').textContent = ''; }
    if (answered[m.id]) delete answered[m.id];
    else showTyping(true);
  }

  outbox = window.HearkenOutbox({
    storage: storage,
    key: OUTBOX_KEY,
    post: function (m) { return api('POST', '/webchat/messages', Object.assign({ id: m.id, locale: navigator.language }, m.body)); },
    show: show,
    accepted: accepted,
  });

  // --- Files: checked here, uploaded with progress, sent with the next message. ---

  function upload(file, onProgress) {
    var xhr = null;
    var aborted = false;
    function post(renewed) {
      return new Promise(function (resolve, reject) {
        if (aborted) { reject(new Error('aborted')); return; }
        xhr = new XMLHttpRequest();
        xhr.open('POST', '/webchat/attachments');
        xhr.setRequestHeader('authorization', 'Bearer ' + token);
        xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
        xhr.setRequestHeader('x-file-name', encodeURIComponent(file.name));
        xhr.upload.onprogress = function (e) { if (e.lengthComputable) onProgress(e.loaded / e.total); };
        xhr.onload = function () {
          var data = {};
          try { data = JSON.parse(xhr.responseText); } catch (_e) { data = {}; }
          if (xhr.status === 401 && !renewed) { newSession().then(function () { lastId = 0; return post(true); }).then(resolve, reject); return; }
          if (xhr.status >= 200 && xhr.status < 300) { resolve(data); return; }
          if (xhr.status === 413) { reject(Object.assign(new Error(t('tooLarge', { name: file.name, size: window.HearkenTray.formatBytes(file.size), limit: window.HearkenTray.formatBytes(limits.maxBytes) })), { status: 413 })); return; }
          if (xhr.status === 415) { reject(Object.assign(new Error(t('wrongType', { name: file.name, types: limits.allowedTypes.map(function (x) { return x.split('/').pop().toUpperCase(); }).join(', ') })), { status: 415 })); return; }
          reject(pageError(data, xhr.status, 'uploadFailed', { name: file.name }));
        };
        xhr.onerror = function () { reject(new Error('network')); };
        xhr.onabort = function () { reject(new Error('aborted')); };
        xhr.send(file);
      });
    }
    return { promise: ensureToken().then(function () { return post(false); }), abort: function () { aborted = true; if (xhr) xhr.abort(); } };
  }

  tray = window.HearkenTray({
    list: $('tray'),
    t: t,
    limits: function () { return limits; },
    upload: upload,
    notify: setStatus,
    focusAfterRemove: function () { input.focus(); },
    changed: function () {
      // Send was pressed while files were still on their way: it goes once they are.
      if (sendWhenReady && !tray.busy()) { sendWhenReady = false; setStatus(''); send(); }
    },
  });

  function send() {
    var text = input.value.trim();
    if (tray.busy()) { sendWhenReady = true; setStatus(t('waitForUploads')); return; }
    var files = tray.ready();
    if (!text && !files.length) return;
    var body = {};
    if (text) body.text = text;
    if (files.length) body.attachmentIds = files.map(function (f) { return f.id; });
    // The text now lives in its bubble and the outbox until the server has it.
    setStatus('');
    outbox.queue(body, text, files.map(function (f) { return f.name; }));
    tray.clear();
    input.value = '';
  }

  function poll() {
    pollTimer = null;
    api('GET', '/webchat/messages?after=' + lastId + '&wait=20').then(function (data) {
      accept(data.messages || []);
      // Only its own notice: an upload's error stays until the visitor acts.
      if (reconnecting) setStatus('');
      poll();
    }).catch(function () {
      if (!statusLine.textContent || reconnecting) { setStatus(t('reconnecting')); reconnecting = true; }
      pollTimer = setTimeout(poll, 2000);
    });
  }

  // Back online: what was waiting goes now, and the transcript catches up.
  window.addEventListener('online', function () {
    outbox.retryAll();
    if (pollTimer) { clearTimeout(pollTimer); poll(); }
    if (startTimer) { clearTimeout(startTimer); start(0); }
  });

  form.addEventListener('submit', function (e) { e.preventDefault(); send(); });
  input.addEventListener('compositionstart', function () { composing = true; });
  input.addEventListener('compositionend', function () { composing = false; });
  input.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' || e.shiftKey) return;
    // Enter while an input method composes (pinyin, kana) picks a candidate; it does not send.
    if (composing || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    form.requestSubmit();
  });
  attach.addEventListener('click', function () { fileInput.click(); });
  fileInput.addEventListener('change', function () {
    var files = Array.prototype.slice.call(fileInput.files || []);
    fileInput.value = '';
    if (files.length) tray.add(files);
  });
  // A screenshot pasted into the message box joins the tray.
  input.addEventListener('paste', function (e) {
    var files = e.clipboardData && e.clipboardData.files;
    if (files && files.length) { e.preventDefault(); tray.add(files); }
  });
  // Files dragged onto the chat: a drop zone over it while they hover.
  var drop = $('drop');
  var carriesFiles = function (e) { return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types || [], 'Files') >= 0; };
  document.addEventListener('dragover', function (e) {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    drop.hidden = false;
  });
  document.addEventListener('dragleave', function (e) { if (!e.relatedTarget) drop.hidden = true; });
  document.addEventListener('drop', function (e) {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    drop.hidden = true;
    if (e.dataTransfer.files.length) tray.add(e.dataTransfer.files);
  });

  // In the embed: a close button, focus stays in the panel and Esc closes it (widget.js listens).
  var closeButton = $('close');
  function closePanel() { window.parent.postMessage({ type: 'hearken:close' }, '*'); }
  if (embedded) {
    document.documentElement.classList.add('embedded');
    closeButton.hidden = false;
    closeButton.addEventListener('click', closePanel);
  }
  function focusable() {
    return Array.prototype.filter.call(document.querySelectorAll('button, textarea, a[href], input:not([hidden])'), function (el) {
      return !el.disabled && el.getClientRects().length > 0;
    });
  }
  document.addEventListener('keydown', function (e) {
    if (!embedded) return;
    if (e.key === 'Escape') { closePanel(); return; }
    if (e.key !== 'Tab') return;
    var all = focusable();
    if (!all.length) return;
    var first = all[0];
    var last = all[all.length - 1];
    var at = document.activeElement;
    if (e.shiftKey && (at === first || all.indexOf(at) < 0)) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && (at === last || all.indexOf(at) < 0)) { e.preventDefault(); first.focus(); }
  });
  window.addEventListener('message', function (e) {
    if (e.source === window.parent && e.data && e.data.type === 'hearken:open') { input.focus(); scrollToEnd(); }
  });

  // Bubbles saved before a reload show at once, without being announced again.
  outbox.pending().forEach(function (m) { show(m, 'waiting'); });

  function start(tries) {
    startTimer = null;
    ensureToken().then(function () {
      return Promise.all([api('GET', '/webchat/messages?after=0'), loadTexts()]);
    }).then(function (results) {
      accept(results[0].messages || []);
      liveRegion.setAttribute('aria-live', 'polite');
      started = true;
      setStatus('');
      outbox.start();
      poll();
    }).catch(function (err) {
      if (err && err.status === 429) { setStatus(err.message); return; }
      setStatus(t('unavailable'));
      startTimer = setTimeout(function () { start(tries + 1); }, Math.min(30000, 2000 * Math.pow(2, tries)));
    });
  }
  // The words first from the browser's languages (no session needed), then the conversation's.
  void loadTexts();
  start(0);
})();
