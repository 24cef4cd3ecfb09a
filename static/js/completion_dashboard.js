// The completion dashboard's charts (Chart.js, served from node_modules) and its print button.
// A file, not an inline script: the page's CSP allows scripts from our origin.
(function () {
  const data = JSON.parse(document.getElementById("completion-chart-data").textContent);
  const pct = {y: {beginAtZero: true, max: 100, ticks: {callback: (v) => v + " %"}}};
  function bars(id, series, color, extra) {
    const el = document.getElementById(id);
    if (!el || !series.labels.length) return;
    new Chart(el, {
      type: "bar",
      data: {labels: series.labels, datasets: [{label: "Completion %", data: series.completion, backgroundColor: color}]},
      options: Object.assign({responsive: true, maintainAspectRatio: false, animation: false, scales: pct, plugins: {legend: {display: false}}}, extra || {}),
    });
  }
  const burnup = document.getElementById("burnup-chart");
  if (burnup) {
    window.burnupChart = new Chart(burnup, {
      type: "line",
      data: {
        labels: data.weeks,
        datasets: [
          {label: "Involved", data: data.involved, borderColor: "#6c757d", backgroundColor: "#6c757d", stepped: true, pointRadius: 0},
          {label: "Remedied (cumulative)", data: data.remedied, borderColor: "#198754", backgroundColor: "rgba(25,135,84,0.15)", fill: true, pointRadius: 2},
        ],
      },
      options: {responsive: true, maintainAspectRatio: false, animation: false, scales: {y: {beginAtZero: true}}},
    });
  }
  bars("region-chart", data.regions, "#0d6efd");
  bars("model-chart", data.models, "#6610f2");
  bars("year-chart", data.years, "#20c997");
  bars("dealer-chart", data.dealers, "#c8102e", {
    plugins: {legend: {display: false}, tooltip: {callbacks: {title: (items) => data.dealers.names[items[0].dataIndex]}}},
    scales: Object.assign({x: {ticks: {display: data.dealers.labels.length <= 40}}}, pct),
  });
  document.querySelectorAll("[data-print]").forEach((b) => b.addEventListener("click", () => window.print()));
})();
