// hearken embed: <script src="https://your-hearken/widget.js" async></script>
// Adds a chat button in the corner of any page; the chat opens in a frame
// served by hearken, so the conversation continues across visits.
(function () {
  'use strict';
  if (window.__hearkenWidget) return;
  window.__hearkenWidget = true;
  var script = document.currentScript;
  var origin = script ? new URL(script.src).origin : '';
  var label = (script && script.dataset.label) || 'Complaints & feedback';
  var button = document.createElement('button');
  button.type = 'button';
  button.textContent = '💬 ' + label;
  button.setAttribute('aria-expanded', 'false');
  button.style.cssText = 'position:fixed;right:20px;bottom:20px;z-index:2147483646;border:0;border-radius:24px;padding:12px 18px;background:#234e70;color:#fff;font:15px system-ui,sans-serif;box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer';
  var frame = document.createElement('iframe');
  frame.title = label;
  frame.src = origin + '/';
  frame.style.cssText = 'position:fixed;right:20px;bottom:80px;z-index:2147483647;width:min(380px,calc(100vw - 40px));height:min(600px,calc(100vh - 120px));border:0;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);display:none;background:#fff';
  function isOpen() { return frame.style.display !== 'none'; }
  // The chat page focuses its input when told; it answers Esc with 'hearken:close'.
  function tell(type) { if (frame.contentWindow) frame.contentWindow.postMessage({ type: type }, origin || '*'); }
  function open() {
    frame.style.display = 'block';
    button.setAttribute('aria-expanded', 'true');
    frame.focus();
    tell('hearken:open');
  }
  function close() {
    frame.style.display = 'none';
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  }
  button.addEventListener('click', function () { if (isOpen()) close(); else open(); });
  // A focus ring of its own, set inline and important: host styles often remove outlines.
  button.addEventListener('focus', function () {
    if (button.matches(':focus-visible')) { button.style.setProperty('outline', '3px solid #f0a500', 'important'); button.style.setProperty('outline-offset', '2px', 'important'); }
  });
  button.addEventListener('blur', function () { button.style.removeProperty('outline'); button.style.removeProperty('outline-offset'); });
  button.addEventListener('keydown', function (e) { if (e.key === 'Escape' && isOpen()) close(); });
  frame.addEventListener('load', function () { if (isOpen()) tell('hearken:open'); });
  window.addEventListener('message', function (e) {
    if (e.source !== frame.contentWindow || (origin && e.origin !== origin)) return;
    if (e.data && e.data.type === 'hearken:close' && isOpen()) close();
  });
  document.body.appendChild(frame);
  document.body.appendChild(button);
})();
