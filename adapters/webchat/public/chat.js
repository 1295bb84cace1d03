// hearken web chat: a browser-held token (not a login) keeps the conversation
// across visits. Everything from the server is rendered as text, never HTML.
// What the visitor sends waits in the outbox (outbox.js) until the server has it.
(function () {
  'use strict';
  var TOKEN_KEY = 'hearken.webchat.token';
  var OUTBOX_KEY = 'hearken.webchat.outbox';
  var SPEAKERS = { en: { in: 'You: ', out: 'hearken: ' }, zh: { in: '您：', out: 'hearken：' } };
  var STATES = { sending: 'Sending…', waiting: 'Not sent yet — trying again…', failed: 'Not sent.' };
  var log = document.getElementById('log');
  var form = document.getElementById('form');
  var input = document.getElementById('input');
  var fileInput = document.getElementById('file');
  var attach = document.getElementById('attach');
  var statusLine = document.getElementById('status');
  var embedded = window.parent !== window;
  var lastId = 0;
  var token = null;
  var outbox;
  var pollTimer = null;
  var startTimer = null;
  var composing = false;
  var reconnecting = false;

  function setStatus(text) { statusLine.textContent = text || ''; reconnecting = false; }

  // A Han character makes a line Chinese, for the screen reader's voice.
  function langOf(text) { return /[\u3400-\u9fff\uf900-\ufaff]/.test(text || '') ? 'zh' : 'en'; }

  // A token the server no longer knows (erased, or never issued) is replaced
  // by a new session once; the conversation then starts afresh.
  function api(method, path, body, headers, renewed) {
    var init = { method: method, headers: Object.assign({ authorization: 'Bearer ' + token }, headers || {}) };
    if (body !== undefined) {
      if (body instanceof Blob) { init.body = body; }
      else { init.body = JSON.stringify(body); init.headers['content-type'] = 'application/json'; }
    }
    return fetch(path, init).then(function (res) {
      if (res.status === 401 && !renewed) {
        return newSession().then(function () { lastId = 0; return api(method, path, body, headers, true); });
      }
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) { var err = new Error((data.error && data.error.message) || ('HTTP ' + res.status)); err.status = res.status; throw err; }
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
        if (!r.ok || !data.token) { var err = new Error((data.error && data.error.message) || ('HTTP ' + r.status)); err.status = r.status; throw err; }
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

  function disableChoices(root) {
    var buttons = root.querySelectorAll('.msg__choices button');
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
  }

  /** A bubble that says who spoke, in its own language. */
  function bubble(direction, text) {
    var lang = langOf(text);
    var li = document.createElement('li');
    li.className = 'msg ' + (direction === 'in' ? 'msg--in' : 'msg--out');
    li.lang = lang;
    var who = document.createElement('span');
    who.className = 'sr-only';
    who.textContent = SPEAKERS[lang][direction];
    li.appendChild(who);
    var body = document.createElement('div');
    body.className = 'msg__text';
    body.textContent = text;
    li.appendChild(body);
    return li;
  }

  // Server lines go above the bubbles still waiting to be sent.
  function place(li) {
    log.insertBefore(li, log.querySelector('.msg--local'));
    log.scrollTop = log.scrollHeight;
  }

  function render(entry) {
    var payload = entry.payload || {};
    if (entry.direction === 'in' && payload.clientId) arrived(payload.clientId);
    var text = payload.text || '';
    if (payload.attachments && payload.attachments.length && entry.direction === 'in') {
      text += (text ? '\n' : '') + '📎 ' + payload.attachments.join(', ');
    }
    var li = bubble(entry.direction, text);
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
    if (entry.direction === 'out') {
      disableChoices(log);
      document.documentElement.lang = li.lang;
    }
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
    place(li);
  }

  function accept(messages) {
    messages.forEach(function (m) {
      if (m.id > lastId) { lastId = m.id; render(m); }
    });
  }

  // --- Bubbles of the outbox: shown at once, replaced by the server's line. ---

  function localBubble(m) { return log.querySelector('.msg--local[data-client-id="' + m.id + '"]'); }

  function show(m, state, reason) {
    var li = localBubble(m);
    if (!li) {
      li = bubble('in', m.shown);
      li.classList.add('msg--local');
      li.dataset.clientId = m.id;
      var line = document.createElement('div');
      line.className = 'msg__state';
      li.appendChild(line);
      log.appendChild(li);
      log.scrollTop = log.scrollHeight;
    }
    li.dataset.state = state;
    var stateLine = li.querySelector('.msg__state');
    stateLine.textContent = state === 'failed' && reason ? STATES.failed + ' ' + reason : (STATES[state] || '');
    if (state === 'failed') {
      var retry = document.createElement('button');
      retry.type = 'button';
      retry.className = 'msg__retry';
      retry.textContent = 'Retry';
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
  }

  outbox = window.HearkenOutbox({
    storage: storage,
    key: OUTBOX_KEY,
    post: function (m) { return api('POST', '/webchat/messages', Object.assign({ id: m.id, locale: navigator.language }, m.body)); },
    show: show,
    accepted: accepted,
  });

  function poll() {
    pollTimer = null;
    api('GET', '/webchat/messages?after=' + lastId + '&wait=20').then(function (data) {
      accept(data.messages || []);
      // Only its own notice: an upload's error stays until the visitor acts.
      if (reconnecting) setStatus('');
      poll();
    }).catch(function () {
      if (!statusLine.textContent || reconnecting) { setStatus('Reconnecting…'); reconnecting = true; }
      pollTimer = setTimeout(poll, 2000);
    });
  }

  // Back online: what was waiting goes now, and the transcript catches up.
  window.addEventListener('online', function () {
    outbox.retryAll();
    if (pollTimer) { clearTimeout(pollTimer); poll(); }
    if (startTimer) { clearTimeout(startTimer); start(0); }
  });

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    // The text now lives in its bubble and the outbox until the server has it.
    setStatus('');
    outbox.queue({ text: text }, text);
    input.value = '';
  });
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
    var file = fileInput.files && fileInput.files[0];
    fileInput.value = '';
    if (!file) return;
    setStatus('Uploading ' + file.name + '…');
    api('POST', '/webchat/attachments', file, { 'content-type': file.type || 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) })
      .then(function (a) { setStatus(''); outbox.queue({ attachmentIds: [a.id] }, '📎 ' + a.fileName); })
      .catch(function (err) { setStatus(err.status ? err.message : 'Could not upload ' + file.name + '. Please try again.'); });
  });

  // In the embed, focus stays in the panel and Esc closes it (widget.js listens).
  function focusable() {
    return Array.prototype.filter.call(document.querySelectorAll('button, textarea, a[href], input:not([hidden])'), function (el) {
      return !el.disabled && el.getClientRects().length > 0;
    });
  }
  document.addEventListener('keydown', function (e) {
    if (!embedded) return;
    if (e.key === 'Escape') { window.parent.postMessage({ type: 'hearken:close' }, '*'); return; }
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
    if (e.source === window.parent && e.data && e.data.type === 'hearken:open') input.focus();
  });

  // Bubbles saved before a reload show at once, without being announced again.
  outbox.pending().forEach(function (m) { show(m, 'waiting'); });

  function start(tries) {
    startTimer = null;
    ensureToken().then(function () {
      return api('GET', '/webchat/messages?after=0');
    }).then(function (data) {
      accept(data.messages || []);
      log.setAttribute('aria-live', 'polite');
      setStatus(lastId === 0 && !outbox.pending().length ? 'Say hello to start — 您好，请直接输入。' : '');
      outbox.start();
      poll();
    }).catch(function (err) {
      if (err && err.status === 429) { setStatus(err.message); return; }
      setStatus('The chat is unavailable right now. Trying again…');
      startTimer = setTimeout(function () { start(tries + 1); }, Math.min(30000, 2000 * Math.pow(2, tries)));
    });
  }
  start(0);
})();
