/**
 * The page's own script (plain browser JavaScript, kept as a string): reads the embedded data and draws
 * the charts with uPlot, which the page inlines before it. No network access at any point.
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f', '#7c3aed', '#b45309', '#0f766e', '#6b7280'];
  var colour = function (i) { return palette[i % palette.length]; };
  // One colour per chunk size (data.colours, from tradeoffPoints.ts) and one dash pattern per group
  // (max_num_seqs, interleave, cards), so that the same chunk size reads the same across groups.
  var uniq = function (values) { return values.filter(function (v, i) { return values.indexOf(v) === i; }); };
  var groupNames = uniq(data.runs.map(function (run) { return run.group; }));
  var dashes = [[], [7, 4], [2, 3], [10, 3, 2, 3]];
  var runColour = function (i) { return colour(data.colours[i]); };
  var runDash = function (i) { return dashes[groupNames.indexOf(data.runs[i].group) % dashes.length]; };
  var groupShade = ['#1f2937', '#6b7280', '#9ca3af', '#374151'];
  var ms = function (s) { return s * 1000; };
  var fmt = function (v, digits) { return v === null || v === undefined ? '–' : Number(v).toFixed(digits === undefined ? 1 : digits); };
  var width = function (el) { return Math.max(320, Math.floor(el.getBoundingClientRect().width) - 8); };

  function summaryTable() {
    var body = document.querySelector('#summary tbody');
    data.runs.forEach(function (run, i) {
      var r = run.report;
      var tr = document.createElement('tr');
      if (data.recommended === i) tr.className = 'recommended';
      if (run.meetsTargets === false) tr.className += ' misses';
      var cells = [
        '<span class="swatch" style="background:' + runColour(i) + '"></span>' + run.label,
        r.settings.max_num_batched_tokens, r.settings.max_num_seqs, r.settings.interleave ? 'on' : 'off', r.settings.tensor_parallel_size || '',
        fmt(r.throughput.requests_per_s, 2), fmt(r.throughput.output_tokens_per_s, 0),
        fmt(ms(r.ttft_s.p50), 0), fmt(ms(r.ttft_s.p99), 0), fmt(ms(r.itl_s.p50)), fmt(ms(r.itl_s.p99)),
        fmt(ms(r.tpot_s.p50)), fmt(r.e2e_s.p50, 2), fmt(ms(r.prefill_interrupt_s.mean), 0),
        fmt(100 * r.prefix_cache.hit_rate, 1) + '%', r.requests.completed + '/' + r.requests.total,
      ];
      tr.innerHTML = cells.map(function (c) { return '<td>' + c + '</td>'; }).join('');
      body.appendChild(tr);
    });
  }

  function distributionChart(elId, field, axisLabel, target) {
    var el = document.getElementById(elId);
    // x = -log10(1 - q): equal room for p50→p90, p90→p99 and p99→p99.9, where the prefill stalls live.
    var tail = function (q) { return -Math.log10(Math.max(1 - q, 1e-4)); };
    var q = data.runs[0].report[field].q.map(tail);
    var ticks = [[0, 'p0'], [tail(0.5), 'p50'], [1, 'p90'], [2, 'p99'], [3, 'p99.9'], [4, 'max']];
    var series = [{ label: 'percentile', value: function (u, v) { return v === null ? '--' : (100 * (1 - Math.pow(10, -v))).toFixed(2); } }];
    var columns = [q];
    data.runs.forEach(function (run, i) {
      series.push({ label: run.label, stroke: runColour(i), dash: runDash(i), width: 2 });
      columns.push(run.report[field].seconds.map(ms));
    });
    if (target) {
      series.push({ label: 'p99 target (' + target + ' ms)', stroke: '#111827', dash: [6, 4], width: 1 });
      columns.push(q.map(function () { return target; }));
    }
    new uPlot({
      width: width(el), height: 320, series: series,
      scales: { x: { time: false } },
      axes: [
        { label: 'percentile (tail stretched)', splits: function () { return ticks.map(function (t) { return t[0]; }); },
          values: function (u, splits) { return splits.map(function (v) { var t = ticks.filter(function (t) { return t[0] === v; })[0]; return t ? t[1] : ''; }); } },
        { label: axisLabel, size: 64 },
      ],
      legend: { live: false },
    }, columns, el);
  }

  // Each point drawn in its chunk size's colour and named beside it. A name goes to the first spot that
  // overlaps no point and no name already drawn: right, left, above, below, then further up or down on
  // either side with a thin leader line (points of the same throughput stack).
  function drawPoints(u, chart) {
    var ctx = u.ctx, px = uPlot.pxRatio, r = 5 * px;
    var at = chart.points.map(function (p) { return { p: p, cx: u.valToPos(p.x, 'x', true), cy: u.valToPos(p.y, 'y', true) }; });
    var taken = at.map(function (a) { return { x: a.cx - r - px, y: a.cy - r - px, w: 2 * r + 2 * px, h: 2 * r + 2 * px }; });
    ctx.save();
    ctx.setLineDash([]);
    at.forEach(function (a) {
      if (a.p.recommended) {
        ctx.beginPath(); ctx.arc(a.cx, a.cy, 9 * px, 0, 2 * Math.PI); ctx.lineWidth = 2 * px; ctx.strokeStyle = '#111827'; ctx.stroke();
      }
      ctx.beginPath(); ctx.arc(a.cx, a.cy, r, 0, 2 * Math.PI); ctx.fillStyle = colour(a.p.colour); ctx.fill();
      ctx.lineWidth = 1.5 * px; ctx.strokeStyle = '#fff'; ctx.stroke();
    });
    ctx.font = Math.round(11 * px) + 'px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    var h = 13 * px, gap = 12 * px, far = 26 * px;
    // The recommended point is named first, so its name gets the first free spot.
    var order = at.filter(function (a) { return a.p.recommended; }).concat(at.filter(function (a) { return !a.p.recommended; }));
    order.forEach(function (a) {
      var w = ctx.measureText(a.p.text).width, cx = a.cx, cy = a.cy;
      var spots = [[cx + gap, cy], [cx - gap - w, cy], [cx - w / 2, cy - h - 2 * px], [cx - w / 2, cy + h + 2 * px]];
      for (var k = 1; k <= 8; k++) spots.push([cx - far - w, cy - k * h], [cx - far - w, cy + k * h], [cx + far, cy - k * h], [cx + far, cy + k * h]);
      var box, spot = 0;
      for (var i = 0; i < spots.length && box === undefined; i++) {
        var c = { x: spots[i][0], y: spots[i][1] - h / 2, w: w, h: h };
        var inside = c.x >= u.bbox.left && c.x + w <= u.bbox.left + u.bbox.width && c.y >= u.bbox.top && c.y + h <= u.bbox.top + u.bbox.height;
        var clear = taken.every(function (b) { return c.x + c.w < b.x || b.x + b.w < c.x || c.y + c.h < b.y || b.y + b.h < c.y; });
        if (inside && clear) { box = c; spot = i; }
      }
      if (box === undefined) { box = { x: spots[0][0], y: spots[0][1] - h / 2, w: w, h: h }; spot = 0; }
      taken.push(box);
      if (spot >= 4) {
        var ex = box.x > cx ? box.x - 2 * px : box.x + w + 2 * px;
        ctx.beginPath(); ctx.moveTo(cx, cy); ctx.lineTo(ex, box.y + h / 2); ctx.lineWidth = px; ctx.strokeStyle = '#9ca3af'; ctx.stroke();
      }
      ctx.fillStyle = a.p.recommended ? '#111827' : '#374151';
      ctx.fillText(a.p.text, box.x, box.y + h / 2);
    });
    ctx.restore();
  }

  // Grid lines and ticks of a logarithmic axis at 1, 2 and 5 times each power of ten in range.
  function logSplits(u, axisIdx, min, max) {
    var splits = [];
    for (var e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
      [1, 2, 5].forEach(function (m) { var v = m * Math.pow(10, e); if (v >= min && v <= max) splits.push(v); });
    }
    return splits;
  }

  function tradeoffChart(elId, chart, axisLabel, target) {
    var el = document.getElementById(elId);
    var points = chart.points;
    var xs = points.map(function (p) { return p.x; });
    var groups = uniq(points.map(function (p) { return p.group; })).sort();
    var series = [{ label: 'output tokens/s' }];
    var columns = [xs];
    groups.forEach(function (g, gi) {
      var dash = dashes[groupNames.indexOf(g) % dashes.length];
      series.push({ label: g, stroke: groupShade[gi % groupShade.length], dash: dash, width: 1.5, spanGaps: true, points: { show: false } });
      columns.push(points.map(function (p) { return p.group === g ? p.y : null; }));
    });
    if (target) {
      series.push({ label: 'target (' + target + ' ms)', stroke: '#111827', dash: [6, 4], width: 1, points: { show: false } });
      columns.push(xs.map(function () { return target; }));
    }
    var pad = function (min, max) { var d = (max - min) * 0.08 || Math.abs(max) * 0.01 || 1; return [min - d, max + d]; };
    new uPlot({
      width: width(el), height: 340, series: series,
      scales: { x: { time: false, range: function (u, min, max) { return pad(min, max); } }, y: chart.logScale ? { distr: 3, log: 10 } : {} },
      axes: [{ label: 'throughput (output tokens/s)' }, chart.logScale ? { label: axisLabel + ', log scale', size: 88, splits: logSplits } : { label: axisLabel, size: 72 }],
      legend: { live: false },
      hooks: { draw: [function (u) { drawPoints(u, chart); }] },
    }, columns, el);
  }

  var timelinePlot;
  function timelineChart(index) {
    var el = document.getElementById('timeline');
    if (timelinePlot) timelinePlot.destroy();
    var t = data.runs[index].report.timeline;
    timelinePlot = new uPlot({
      width: width(el), height: 300,
      series: [
        { label: 'time (s)' },
        { label: 'KV usage %', stroke: '#2563eb', fill: 'rgba(37,99,235,0.12)', width: 1.5, scale: '%' },
        { label: 'requests waiting', stroke: '#dc2626', width: 1, scale: 'n' },
        { label: 'requests running', stroke: '#16a34a', width: 1, scale: 'n' },
      ],
      scales: { x: { time: false }, '%': { range: [0, 100] }, n: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
      axes: [{ label: 'simulated time (s)' }, { scale: '%', label: 'KV cache usage (%)', size: 60 }, { scale: 'n', side: 1, label: 'requests', grid: { show: false } }],
      legend: { live: false },
    }, [t.time_s, t.kv_usage.map(function (v) { return 100 * v; }), t.waiting, t.running], el);
  }

  function timelinePicker() {
    var select = document.getElementById('timeline-run');
    data.runs.forEach(function (run, i) {
      var option = document.createElement('option');
      option.value = String(i);
      option.textContent = run.label;
      select.appendChild(option);
    });
    var initial = data.recommended === undefined || data.recommended === null ? 0 : data.recommended;
    select.value = String(initial);
    select.addEventListener('change', function () { timelineChart(Number(select.value)); });
    timelineChart(initial);
  }

  summaryTable();
  distributionChart('itl', 'itl_distribution', 'ITL (ms)', data.targets && data.targets.itl_p99_ms);
  if (data.runs.length > 1) {
    tradeoffChart('tradeoff-itl', data.tradeoff.itl, 'ITL p99 (ms)', data.targets && data.targets.itl_p99_ms);
    tradeoffChart('tradeoff-ttft', data.tradeoff.ttft, 'TTFT p99 (ms)', data.targets && data.targets.ttft_p99_ms);
  } else {
    distributionChart('tradeoff-itl', 'ttft_distribution', 'TTFT (ms)', data.targets && data.targets.ttft_p99_ms);
    distributionChart('tradeoff-ttft', 'e2e_distribution', 'E2E latency (ms)');
  }
  timelinePicker();
})();
`;
