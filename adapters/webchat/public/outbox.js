// hearken web chat outbox: what the visitor sent, kept (across reloads when
// storage allows) until the server has it. Each message keeps the client id it
// was given; the server deduplicates on it, so a resend after a lost answer is
// never handled twice. One at a time, in order, so the conversation reads as typed.
(function () {
  'use strict';
  // About 15 s of tries, then the message is marked failed until Retry (or the network returns).
  var RETRY_DELAYS_MS = [1000, 2000, 4000, 8000];
  // 429/503: the server asks for patience, which is not a failure yet.
  var BUSY_RETRIES = 10;
  var BUSY_DELAY_MS = 2000;

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return 'm' + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  /**
   * options: storage (or null), key, post(message) -> Promise, show(message, state, reason)
   * with state 'sending' | 'waiting' | 'failed', accepted(message) once the server has it.
   */
  window.HearkenOutbox = function (options) {
    var items = load();
    var sending = false;
    var attempt = 0;
    var retryTimer = null;
    var ready = false;

    function save() {
      if (!options.storage) return;
      try {
        options.storage.setItem(options.key, JSON.stringify(items.map(function (m) { return { id: m.id, body: m.body, shown: m.shown, files: m.files }; })));
      } catch (_e) { /* kept in memory */ }
    }

    function load() {
      try {
        var saved = JSON.parse((options.storage && options.storage.getItem(options.key)) || '[]');
        return Array.isArray(saved) ? saved.filter(function (m) { return m && typeof m.id === 'string' && m.body && typeof m.shown === 'string'; }) : [];
      } catch (_e) { return []; }
    }

    function fail(list, reason) {
      list.forEach(function (m) { m.failed = true; options.show(m, 'failed', reason); });
    }

    function pump() {
      if (sending || !ready || retryTimer) return;
      var m = items.filter(function (o) { return !o.failed; })[0];
      if (!m) return;
      sending = true;
      options.show(m, 'sending');
      options.post(m).then(function () {
        sending = false;
        attempt = 0;
        items = items.filter(function (o) { return o !== m; });
        save();
        options.accepted(m);
        pump();
      }, function (err) {
        sending = false;
        if (items.indexOf(m) < 0) { attempt = 0; pump(); return; } // its line arrived meanwhile
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
          fail(items.filter(function (o) { return !o.failed; }));
          return;
        }
        options.show(m, 'waiting');
        retryTimer = setTimeout(function () { retryTimer = null; pump(); }, busy ? BUSY_DELAY_MS : RETRY_DELAYS_MS[attempt - 1]);
      });
    }

    return {
      /** Saved before a reload: shown again, sent once start() is called. */
      pending: function () { return items.slice(); },
      /** shown: the text of its bubble; files: names of the files it carries. */
      queue: function (body, shown, files) {
        var m = { id: newId(), body: body, shown: shown, files: files || [] };
        items.push(m);
        save();
        options.show(m, 'sending');
        pump();
      },
      /** The server's transcript has this message: it is not sent (again). */
      arrived: function (id) {
        items = items.filter(function (m) { return m.id !== id; });
        save();
      },
      retryAll: function () {
        items.forEach(function (m) { if (m.failed) { m.failed = false; options.show(m, 'waiting'); } });
        if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
        attempt = 0;
        pump();
      },
      start: function () { ready = true; pump(); },
    };
  };
})();
