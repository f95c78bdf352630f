// The portal's "My results" trend: deals registered and won (bars) and revenue (a line on
// its own axis) per period, from the JSON beside the chart. chart.js may load after this.
(function () {
  "use strict";
  function draw() {
    const source = document.getElementById("results-chart-data");
    const canvas = document.querySelector("canvas[data-results-chart]");
    if (!source || !canvas || canvas.dataset.drawn) return;
    if (typeof window.Chart === "undefined") {
      const lib = document.querySelector("script[data-chartjs]");
      if (lib) lib.addEventListener("load", draw, { once: true });
      return;
    }
    const data = JSON.parse(source.textContent);
    canvas.dataset.drawn = "true";
    new window.Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: data.registered_label, data: data.registered, backgroundColor: "#93c5fd", yAxisID: "count" },
          { type: "bar", label: data.won_label, data: data.won, backgroundColor: "#1d4ed8", yAxisID: "count" },
          { type: "line", label: data.revenue_label, data: data.revenue, borderColor: "#ca8a04", backgroundColor: "#ca8a04", tension: 0.2, yAxisID: "money" },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom" } },
        scales: {
          count: { position: "left", beginAtZero: true, ticks: { precision: 0 } },
          money: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } },
        },
      },
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
