// hearken web chat session: the browser-held token (issued by the server, kept
// in storage when the browser allows), the JSON API that carries it, and file
// uploads with their progress. The server names its errors by code; the
// visitor reads the page's own words for them.
(function () {
  'use strict';
  // The server's answers name their error by code; the visitor reads the page's own words for it,
  // in the conversation's language (the server's English message is for scripts and logs).
  var ERROR_TEXTS = { rate_limited: 'rateLimited', too_many_files: 'tooManyUploads', invalid_message: 'sendFailed', empty_message: 'sendFailed', overloaded: 'busy' };

  /**
   * options: storage (or null), key (where the token is kept), t(key, vars),
   * limits() -> { maxBytes, allowedTypes }, renewed() once a new session has
   * replaced a token the server no longer knows.
   */
  window.HearkenSession = function (options) {
    var storage = options.storage;
    var t = options.t;
    var token = null;

    function pageError(data, status, fallbackKey, vars) {
      var code = data && data.error && data.error.code;
      var key = (code && ERROR_TEXTS[code]) || (status === 429 ? 'rateLimited' : status === 503 ? 'busy' : fallbackKey);
      var err = new Error(t(key, vars));
      err.status = status;
      err.code = code;
      return err;
    }

    // A token the server no longer knows (erased, or never issued) is replaced
    // by a new session once; the conversation then starts afresh.
    function api(method, path, body, renewed) {
      var init = { method: method, headers: { authorization: 'Bearer ' + token } };
      if (body !== undefined) { init.body = JSON.stringify(body); init.headers['content-type'] = 'application/json'; }
      return fetch(path, init).then(function (res) {
        if (res.status === 401 && !renewed) {
          return newSession().then(function () { options.renewed(); return api(method, path, body, true); });
        }
        return res.json().catch(function () { return {}; }).then(function (data) {
          if (!res.ok) throw pageError(data, res.status, 'sendFailed');
          return data;
        });
      });
    }

    // The server issues tokens; one it did not issue is refused.
    function newSession() {
      return fetch('/webchat/session', { method: 'POST' }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (!r.ok || !data.token) throw pageError(data, r.status, 'unavailable');
          token = data.token;
          if (storage) { try { storage.setItem(options.key, token); } catch (_e) { /* keep it in memory */ } }
        });
      });
    }

    function ensureToken() {
      token = token || (storage ? storage.getItem(options.key) : null);
      if (token) return Promise.resolve();
      return newSession();
    }

    // --- Files: uploaded with progress, sent with the next message (the tray checks them first). ---

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
            if (xhr.status === 401 && !renewed) { newSession().then(function () { options.renewed(); return post(true); }).then(resolve, reject); return; }
            if (xhr.status >= 200 && xhr.status < 300) { resolve(data); return; }
            var limits = options.limits();
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

    return {
      api: api,
      ensureToken: ensureToken,
      upload: upload,
      /** The token in use, or null before the first ensureToken(). */
      token: function () { return token; },
    };
  };
})();
