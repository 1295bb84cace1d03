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
  button.addEventListener('click', function () {
    var open = frame.style.display === 'none';
    frame.style.display = open ? 'block' : 'none';
    button.setAttribute('aria-expanded', String(open));
  });
  document.body.appendChild(frame);
  document.body.appendChild(button);
})();
