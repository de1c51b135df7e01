// Draws the dashboard's charts from the JSON block the page carries (no inline script: CSP is script-src 'self').
(function () {
  var source = document.getElementById('dashboard-data');
  if (!source || typeof window.Chart === 'undefined') return;
  var data = JSON.parse(source.textContent || '{}');
  var palette = ['#1a7f37', '#0969da', '#bf8700', '#8250df', '#cf222e', '#57606a', '#b71c1c'];
  var percentAxis = { min: 0, max: 100, ticks: { callback: function (v) { return v + '%'; } } };
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new window.Chart(canvas, config);
  }
  var base = { responsive: true, maintainAspectRatio: false, animation: false };
  draw('chart-criteria', {
    type: 'bar',
    data: { labels: data.criteria.labels, datasets: [{ label: data.criteria.label, data: data.criteria.values, backgroundColor: '#1a7f37' }] },
    options: Object.assign({}, base, { scales: { y: percentAxis } }),
  });
  draw('chart-completion', {
    type: 'bar',
    data: { labels: data.completion.labels, datasets: [{ label: data.completion.label, data: data.completion.values, backgroundColor: '#0969da' }] },
    options: Object.assign({}, base, { scales: { y: percentAxis } }),
  });
  draw('chart-incidents', {
    type: 'bar',
    data: {
      labels: data.incidents.labels,
      datasets: data.incidents.series.map(function (s, i) { return { label: s.label, data: s.values, backgroundColor: palette[i % palette.length] }; }),
    },
    options: Object.assign({}, base, { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }),
  });
  draw('chart-satisfaction', {
    type: 'line',
    data: { labels: data.satisfaction.labels, datasets: [{ label: data.satisfaction.label, data: data.satisfaction.values, borderColor: '#b71c1c', backgroundColor: '#b71c1c', spanGaps: true }] },
    options: Object.assign({}, base, { scales: { y: percentAxis } }),
  });
})();
