// hearken web chat attachment tray: files chosen, pasted or dropped wait here
// (thumbnail, progress, remove) and go with the next message. Size and type are
// checked against the server's own limits (GET /webchat/texts) before uploading.
(function () {
  'use strict';

  var FILE_ICON = '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path d="M6 2h8l4 4v16H6z M14 2v4h4" stroke="currentColor" stroke-width="1.6" fill="none" stroke-linejoin="round"/></svg>';
  var REMOVE_ICON = '<svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" fill="none"/></svg>';

  /** 10485760 → "10 MB" (binary units, as the server counts). */
  function formatBytes(n) {
    if (n >= 1048576) return (Math.round((n / 1048576) * 10) / 10) + ' MB';
    if (n >= 1024) return Math.round(n / 1024) + ' KB';
    return n + ' B';
  }

  /** image/jpeg, application/pdf → "JPEG, PDF". */
  function typeNames(types) {
    return types.map(function (t) { return t.split('/').pop().toUpperCase(); }).join(', ');
  }

  /**
   * options: list (ul), t(key, vars), limits() -> { maxBytes, allowedTypes, maxFiles },
   * upload(file, onProgress) -> { promise -> { id, fileName }, abort() }, notify(text), changed().
   */
  window.HearkenTray = function (options) {
    var items = [];
    var list = options.list;

    function render() {
      list.hidden = items.length === 0;
      options.changed();
    }

    function remove(item, focusNext) {
      var at = items.indexOf(item);
      if (at < 0) return;
      items.splice(at, 1);
      if (item.upload && item.state === 'uploading') item.upload.abort();
      if (item.url) URL.revokeObjectURL(item.url);
      if (item.li.parentNode) item.li.parentNode.removeChild(item.li);
      render();
      if (focusNext) {
        var next = items[at] || items[at - 1];
        if (next) next.li.querySelector('.tray__remove').focus();
        else focusNext();
      }
    }

    function view(item) {
      var li = document.createElement('li');
      li.className = 'tray__item';
      li.dataset.state = item.state;
      var thumb;
      if (/^image\//.test(item.file.type)) {
        thumb = document.createElement('img');
        item.url = URL.createObjectURL(item.file);
        thumb.alt = '';
        // A picture the browser cannot draw shows the document icon instead.
        thumb.addEventListener('error', function () {
          var icon = document.createElement('span');
          icon.className = 'tray__thumb';
          icon.innerHTML = FILE_ICON;
          if (thumb.parentNode) thumb.parentNode.replaceChild(icon, thumb);
        });
        thumb.src = item.url;
      } else {
        thumb = document.createElement('span');
        thumb.innerHTML = FILE_ICON; // a constant: never a file's name
      }
      thumb.className = 'tray__thumb';
      li.appendChild(thumb);
      var meta = document.createElement('span');
      meta.className = 'tray__meta';
      var name = document.createElement('span');
      name.className = 'tray__name';
      name.textContent = item.file.name;
      name.title = item.file.name;
      meta.appendChild(name);
      var bar = document.createElement('progress');
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute('aria-label', options.t('uploading', { name: item.file.name }));
      meta.appendChild(bar);
      li.appendChild(meta);
      var x = document.createElement('button');
      x.type = 'button';
      x.className = 'tray__remove';
      x.innerHTML = REMOVE_ICON;
      x.setAttribute('aria-label', options.t('remove', { name: item.file.name }));
      x.addEventListener('click', function () { remove(item, options.focusAfterRemove); });
      li.appendChild(x);
      item.li = li;
      item.bar = bar;
      return li;
    }

    /** Why this file cannot go, or '' when it can. */
    function refusal(file) {
      var limits = options.limits();
      if (limits.allowedTypes.indexOf(file.type) < 0) return options.t('wrongType', { name: file.name, types: typeNames(limits.allowedTypes) });
      if (file.size > limits.maxBytes) return options.t('tooLarge', { name: file.name, size: formatBytes(file.size), limit: formatBytes(limits.maxBytes) });
      if (file.size === 0) return options.t('uploadFailed', { name: file.name });
      return '';
    }

    function start(item) {
      item.upload = options.upload(item.file, function (fraction) { item.bar.value = Math.round(fraction * 100); });
      item.upload.promise.then(function (stored) {
        if (items.indexOf(item) < 0) return;
        item.state = 'ready';
        item.id = stored.id;
        item.name = stored.fileName;
        item.bar.value = 100;
        item.li.dataset.state = 'ready';
        render();
      }, function (err) {
        if (items.indexOf(item) < 0) return; // removed while uploading
        remove(item);
        options.notify(err && err.status && err.message ? err.message : options.t('uploadFailed', { name: item.file.name }));
      });
    }

    return {
      /** Files from the picker, a paste or a drop: each is checked, shown and uploaded. */
      add: function (files) {
        var problems = [];
        var max = options.limits().maxFiles;
        Array.prototype.forEach.call(files, function (file) {
          var why = refusal(file);
          if (!why && items.length >= max) why = options.t('tooMany', { max: max });
          if (why) { if (problems.indexOf(why) < 0) problems.push(why); return; }
          var item = { file: file, state: 'uploading' };
          items.push(item);
          list.appendChild(view(item));
          start(item);
        });
        render();
        if (problems.length) options.notify(problems.join(' '));
      },
      busy: function () { return items.some(function (i) { return i.state === 'uploading'; }); },
      ready: function () { return items.filter(function (i) { return i.state === 'ready'; }); },
      /** After sending: the files now belong to the message. */
      clear: function () { items.slice().forEach(function (i) { remove(i); }); },
      retitle: function () {
        items.forEach(function (item) {
          item.li.querySelector('.tray__remove').setAttribute('aria-label', options.t('remove', { name: item.file.name }));
          item.bar.setAttribute('aria-label', options.t('uploading', { name: item.file.name }));
        });
      },
    };
  };
  window.HearkenTray.formatBytes = formatBytes;
})();
