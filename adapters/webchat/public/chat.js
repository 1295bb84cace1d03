// hearken web chat: a browser-held token (not a login) keeps the conversation
// across visits. Everything from the server is rendered as text, never HTML.
// Messages wait in a local outbox (kept across reloads) until the server has
// them; each carries a client id the server deduplicates on, so a resend after
// a lost answer is never handled twice.
(function () {
  'use strict';
  var TOKEN_KEY = 'hearken.webchat.token';
  var OUTBOX_KEY = 'hearken.webchat.outbox';
  // About 15 s of tries, then the bubble says "Not sent" and offers Retry.
  var RETRY_DELAYS_MS = [1000, 2000, 4000, 8000];
  // 429/503: the server asks for patience, not a failure yet.
  var BUSY_RETRIES = 10;
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
  var ready = false;
  var outbox = [];
  var sending = false;
  var attempt = 0;
  var retryTimer = null;
  var pollTimer = null;
  var composing = false;

  function setStatus(text) { statusLine.textContent = text || ''; }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return 'm' + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

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
    try { window.localStorage.getItem(TOKEN_KEY); return window.localStorage; } catch (e) { return null; }
  })();

  function saveOutbox() {
    if (!storage) return;
    try { storage.setItem(OUTBOX_KEY, JSON.stringify(outbox.map(function (m) { return { id: m.id, body: m.body, shown: m.shown }; }))); } catch (e) { /* kept in memory */ }
  }

  function loadOutbox() {
    try {
      var saved = JSON.parse((storage && storage.getItem(OUTBOX_KEY)) || '[]');
      return Array.isArray(saved) ? saved.filter(function (m) { return m && typeof m.id === 'string' && m.body && typeof m.shown === 'string'; }) : [];
    } catch (e) { return []; }
  }

  // The server issues tokens; one it did not issue is refused.
  function newSession() {
    return fetch('/webchat/session', { method: 'POST' }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok || !data.token) { var err = new Error((data.error && data.error.message) || ('HTTP ' + r.status)); err.status = r.status; throw err; }
        token = data.token;
        if (storage) { try { storage.setItem(TOKEN_KEY, token); } catch (e) { /* keep it in memory */ } }
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
          queue({ choice: choice.value, label: choice.label }, choice.label);
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

  // --- The outbox: shown at once, kept until the server has it. ---

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
      retry.addEventListener('click', function () { retryAll(); input.focus(); });
      stateLine.appendChild(document.createTextNode(' '));
      stateLine.appendChild(retry);
    }
  }

  function queue(body, shown) {
    var m = { id: newId(), body: body, shown: shown };
    outbox.push(m);
    saveOutbox();
    show(m, 'sending');
    pump();
  }

  /** The server has the message: out of the outbox; its own line replaces the bubble. */
  function arrived(id) {
    outbox = outbox.filter(function (m) { return m.id !== id; });
    saveOutbox();
    var li = log.querySelector('.msg--local[data-client-id="' + id + '"]');
    if (li) li.parentNode.removeChild(li);
  }

  function accepted(m) {
    outbox = outbox.filter(function (o) { return o !== m; });
    saveOutbox();
    var li = localBubble(m);
    if (li) { li.dataset.state = 'sent'; li.querySelector('.msg__state').textContent = ''; }
  }

  function fail(list, reason) {
    list.forEach(function (m) { m.failed = true; show(m, 'failed', reason); });
  }

  // One at a time, in order, so the conversation reads as typed.
  function pump() {
    if (sending || !ready || retryTimer) return;
    var m = outbox.filter(function (o) { return !o.failed; })[0];
    if (!m) return;
    sending = true;
    show(m, 'sending');
    api('POST', '/webchat/messages', Object.assign({ id: m.id, locale: navigator.language }, m.body)).then(function () {
      sending = false;
      attempt = 0;
      accepted(m);
      pump();
    }, function (err) {
      sending = false;
      if (outbox.indexOf(m) < 0) { attempt = 0; pump(); return; } // its line arrived meanwhile
      var busy = err.status === 429 || err.status === 503;
      if (err.status && err.status < 500 && !busy) {
        // The server refused this message itself: the others still go.
        attempt = 0;
        fail([m], err.message);
        pump();
        return;
      }
      attempt++;
      if (attempt > (busy ? BUSY_RETRIES : RETRY_DELAYS_MS.length)) {
        attempt = 0;
        fail(outbox.filter(function (o) { return !o.failed; }));
        return;
      }
      show(m, 'waiting');
      retryTimer = setTimeout(function () { retryTimer = null; pump(); }, busy ? 2000 : RETRY_DELAYS_MS[attempt - 1]);
    });
  }

  function retryAll() {
    outbox.forEach(function (m) { if (m.failed) { m.failed = false; show(m, 'waiting'); } });
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    attempt = 0;
    pump();
  }

  function poll() {
    pollTimer = null;
    api('GET', '/webchat/messages?after=' + lastId + '&wait=20').then(function (data) {
      accept(data.messages || []);
      setStatus('');
      poll();
    }).catch(function () {
      setStatus('Reconnecting…');
      pollTimer = setTimeout(poll, 2000);
    });
  }

  // Back online: what was waiting goes now, and the transcript catches up.
  window.addEventListener('online', function () {
    retryAll();
    if (pollTimer) { clearTimeout(pollTimer); poll(); }
  });

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    // The text now lives in its bubble and the outbox until the server has it.
    queue({ text: text }, text);
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
      .then(function (a) { setStatus(''); queue({ attachmentIds: [a.id] }, '📎 ' + a.fileName); })
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
  outbox = loadOutbox();
  outbox.forEach(function (m) { show(m, 'waiting'); });

  function start(tries) {
    ensureToken().then(function () {
      return api('GET', '/webchat/messages?after=0');
    }).then(function (data) {
      accept(data.messages || []);
      log.setAttribute('aria-live', 'polite');
      ready = true;
      setStatus(lastId === 0 && !outbox.length ? 'Say hello to start — 您好，请直接输入。' : '');
      pump();
      poll();
    }).catch(function (err) {
      if (err && err.status === 429) { setStatus(err.message); return; }
      setStatus('The chat is unavailable right now. Trying again…');
      setTimeout(function () { start(tries + 1); }, Math.min(30000, 2000 * Math.pow(2, tries)));
    });
  }
  start(0);
})();
