// hearken embed: <script src="https://your-hearken/widget.js" async></script>
// Adds a chat button in the corner of any page; the chat opens in a frame
// served by hearken, so the conversation continues across visits.
// Options, as data- attributes of the script tag:
//   data-position="left|right"  data-color="#234e70"  data-label="Complaints & feedback"
// Button and panel live in a shadow root whose host resets every inherited
// style: the site's CSS cannot reach them, and theirs does not leak out.
(function () {
  'use strict';
  if (window.__hearkenWidget) return;
  window.__hearkenWidget = true;
  var script = document.currentScript;
  var origin = script ? new URL(script.src).origin : '';
  var options = (script && script.dataset) || {};
  var side = options.position === 'left' ? 'left' : 'right';
  // Only a hex colour: the value goes into a style sheet.
  var colour = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(options.color || '') ? options.color : '#234e70';
  // The launcher speaks the site's language (its <html lang>), from hearken's prompts; data-label overrides.
  var siteLanguages = [document.documentElement.lang, navigator.language].filter(Boolean).join(',');
  var label = options.label || 'Complaints & feedback';
  var unreadText = '{n} new';
  var unread = 0;
  var hostTitle = null;
  var phone = window.matchMedia('(max-width: 600px)');
  var locked = null;

  /** White or near-black text, whichever reads better on the chosen colour. */
  function textOn(hex) {
    var h = hex.length === 4 ? hex.replace(/#(.)(.)(.)/, '#$1$1$2$2$3$3') : hex;
    var lum = [1, 3, 5].map(function (i) {
      var c = parseInt(h.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var l = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
    return (1.05 / (l + 0.05)) >= ((l + 0.05) / 0.05) ? '#fff' : '#111';
  }

  var host = document.createElement('hearken-widget');
  var root = host.attachShadow({ mode: 'open' });
  var css = [
    // The host is its own top stacking layer (last in the page, so above a site's own z-index: 2147483647), with no size of its own.
    ':host { all: initial !important; display: block !important; position: fixed !important; top: 0 !important; left: 0 !important; width: 0 !important; height: 0 !important;',
    '  z-index: 2147483647 !important; overflow: visible !important; visibility: visible !important; opacity: 1 !important; transform: none !important; filter: none !important; }',
    '.launcher { all: initial; position: fixed; ' + side + ': 20px; bottom: 20px; z-index: 2147483646; box-sizing: border-box; display: inline-flex; align-items: center; gap: 8px;',
    '  min-height: 48px; min-width: 48px; padding: 12px 18px; border-radius: 24px; background: ' + colour + '; color: ' + textOn(colour) + ';',
    '  font: 500 15px/1.2 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; box-shadow: 0 4px 14px rgba(0,0,0,.25); cursor: pointer; }',
    '.launcher:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }',
    '.launcher svg { width: 22px; height: 22px; flex: none; }',
    '.launcher .x { display: none; }',
    '.launcher[aria-expanded="true"] { padding: 12px; }',
    '.launcher[aria-expanded="true"] .x { display: block; }',
    '.launcher[aria-expanded="true"] .bubble, .launcher[aria-expanded="true"] .label { display: none; }',
    '.badge { position: absolute; top: -6px; ' + (side === 'left' ? 'right' : 'left') + ': -6px; min-width: 22px; height: 22px; padding: 0 6px; box-sizing: border-box; border-radius: 11px;',
    '  background: #c62828; color: #fff; font: 700 12px/22px system-ui, sans-serif; text-align: center; }',
    '.badge[hidden] { display: none; }',
    '.panel { all: initial; position: fixed; ' + side + ': 20px; bottom: 84px; z-index: 2147483647; display: none; width: min(380px, calc(100vw - 40px)); height: min(600px, calc(100vh - 120px));',
    '  border: 0; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.3); background: #fff; color-scheme: normal; }',
    '.panel.open { display: block; }',
    // On a phone the chat takes the whole screen; its own close button (and Esc) closes it.
    '@media (max-width: 600px) { .panel { left: 0; right: 0; top: 0; bottom: 0; width: 100%; height: 100%; border-radius: 0; box-shadow: none; } }',
  ].join('\n');
  var style = document.createElement('style');
  style.textContent = css;
  root.appendChild(style);

  var button = document.createElement('button');
  button.type = 'button';
  button.className = 'launcher';
  button.setAttribute('aria-expanded', 'false');
  // Constant markup (icons); the label is set as text below.
  button.innerHTML = '<svg class="bubble" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 5h16v11H9l-5 4z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/></svg>'
    + '<svg class="x" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" fill="none"/></svg>'
    + '<span class="label"></span><span class="badge" hidden aria-hidden="true"></span>';
  var labelEl = button.querySelector('.label');
  var badge = button.querySelector('.badge');

  var frame = document.createElement('iframe');
  frame.className = 'panel';
  frame.src = origin + '/';

  function isOpen() { return frame.classList.contains('open'); }

  function describe() {
    labelEl.textContent = label;
    frame.title = label;
    var news = unread ? ', ' + unreadText.replace('{n}', unread) : '';
    button.setAttribute('aria-label', label + news);
    badge.textContent = unread > 99 ? '99+' : String(unread);
    badge.hidden = unread === 0;
  }

  /** The site does not scroll behind a full-screen panel (phones). */
  function lockScroll(on) {
    var html = document.documentElement;
    if (on && !locked && phone.matches) {
      locked = { html: html.style.overflow, body: document.body.style.overflow };
      html.style.overflow = 'hidden';
      document.body.style.overflow = 'hidden';
    } else if (!on && locked) {
      html.style.overflow = locked.html;
      document.body.style.overflow = locked.body;
      locked = null;
    }
  }

  function setUnread(n) {
    unread = n;
    if (n > 0) {
      if (hostTitle === null) hostTitle = document.title;
      document.title = '(' + n + ') ' + hostTitle;
    } else if (hostTitle !== null) {
      document.title = hostTitle;
      hostTitle = null;
    }
    describe();
  }

  // The chat page focuses its input when told; it answers Esc and its close button with 'hearken:close'.
  function tell(type) { if (frame.contentWindow) frame.contentWindow.postMessage({ type: type }, origin || '*'); }
  function open() {
    frame.classList.add('open');
    button.setAttribute('aria-expanded', 'true');
    setUnread(0);
    lockScroll(true);
    frame.focus();
    tell('hearken:open');
  }
  function close() {
    frame.classList.remove('open');
    button.setAttribute('aria-expanded', 'false');
    lockScroll(false);
    button.focus();
  }
  button.addEventListener('click', function () { if (isOpen()) close(); else open(); });
  button.addEventListener('keydown', function (e) { if (e.key === 'Escape' && isOpen()) close(); });
  frame.addEventListener('load', function () { if (isOpen()) tell('hearken:open'); });
  window.addEventListener('message', function (e) {
    if (e.source !== frame.contentWindow || (origin && e.origin !== origin) || !e.data) return;
    if (e.data.type === 'hearken:close' && isOpen()) close();
    // A reply while the panel is closed: a badge on the button and a count in the tab's title.
    if (e.data.type === 'hearken:reply' && !isOpen()) setUnread(unread + 1);
  });

  function mount() {
    describe();
    root.appendChild(frame);
    root.appendChild(button);
    document.body.appendChild(host);
  }
  void fetch(origin + '/webchat/texts?lang=' + encodeURIComponent(siteLanguages))
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (data && data.texts) {
        if (!options.label && data.texts.launcher) label = data.texts.launcher;
        if (data.texts.unread) unreadText = data.texts.unread;
      }
    }, function () { /* the English words stay */ })
    .then(mount);
})();
