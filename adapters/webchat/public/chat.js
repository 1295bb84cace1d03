// hearken web chat: a browser-held token (not a login) keeps the conversation
// across visits. Everything from the server is rendered as text, never HTML.
// This script wires the page's parts, loaded before it: the page's words
// (chat-texts.js, from prompts/<locale>/webchat.json in the conversation's
// language), the session and its API (chat-session.js), the lines of the
// conversation (chat-view.js, with chat-format.js), the embed's panel
// (chat-embed.js), what the visitor sends waiting in the outbox (outbox.js)
// until the server has it, and files waiting in the tray (tray.js).
(function () {
  'use strict';
  var TOKEN_KEY = 'hearken.webchat.token';
  var OUTBOX_KEY = 'hearken.webchat.outbox';
  var $ = function (id) { return document.getElementById(id); };
  // The log region (role=log, its aria-live switched on after the history) holds the list of lines.
  var liveRegion = $('log');
  var form = $('form');
  var input = $('input');
  var fileInput = $('file');
  var attach = $('attach');
  var statusLine = $('status');
  var lastId = 0;
  var pollTimer = null;
  var startTimer = null;
  var composing = false;
  var reconnecting = false;
  var started = false;
  var sendWhenReady = false;
  // Client ids of messages whose reply has already arrived: no typing shown for them.
  var answered = {};

  function setStatus(text) { statusLine.textContent = text || ''; reconnecting = false; }

  // Storage can be blocked (third-party frames, private modes): then the
  // conversation and the outbox last as long as the page.
  var storage = (function () {
    try { window.localStorage.getItem(TOKEN_KEY); return window.localStorage; } catch (_e) { return null; }
  })();

  // The page's words, in the conversation's language (chat-texts.js).
  var words = window.HearkenTexts({
    token: function () { return session.token(); },
    applied: function (limits) {
      fileInput.accept = limits.allowedTypes.join(',');
      attach.hidden = limits.maxFiles < 1;
      tray.retitle();
    },
  });
  var t = words.t;

  var session = window.HearkenSession({
    storage: storage,
    key: TOKEN_KEY,
    t: t,
    limits: words.limits,
    renewed: function () { lastId = 0; },
  });

  // --- The conversation: the server's lines, and the visitor's until the server has them. ---

  var view = window.HearkenChatView({
    log: $('lines'),
    scroller: $('scroll'),
    typing: $('typing'),
    t: t,
    timeOf: window.HearkenFormat.times(words.locale),
    arrived: function (id) { outbox.arrived(id); },
    choose: function (choice) {
      setStatus('');
      outbox.queue({ choice: choice.value, label: choice.label }, choice.label);
      input.focus();
    },
    retry: function () { outbox.retryAll(); input.focus(); },
  });

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
      view.render(m);
    });
    if (!replies.length) return;
    view.showTyping(false);
    if (!started) return;
    // Tell the embed a reply came (it shows an unread badge while closed); only that, never the text.
    replies.forEach(function () { embed.replied(); });
    // The conversation may have changed language (or script): the page follows.
    var spoken = window.HearkenFormat.langOf(replies[replies.length - 1].payload && replies[replies.length - 1].payload.text);
    if (spoken !== (words.locale() === 'en' ? 'en' : 'zh') || spoken === 'zh') void words.load();
  }

  var outbox = window.HearkenOutbox({
    storage: storage,
    key: OUTBOX_KEY,
    post: function (m) { return session.api('POST', '/webchat/messages', Object.assign({ id: m.id, locale: navigator.language }, m.body)); },
    show: view.show,
    accepted: function (m) {
      view.sent(m);
      if (answered[m.id]) delete answered[m.id];
      else view.showTyping(true);
    },
  });

  // --- Files: checked and shown in the tray, uploaded with progress, sent with the next message. ---

  var tray = window.HearkenTray({
    list: $('tray'),
    t: t,
    limits: words.limits,
    upload: session.upload,
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
    session.api('GET', '/webchat/messages?after=' + lastId + '&wait=20').then(function (data) {
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

  // In the embed (widget.js): the panel's close button, focus and Esc; the widget opens it.
  var embed = window.HearkenEmbed({
    closeButton: $('close'),
    opened: function () { input.focus(); view.scrollToEnd(); },
  });

  // Bubbles saved before a reload show at once, without being announced again.
  outbox.pending().forEach(function (m) { view.show(m, 'waiting'); });

  function start(tries) {
    startTimer = null;
    session.ensureToken().then(function () {
      return Promise.all([session.api('GET', '/webchat/messages?after=0'), words.load()]);
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
  void words.load();
  start(0);
})();
