// hearken web chat inside the embed (widget.js opens the page in a frame): a
// close button, focus kept in the panel and Esc closes it. The widget hears
// only that a reply came (for its unread badge), never the text.
(function () {
  'use strict';

  /** options: closeButton, opened() when the widget opens the panel. Outside a frame it only listens. */
  window.HearkenEmbed = function (options) {
    var embedded = window.parent !== window;

    function closePanel() { window.parent.postMessage({ type: 'hearken:close' }, '*'); }
    if (embedded) {
      document.documentElement.classList.add('embedded');
      options.closeButton.hidden = false;
      options.closeButton.addEventListener('click', closePanel);
    }

    function focusable() {
      return Array.prototype.filter.call(document.querySelectorAll('button, textarea, a[href], input:not([hidden])'), function (el) {
        return !el.disabled && el.getClientRects().length > 0;
      });
    }
    document.addEventListener('keydown', function (e) {
      if (!embedded) return;
      if (e.key === 'Escape') { closePanel(); return; }
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
      if (e.source === window.parent && e.data && e.data.type === 'hearken:open') options.opened();
    });

    return {
      /** A reply came: the widget counts it while the panel is closed. */
      replied: function () { if (embedded) window.parent.postMessage({ type: 'hearken:reply' }, '*'); },
    };
  };
})();
