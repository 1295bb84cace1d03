// hearken web chat view: the lines of the conversation. The server's lines
// (bubbles, a summary card, choices), the outbox's own bubbles until the
// server has them, and the typing indicator. Everything is built as elements
// with text, never from the server's HTML.
(function () {
  'use strict';
  // The bot "types" from the moment the server has a message until its answer, at most this long.
  var TYPING_MS = 10000;
  var FILE_ICON = '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><path d="M20.5 11.5l-8.1 8.1a5 5 0 0 1-7.1-7.1l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.5 8.5a1.7 1.7 0 0 1-2.4-2.4l7.8-7.8" stroke="currentColor" stroke-width="2" stroke-linecap="round" fill="none"/></svg>';

  function disableChoices(root) {
    var buttons = root.querySelectorAll('.msg__choices button');
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
  }

  /** A summary card: its title and its fields, as text. */
  function cardOf(card) {
    var box = document.createElement('div');
    box.className = 'card';
    var h = document.createElement('h2');
    h.textContent = card.title;
    box.appendChild(h);
    var dl = document.createElement('dl');
    (card.fields || []).forEach(function (f) {
      var dt = document.createElement('dt'); dt.textContent = f.label;
      var dd = document.createElement('dd'); dd.textContent = f.value;
      dl.appendChild(dt); dl.appendChild(dd);
    });
    box.appendChild(dl);
    return box;
  }

  /**
   * options: log (the list of lines), scroller, typing (the indicator), t(key, vars),
   * timeOf(iso) -> <time> or null, arrived(clientId) when the server's line of an
   * outbox message shows, choose({ value, label }) when a choice is picked,
   * retry() from a bubble that was not sent.
   */
  window.HearkenChatView = function (options) {
    var log = options.log;
    var t = options.t;
    var format = window.HearkenFormat;
    var typingTimer = null;

    function scrollToEnd() { options.scroller.scrollTop = options.scroller.scrollHeight; }

    /** A bubble that says who spoke, in its own language. */
    function bubble(direction, text, files) {
      var li = document.createElement('li');
      li.className = 'msg ' + (direction === 'in' ? 'msg--in' : 'msg--out');
      li.lang = format.langOf(text);
      var who = document.createElement('span');
      who.className = 'sr-only';
      who.lang = document.documentElement.lang;
      who.textContent = direction === 'in' ? t('you') : t('bot');
      li.appendChild(who);
      var body = document.createElement('div');
      body.className = 'msg__text';
      format.withLinks(body, text);
      li.appendChild(body);
      if (files && files.length) {
        var list = document.createElement('ul');
        list.className = 'msg__files';
        files.forEach(function (name) {
          var item = document.createElement('li');
          item.innerHTML = FILE_ICON; // a constant: the name is added as text below
          var label = document.createElement('span');
          label.textContent = name;
          item.appendChild(label);
          list.appendChild(item);
        });
        li.appendChild(list);
      }
      return li;
    }

    // Server lines go above the bubbles still waiting to be sent.
    function place(li) {
      log.insertBefore(li, log.querySelector('.msg--local'));
      scrollToEnd();
    }

    function choicesOf(li, choices) {
      var box = document.createElement('div');
      box.className = 'msg__choices';
      choices.forEach(function (choice) {
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = choice.label;
        b.dataset.value = choice.value;
        // The first choice counts: a double click or a second button sends nothing more.
        b.addEventListener('click', function () {
          if (box.dataset.chosen) return;
          box.dataset.chosen = choice.value;
          disableChoices(li);
          options.choose(choice);
        });
        box.appendChild(b);
      });
      return box;
    }

    /** One line of the server's transcript. */
    function render(entry) {
      var payload = entry.payload || {};
      if (entry.direction === 'in' && payload.clientId) arrived(payload.clientId);
      var li = bubble(entry.direction, payload.text || '', entry.direction === 'in' ? payload.attachments : null);
      li.dataset.id = String(entry.id);
      if (payload.card) li.appendChild(cardOf(payload.card));
      if (entry.direction === 'out') disableChoices(log);
      if (payload.choices && payload.choices.length) li.appendChild(choicesOf(li, payload.choices));
      var time = entry.at ? options.timeOf(entry.at) : null;
      if (time) li.appendChild(time);
      place(li);
    }

    function showTyping(on) {
      if (typingTimer) { clearTimeout(typingTimer); typingTimer = null; }
      options.typing.hidden = !on;
      if (on) { typingTimer = setTimeout(function () { showTyping(false); }, TYPING_MS); scrollToEnd(); }
    }

    // --- Bubbles of the outbox: shown at once, replaced by the server's line. ---

    function localBubble(id) { return log.querySelector('.msg--local[data-client-id="' + id + '"]'); }

    function show(m, state, reason) {
      var li = localBubble(m.id);
      if (!li) {
        li = bubble('in', m.shown, m.files);
        li.classList.add('msg--local');
        li.dataset.clientId = m.id;
        var line = document.createElement('div');
        line.className = 'msg__state';
        li.appendChild(line);
        log.appendChild(li);
        scrollToEnd();
      }
      li.dataset.state = state;
      var stateLine = li.querySelector('.msg__state');
      stateLine.textContent = state === 'failed' && reason ? t('failed') + ' ' + reason : (state === 'failed' || state === 'sending' || state === 'waiting' ? t(state) : '');
      if (state === 'failed') {
        var retry = document.createElement('button');
        retry.type = 'button';
        retry.className = 'msg__retry';
        retry.textContent = t('retry');
        retry.addEventListener('click', function () { options.retry(); });
        stateLine.appendChild(document.createTextNode(' '));
        stateLine.appendChild(retry);
      }
    }

    /** The server has the message: its own line replaces the bubble. */
    function arrived(id) {
      options.arrived(id);
      var li = localBubble(id);
      if (li) li.parentNode.removeChild(li);
    }

    /** The server took the message; its line is still to come. */
    function sent(m) {
      var li = localBubble(m.id);
      if (li) { li.dataset.state = 'sent'; li.querySelector('.msg__state').textContent = ''; }
    }

    return { render: render, show: show, sent: sent, showTyping: showTyping, scrollToEnd: scrollToEnd };
  };
})();
