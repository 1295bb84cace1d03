/*
 * hearken reports page: one figure = a Chart.js chart, or "No data yet" when there is nothing to draw, with its figures
 * as a data table and a text alternative on the canvas. Chart.js has no data labels of its own (and no plugin is
 * installed): counts and shares are written on the doughnut's slices by a small plugin here and in the legend.
 * window.hearkenFigures(t) → { figure, merge, pct, sum, el, palette, WHOLE, WHOLE_ACROSS }; t(key, vars) gives a text.
 */
(function () {
  'use strict';
  window.hearkenFigures = function (t) {
    var Chart = window.Chart;
    var palette = ['#2f6fdf', '#e0803a', '#2aa876', '#c9453c', '#8a5cd1', '#b8941f', '#3ab0c9', '#7a8494', '#c95ca0', '#5c7ad1'];
    var charts = {};
    // ---- formatting ------------------------------------------------------------------------------------------------
    function pct(v) { return v === null || v === undefined || isNaN(v) ? '—' : Math.round(v * 100) + '%'; }
    function sum(values) { return values.reduce(function (a, b) { return a + (b || 0); }, 0); }
    function el(tag, className, text) {
      var node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined) node.textContent = text;
      return node;
    }
    /** Black or white, whichever reads better on a slice of this colour. */
    function inkOn(hex) {
      var c = parseInt(hex.slice(1), 16);
      var lum = [c >> 16, (c >> 8) & 255, c & 255].map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
      var l = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
      return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000' : '#fff';
    }

    // ---- charts ----------------------------------------------------------------------------------------------------
    /** Counts and shares written on the doughnut's slices (chart.js has no data labels of its own; no plugin is installed). */
    var sliceLabels = {
      id: 'hearkenSliceLabels',
      afterDatasetsDraw: function (chart) {
        var dataset = chart.data.datasets[0];
        var total = sum(dataset.data);
        if (!total) return;
        var ctx = chart.ctx;
        ctx.save();
        ctx.font = '600 12px ' + Chart.defaults.font.family;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        chart.getDatasetMeta(0).data.forEach(function (arc, i) {
          var value = dataset.data[i];
          // A slice too thin for text: its figures are in the legend and the table.
          if (!value || !chart.getDataVisibility(i) || arc.circumference < 0.5) return;
          var at = arc.tooltipPosition();
          ctx.fillStyle = inkOn(dataset.backgroundColor[i]);
          ctx.fillText(String(value), at.x, at.y - 7);
          ctx.fillText(pct(value / total), at.x, at.y + 8);
        });
        ctx.restore();
      },
    };

    /**
     * One figure: a chart, or "No data yet" when there is nothing to draw, and its data as a table.
     * spec: { id, type, labels, series: [{ name, data, colors }], columns, rows, options, empty }
     */
    function figure(spec) {
      var canvas = document.getElementById('chart-' + spec.id);
      var fig = canvas.closest('figure');
      if (charts[spec.id]) { charts[spec.id].destroy(); delete charts[spec.id]; }
      var note = fig.querySelector('.empty-note');
      if (!note) { note = el('p', 'empty-note'); fig.appendChild(note); }
      note.textContent = t('page.noData');
      var details = fig.querySelector('details');
      if (!details) {
        details = el('details');
        details.appendChild(el('summary'));
        // Focusable, so a keyboard can scroll a table wider than a phone.
        var scroll = el('div', 'table-scroll');
        scroll.tabIndex = 0;
        scroll.setAttribute('role', 'region');
        scroll.appendChild(el('table'));
        details.appendChild(scroll);
        fig.appendChild(details);
      }
      details.querySelector('summary').textContent = t('page.dataTable');
      details.querySelector('.table-scroll').setAttribute('aria-label', t('page.dataTable') + ': ' + fig.querySelector('figcaption').textContent);
      fig.classList.toggle('empty', spec.empty);
      fig.dataset.empty = spec.empty ? 'true' : 'false';
      var caption = fig.querySelector('figcaption').textContent;
      fillTable(details.querySelector('table'), caption, spec.columns, spec.rows);
      if (spec.empty) { canvas.setAttribute('aria-label', caption + ': ' + t('page.noData')); return; }
      canvas.setAttribute('aria-label', caption + ': ' + spec.rows.map(function (row) { return row[0] + ' ' + row.slice(1).join(' / '); }).join('; '));
      var doughnut = spec.type === 'doughnut';
      var options = {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: spec.series.length > 1 || doughnut, position: doughnut ? 'bottom' : 'top' } },
      };
      if (doughnut) {
        var data = spec.series[0].data;
        var total = sum(data);
        options.plugins.legend.labels = {
          generateLabels: function (chart) {
            return Chart.overrides.doughnut.plugins.legend.labels.generateLabels(chart).map(function (item) {
              item.text = t('charts.legendItem', { label: item.text, count: data[item.index], share: pct(data[item.index] / total) });
              return item;
            });
          },
        };
      }
      charts[spec.id] = new Chart(canvas, {
        type: spec.type,
        data: {
          labels: spec.labels,
          datasets: spec.series.map(function (s) { return { label: s.name, data: s.data, backgroundColor: s.colors, borderColor: doughnut ? '#fff' : s.colors, maxBarThickness: 56 }; }),
        },
        options: merge(options, spec.options || {}),
        plugins: doughnut ? [sliceLabels] : [],
      });
    }
    /** Deep-merges plain objects into `into` (copying them: the shared option presets are never handed to Chart.js). */
    function merge(into, from) {
      Object.keys(from).forEach(function (k) {
        var value = from[k];
        if (value && typeof value === 'object' && !Array.isArray(value)) into[k] = merge(into[k] && typeof into[k] === 'object' ? into[k] : {}, value);
        else into[k] = value;
      });
      return into;
    }
    function fillTable(table, caption, columns, rows) {
      table.replaceChildren();
      table.appendChild(el('caption', 'visually-hidden', caption));
      var head = table.createTHead().insertRow();
      columns.forEach(function (c, i) { var th = el('th', i ? 'number' : '', c); th.scope = 'col'; head.appendChild(th); });
      var body = table.createTBody();
      rows.forEach(function (row) {
        var tr = body.insertRow();
        row.forEach(function (cell, i) {
          var c = i ? el('td', 'number', String(cell)) : el('th', '', String(cell));
          if (!i) c.scope = 'row';
          tr.appendChild(c);
        });
      });
    }
    var WHOLE = { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } };
    /** Long names (a root cause staff typed) are cut on the axis; the table and the tooltip have them whole. */
    function shortLabel(value) {
      var text = String(this.getLabelForValue(value));
      return text.length > 22 ? text.slice(0, 21) + '…' : text;
    }
    var WHOLE_ACROSS = { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { callback: shortLabel } } } };

    return { figure: figure, merge: merge, pct: pct, sum: sum, el: el, palette: palette, WHOLE: WHOLE, WHOLE_ACROSS: WHOLE_ACROSS };
  };
})();
