// hearken web chat: a browser-held token (not a login) keeps the conversation
// across visits. Everything from the server is rendered as text, never HTML.
(function () {
  'use strict';
  var TOKEN_KEY = 'hearken.webchat.token';
  var log = document.getElementById('log');
  var form = document.getElementById('form');
  var input = document.getElementById('input');
  var fileInput = document.getElementById('file');
  var statusLine = document.getElementById('status');
  var lastId = 0;
  var token = null;

  function setStatus(text) { statusLine.textContent = text || ''; }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return 'm' + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

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
  // conversation lasts as long as the page.
  var storage = (function () {
    try { window.localStorage.getItem(TOKEN_KEY); return window.localStorage; } catch (e) { return null; }
  })();

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
    token = storage ? storage.getItem(TOKEN_KEY) : null;
    if (token) return Promise.resolve();
    return newSession();
  }

  function disableOldChoices() {
    var buttons = log.querySelectorAll('.msg__choices button');
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
  }

  function render(entry) {
    var payload = entry.payload || {};
    var li = document.createElement('li');
    li.className = 'msg ' + (entry.direction === 'in' ? 'msg--in' : 'msg--out');
    li.dataset.id = String(entry.id);
    var text = document.createElement('div');
    text.className = 'msg__text';
    text.textContent = payload.text || '';
    if (payload.attachments && payload.attachments.length && entry.direction === 'in') {
      text.textContent += (text.textContent ? '\n' : '') + '📎 ' + payload.attachments.join(', ');
    }
    li.appendChild(text);
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
    if (entry.direction === 'out') disableOldChoices();
    if (payload.choices && payload.choices.length) {
      var box = document.createElement('div');
      box.className = 'msg__choices';
      payload.choices.forEach(function (choice) {
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = choice.label;
        b.dataset.value = choice.value;
        b.addEventListener('click', function () { send({ choice: choice.value, label: choice.label }); });
        box.appendChild(b);
      });
      li.appendChild(box);
    }
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }

  function accept(messages) {
    messages.forEach(function (m) {
      if (m.id > lastId) { lastId = m.id; render(m); }
    });
  }

  function poll() {
    api('GET', '/webchat/messages?after=' + lastId + '&wait=20').then(function (data) {
      accept(data.messages || []);
      setStatus('');
      poll();
    }).catch(function () {
      setStatus('Reconnecting…');
      setTimeout(poll, 2000);
    });
  }

  function send(message, attempt) {
    message.id = message.id || newId();
    message.locale = navigator.language;
    setStatus('Sending…');
    return api('POST', '/webchat/messages', message).then(function () {
      setStatus('');
    }).catch(function (err) {
      if ((err.status === 429 || err.status === 503) && (attempt || 0) < 10) {
        setStatus(err.message);
        return new Promise(function (r) { setTimeout(r, 2000); }).then(function () { return send(message, (attempt || 0) + 1); });
      }
      if (err.status && err.status < 500) { setStatus(err.message); return; }
      if ((attempt || 0) < 5) return new Promise(function (r) { setTimeout(r, 1000 * ((attempt || 0) + 1)); }).then(function () { return send(message, (attempt || 0) + 1); });
      setStatus('Could not send. Please try again.');
    });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    send({ text: text });
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  fileInput.addEventListener('change', function () {
    var file = fileInput.files && fileInput.files[0];
    fileInput.value = '';
    if (!file) return;
    setStatus('Uploading ' + file.name + '…');
    api('POST', '/webchat/attachments', file, { 'content-type': file.type || 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) })
      .then(function (a) { return send({ attachmentIds: [a.id] }); })
      .catch(function (err) { setStatus(err.message); });
  });

  ensureToken().then(function () {
    return api('GET', '/webchat/messages?after=0');
  }).then(function (data) {
    accept(data.messages || []);
    if (lastId === 0) setStatus('Say hello to start — 您好，请直接输入。');
    poll();
  }).catch(function (err) {
    setStatus(err && err.status === 429 ? err.message : 'The chat is unavailable right now. Please try again later.');
  });
})();
