/* hearken reports page. Every text from the server is set with textContent (category names and root causes are data, never markup). */
(function () {
  'use strict';
  var Chart = window.Chart;
  var charts = {};
  var palette = ['#2f6fdf', '#e0803a', '#2aa876', '#c9453c', '#8a5cd1', '#d4b03a', '#3ab0c9', '#7a8494', '#c95ca0', '#5c7ad1'];
  var WHOLE_NUMBERS = { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } };
  var $ = function (id) { return document.getElementById(id); };

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
  function pct(v) { return v === null ? '—' : Math.round(v * 100) + '%'; }
  function num(v, digits) { return v === null ? '—' : v.toFixed(digits); }
  function hours(v) { return v === null ? '—' : v.toFixed(1) + ' h'; }

  function kpi(label, value, detail) {
    var box = document.createElement('div');
    box.className = 'kpi';
    var l = document.createElement('div'); l.className = 'label'; l.textContent = label;
    var v = document.createElement('div'); v.className = 'value'; v.textContent = value;
    box.appendChild(l); box.appendChild(v);
    if (detail) { var d = document.createElement('div'); d.className = 'detail'; d.textContent = detail; box.appendChild(d); }
    return box;
  }

  function draw(id, type, labels, datasets, options) {
    if (charts[id]) charts[id].destroy();
    charts[id] = new Chart($(id), {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: Object.assign({ animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: datasets.length > 1 || type === 'doughnut' } } }, options || {}),
    });
  }
  function counts(id, type, rows, label) {
    draw(id, type, rows.map(function (r) { return r.key; }), [{ label: label, data: rows.map(function (r) { return r.count; }), backgroundColor: type === 'line' ? palette[0] : palette.slice(0, Math.max(rows.length, 1)), borderColor: palette[0] }], type === 'bar' ? WHOLE_NUMBERS : undefined);
  }

  function render(r) {
    var kpis = $('kpis');
    kpis.replaceChildren(
      kpi('Cases opened', String(r.cases.opened), 'resolved ' + r.cases.resolved + ' · closed ' + r.cases.closed + ' · open now ' + r.cases.openNow),
      kpi('First response', hours(r.firstResponseHours.median), 'median · p90 ' + hours(r.firstResponseHours.p90)),
      kpi('Resolution', hours(r.resolutionHours.median), 'median · p90 ' + hours(r.resolutionHours.p90)),
      kpi('First response deadline met', pct(r.deadlines.firstResponse.share), r.deadlines.firstResponse.met + ' of ' + r.deadlines.firstResponse.judged),
      kpi('Resolution deadline met', pct(r.deadlines.resolution.share), r.deadlines.resolution.met + ' of ' + r.deadlines.resolution.judged),
      kpi('Reopen rate', pct(r.reopen.rate), r.reopen.reopened + ' of ' + r.reopen.resolved + ' resolved'),
      kpi('CSAT', num(r.satisfaction.csatAverage, 2), r.satisfaction.csatCount + ' answers · satisfied ' + pct(r.satisfaction.satisfiedShare)),
      kpi('NPS', num(r.satisfaction.nps, 0), r.satisfaction.promoters + ' promoters · ' + r.satisfaction.detractors + ' detractors of ' + r.satisfaction.npsCount),
      kpi('Survey response rate', pct(r.surveys.responseRate), r.surveys.answered + ' of ' + r.surveys.sent + ' sent'),
    );
    counts('chart-day', 'bar', r.volumes.day, 'Cases');
    counts('chart-category', 'bar', r.volumes.category, 'Cases');
    counts('chart-severity', 'doughnut', r.volumes.severity, 'Cases');
    counts('chart-channel', 'doughnut', r.volumes.channel, 'Cases');
    draw('chart-times', 'bar', ['First response', 'Resolution'], [
      { label: 'Median', data: [r.firstResponseHours.median, r.resolutionHours.median], backgroundColor: palette[0] },
      { label: '90th percentile', data: [r.firstResponseHours.p90, r.resolutionHours.p90], backgroundColor: palette[1] },
    ]);
    draw('chart-csat', 'bar', ['CSAT average', 'Satisfied (4–5) ×5', 'Response rate ×5'], [
      { label: 'Score', data: [r.satisfaction.csatAverage, r.satisfaction.satisfiedShare === null ? null : r.satisfaction.satisfiedShare * 5, r.surveys.responseRate === null ? null : r.surveys.responseRate * 5], backgroundColor: palette.slice(2, 5) },
    ], { scales: { y: { min: 0, max: 5 } } });
    counts('chart-root-causes', 'bar', r.rootCauses, 'Cases');
    draw('chart-determination', 'doughnut', ['Responsible', 'Not responsible'], [{ label: 'Cases', data: [r.determination.responsible, r.determination.notResponsible], backgroundColor: [palette[3], palette[2]] }]);
    draw('chart-agents', 'bar', r.agents.map(function (a) { return a.agent; }), [
      { label: 'Owned', data: r.agents.map(function (a) { return a.owned; }), backgroundColor: palette[0] },
      { label: 'Resolved', data: r.agents.map(function (a) { return a.resolved; }), backgroundColor: palette[2] },
    ], WHOLE_NUMBERS);
    var body = $('agents').tBodies[0];
    body.replaceChildren.apply(body, r.agents.map(function (a) {
      var tr = document.createElement('tr');
      [a.agent, String(a.owned), String(a.resolved), hours(a.medianResolutionHours), num(a.csatAverage, 2), String(a.csatCount)].forEach(function (text) {
        var td = document.createElement('td'); td.textContent = text; tr.appendChild(td);
      });
      return tr;
    }));
  }

  function load() {
    var query = 'from=' + encodeURIComponent($('from').value) + '&to=' + encodeURIComponent($('to').value);
    $('report-csv').href = '/reports/api/report.csv?' + query;
    $('cases-csv').href = '/reports/api/cases.csv?' + query;
    $('status').textContent = 'Loading…';
    fetch('/reports/api/report?' + query, { credentials: 'same-origin' })
      .then(function (res) { return res.json().then(function (body) { return { ok: res.ok, body: body }; }); })
      .then(function (answer) {
        if (!answer.ok) { $('status').textContent = answer.body.error ? answer.body.error.message : 'Could not load the report.'; return; }
        render(answer.body);
        document.body.dataset.loaded = $('from').value + '..' + $('to').value;
        $('status').textContent = 'Cases opened ' + $('from').value + ' to ' + $('to').value + ' (' + answer.body.range.timezone + ').';
      })
      .catch(function () { $('status').textContent = 'Could not load the report.'; });
  }

  $('preset').addEventListener('change', function () {
    if ($('preset').value !== 'custom') { applyPreset(Number($('preset').value)); load(); }
  });
  ['from', 'to'].forEach(function (id) { $(id).addEventListener('input', function () { $('preset').value = 'custom'; }); });
  $('range').addEventListener('submit', function (event) { event.preventDefault(); load(); });
  applyPreset(30);
  load();
})();
