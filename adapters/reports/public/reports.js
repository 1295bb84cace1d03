/*
 * hearken reports page. Every text comes from the JSON the server put in #reports-texts (prompts/<locale>/reports.json
 * and the staff desk's labels); every value from the server is set with textContent (category names and root causes
 * are data, never markup). The charts, their tables and "No data yet" are drawn by reports-figures.js.
 */
(function () {
  'use strict';
  var Chart = window.Chart;
  var BOOT = JSON.parse(document.getElementById('reports-texts').textContent);
  var LOCALES = Object.keys(BOOT.locales);
  var STORE_KEY = 'hearken.reports.lang';
  var lastReport = null;
  var lang;
  var $ = function (id) { return document.getElementById(id); };
  var figures = window.hearkenFigures(function (key, vars) { return t(key, vars); });
  var figure = figures.figure;
  var merge = figures.merge;
  var pct = figures.pct;
  var sum = figures.sum;
  var el = figures.el;
  var palette = figures.palette;
  var WHOLE = figures.WHOLE;
  var WHOLE_ACROSS = figures.WHOLE_ACROSS;

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#1d2330';

  // ---- language -------------------------------------------------------------------------------------------------
  function valid(l) { return LOCALES.indexOf(l) >= 0 ? l : null; }
  function stored() { try { return localStorage.getItem(STORE_KEY); } catch (_e) { return null; } }
  function remember(l) {
    try { localStorage.setItem(STORE_KEY, l); } catch (_e) { /* private mode: the cookie still carries it */ }
    document.cookie = 'hearken_reports_lang=' + encodeURIComponent(l) + '; path=/reports; max-age=31536000; samesite=strict';
  }
  function texts() { return BOOT.locales[lang]; }
  function t(key, vars) {
    var node = texts().texts;
    key.split('.').forEach(function (part) { node = node && typeof node === 'object' ? node[part] : undefined; });
    if (typeof node !== 'string') return key;
    return vars ? node.replace(/\{(\w+)\}/g, function (whole, name) { return name in vars ? String(vars[name]) : whole; }) : node;
  }
  /** A stored key's name in the page's language; a key with no name is data and shown as it is. */
  function label(kind, key) {
    var names = texts().labels[kind] || {};
    return Object.prototype.hasOwnProperty.call(names, key) ? names[key] : key;
  }
  function applyTexts() {
    document.documentElement.lang = lang;
    document.title = t('page.title');
    Array.prototype.forEach.call(document.querySelectorAll('[data-t]'), function (el) { el.textContent = t(el.getAttribute('data-t')); });
    Array.prototype.forEach.call($('lang').options, function (option) {
      if (BOOT.locales[option.value]) option.textContent = BOOT.locales[option.value].texts.languageName;
    });
    $('lang').value = lang;
  }
  function setLanguage(l, keep) {
    lang = l;
    if (keep) remember(l);
    applyTexts();
    if (lastReport) render(lastReport);
  }

  // ---- formatting ------------------------------------------------------------------------------------------------
  function num(v, digits) { return v === null ? '—' : v.toFixed(digits); }
  function hours(v) { return v === null ? '—' : t('kpi.hours', { value: v.toFixed(1) }); }

  // ---- KPIs ------------------------------------------------------------------------------------------------------
  function kpi(key, value, detail) {
    var box = el('div', 'kpi');
    box.appendChild(el('div', 'label', t(key)));
    box.appendChild(el('div', 'value', value));
    if (detail) box.appendChild(el('div', 'detail', detail));
    return box;
  }

  /** A bar or doughnut of case counts by a stored key. */
  function counts(id, type, rows, kind, column, options) {
    var labels = rows.map(function (r) { return kind ? label(kind, r.key) : r.key; });
    var data = rows.map(function (r) { return r.count; });
    var total = sum(data);
    figure({
      id: id,
      type: type,
      labels: labels,
      series: [{ name: t('columns.cases'), data: data, colors: type === 'doughnut' ? rows.map(function (_r, i) { return palette[i % palette.length]; }) : palette[0] }],
      columns: type === 'doughnut' ? [t(column), t('columns.cases'), t('columns.share')] : [t(column), t('columns.cases')],
      rows: rows.map(function (r, i) { return type === 'doughnut' ? [labels[i], r.count, pct(r.count / total)] : [labels[i], r.count]; }),
      options: options,
      empty: total === 0,
    });
  }

  function render(r) {
    lastReport = r;
    var sat = r.satisfaction;
    $('kpis').replaceChildren(
      kpi('kpi.opened', String(r.cases.opened), t('kpi.openedDetail', { resolvedLabel: label('status', 'resolved'), resolved: r.cases.resolved, closedLabel: label('status', 'closed'), closed: r.cases.closed, openNow: r.cases.openNow })),
      kpi('kpi.firstResponse', hours(r.firstResponseHours.median), t('kpi.timeDetail', { p90: hours(r.firstResponseHours.p90) })),
      kpi('kpi.resolution', hours(r.resolutionHours.median), t('kpi.timeDetail', { p90: hours(r.resolutionHours.p90) })),
      kpi('kpi.firstResponseMet', pct(r.deadlines.firstResponse.share), t('kpi.metDetail', r.deadlines.firstResponse)),
      kpi('kpi.resolutionMet', pct(r.deadlines.resolution.share), t('kpi.metDetail', r.deadlines.resolution)),
      kpi('kpi.reopenRate', pct(r.reopen.rate), t('kpi.reopenDetail', r.reopen)),
      kpi('kpi.csat', num(sat.csatAverage, 2), t('kpi.csatDetail', { count: sat.csatCount, share: pct(sat.satisfiedShare) })),
      kpi('kpi.nps', num(sat.nps, 0), t('kpi.npsDetail', { promoters: sat.promoters, detractors: sat.detractors, count: sat.npsCount })),
      kpi('kpi.responseRate', pct(r.surveys.responseRate), t('kpi.responseRateDetail', r.surveys)),
    );

    counts('day', 'bar', r.volumes.day, null, 'columns.day', WHOLE);
    counts('category', 'bar', r.volumes.category, 'category', 'columns.category', WHOLE_ACROSS);
    counts('severity', 'doughnut', r.volumes.severity, 'severity', 'columns.severity');
    counts('channel', 'doughnut', r.volumes.channel, 'channel', 'columns.channel');
    counts('root-causes', 'bar', r.rootCauses, 'rootCause', 'columns.rootCause', WHOLE_ACROSS);
    counts('determination', 'doughnut', [{ key: 'responsible', count: r.determination.responsible }, { key: 'not_responsible', count: r.determination.notResponsible }], 'determination', 'columns.determination');

    var measures = [t('columns.firstResponse'), t('columns.resolution')];
    var medians = [r.firstResponseHours.median, r.resolutionHours.median];
    var p90s = [r.firstResponseHours.p90, r.resolutionHours.p90];
    figure({
      id: 'times',
      type: 'bar',
      labels: measures,
      series: [{ name: t('columns.median'), data: medians, colors: palette[0] }, { name: t('columns.p90'), data: p90s, colors: palette[1] }],
      columns: [t('columns.measure'), t('columns.median'), t('columns.p90')],
      rows: measures.map(function (m, i) { return [m, hours(medians[i]), hours(p90s[i])]; }),
      options: { scales: { y: { beginAtZero: true } } },
      empty: medians.concat(p90s).every(function (v) { return v === null; }),
    });

    // CSAT on its own 1–5 scale: how many answers gave each score.
    var scores = ['1', '2', '3', '4', '5'];
    var byScore = sat.csatByScore || [0, 0, 0, 0, 0];
    figure({
      id: 'csat',
      type: 'bar',
      labels: scores,
      series: [{ name: t('columns.answers'), data: byScore, colors: ['#c9453c', '#e0803a', '#b8941f', '#5aa84f', '#2aa876'] }],
      columns: [t('columns.score'), t('columns.answers'), t('columns.share')],
      rows: scores.map(function (s, i) { return [s, byScore[i], pct(byScore[i] / sat.csatCount)]; }),
      options: merge({ scales: { x: { title: { display: true, text: t('columns.score') } }, y: { title: { display: true, text: t('columns.answers') } } } }, WHOLE),
      empty: sat.csatCount === 0,
    });

    var agentNames = r.agents.map(function (a) { return a.agent; });
    figure({
      id: 'agents',
      type: 'bar',
      labels: agentNames,
      series: [{ name: t('columns.owned'), data: r.agents.map(function (a) { return a.owned; }), colors: palette[0] }, { name: t('columns.resolved'), data: r.agents.map(function (a) { return a.resolved; }), colors: palette[2] }],
      columns: [t('columns.agent'), t('columns.owned'), t('columns.resolved')],
      rows: r.agents.map(function (a) { return [a.agent, a.owned, a.resolved]; }),
      options: WHOLE,
      empty: r.agents.length === 0,
    });

    var body = $('agents').tBodies[0];
    if (r.agents.length === 0) {
      var none = el('td', 'none', t('agents.none'));
      none.colSpan = 6;
      var only = document.createElement('tr');
      only.appendChild(none);
      body.replaceChildren(only);
    } else {
      body.replaceChildren.apply(body, r.agents.map(function (a) {
        var tr = document.createElement('tr');
        var who = el('th', '', a.agent);
        who.scope = 'row';
        tr.appendChild(who);
        [String(a.owned), String(a.resolved), hours(a.medianResolutionHours), num(a.csatAverage, 2), String(a.csatCount)].forEach(function (text) { tr.appendChild(el('td', 'number', text)); });
        return tr;
      }));
    }
    milestones(r.milestones || []);
    showRangeStatus();
  }

  /** Milestones per category and severity: "No data yet" when none of the period's cases had one. */
  function milestones(rows) {
    var empty = rows.length === 0;
    $('milestones-empty').classList.toggle('shown', empty);
    $('milestones-scroll').hidden = empty;
    var body = $('milestones').tBodies[0];
    body.replaceChildren.apply(body, rows.map(function (m) {
      var tr = document.createElement('tr');
      var name = el('th', '', label('milestone', m.milestone));
      name.scope = 'row';
      tr.appendChild(name);
      tr.appendChild(el('td', '', label('category', m.category)));
      tr.appendChild(el('td', '', label('severity', m.severity)));
      var met = m.share === null ? '—' : t('milestones.metDetail', { share: pct(m.share), met: m.met, judged: m.judged });
      [String(m.judged), met, String(m.skipped), hours(m.medianHours)].forEach(function (text) { tr.appendChild(el('td', 'number', text)); });
      return tr;
    }));
  }

  // ---- loading ---------------------------------------------------------------------------------------------------
  var shown = null;
  var loads = 0;
  function status(text, link) {
    var s = $('status');
    s.replaceChildren(document.createTextNode(text));
    if (link) { s.appendChild(document.createTextNode(' ')); var a = el('a', '', link.text); a.href = link.href; s.appendChild(a); }
  }
  function showRangeStatus() {
    if (!shown || !lastReport) return;
    var text = t('page.range', { from: shown.from, to: shown.to, zone: texts().zone });
    status(lastReport.cases.opened === 0 ? text + ' ' + t('page.emptyPeriod') : text);
  }
  function isoDate(d) {
    var local = new Date(d.getTime() - d.getTimezoneOffset() * 60000);
    return local.toISOString().slice(0, 10);
  }
  function applyPreset(days) {
    var to = new Date();
    var from = new Date(to.getTime() - (days - 1) * 86400000);
    $('from').value = isoDate(from);
    $('to').value = isoDate(to);
  }
  function load() {
    var from = $('from').value;
    var to = $('to').value;
    if (!from || !to || from > to) { status(t('page.badRange')); return; }
    var query = 'from=' + encodeURIComponent(from) + '&to=' + encodeURIComponent(to);
    $('report-csv').href = '/reports/api/report.csv?' + query;
    $('cases-csv').href = '/reports/api/cases.csv?' + query;
    status(t('page.loading'));
    // Only the latest request is shown: an older answer that arrives late is dropped.
    var ticket = ++loads;
    fetch('/reports/api/report?' + query, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) { return res.json().then(function (body) { return { status: res.status, ok: res.ok, body: body }; }); })
      .then(function (answer) {
        if (ticket !== loads) return;
        if (answer.status === 401 || (answer.body.error && answer.body.error.code === 'bad_cookie')) {
          status(t('page.sessionEnded'), { text: t('page.signInAgain'), href: '/reports?lang=' + encodeURIComponent(lang) });
          return;
        }
        if (!answer.ok) { status(answer.body.error && answer.body.error.code === 'invalid_range' ? t('page.badRange') : t('page.loadFailed')); return; }
        shown = { from: from, to: to };
        render(answer.body);
        document.body.dataset.loaded = from + '..' + to;
      })
      .catch(function () { if (ticket === loads) status(t('page.loadFailed')); });
  }

  // ---- start -----------------------------------------------------------------------------------------------------
  var asked = valid(new URLSearchParams(location.search).get('lang'));
  lang = asked || valid(stored()) || valid(document.documentElement.lang) || LOCALES[0];
  if (asked) remember(asked);
  applyTexts();
  $('lang').addEventListener('change', function () {
    var chosen = valid($('lang').value);
    if (!chosen) return;
    var url = new URL(location.href);
    if (url.searchParams.has('lang')) { url.searchParams.set('lang', chosen); history.replaceState(null, '', url.pathname + url.search); }
    setLanguage(chosen, true);
  });
  $('preset').addEventListener('change', function () {
    if ($('preset').value !== 'custom') { applyPreset(Number($('preset').value)); load(); }
  });
  ['from', 'to'].forEach(function (id) { $(id).addEventListener('input', function () { $('preset').value = 'custom'; }); });
  $('range').addEventListener('submit', function (event) { event.preventDefault(); load(); });
  applyPreset(30);
  load();
})();
