// The partners dashboard panel: draws its four charts from the JSON beside them. The panel
// may arrive by htmx after the page loaded, and chart.js may load after this script.
(function () {
  "use strict";
  if (window.prmPartnersDashboard) {
    window.prmPartnersDashboard();
    return;
  }
  const COLOURS = ["#1d4ed8", "#0891b2", "#ca8a04", "#9ca3af"];

  function draw() {
    const source = document.getElementById("partners-dashboard-data");
    if (!source) return;
    if (typeof window.Chart === "undefined") {
      const lib = document.querySelector("script[data-chartjs]");
      if (lib) lib.addEventListener("load", draw, { once: true });
      return;
    }
    const data = JSON.parse(source.textContent);
    const integer = { beginAtZero: true, ticks: { precision: 0 } };
    const specs = {
      status: {
        type: "bar",
        data: {
          labels: data.status.labels,
          datasets: data.status.series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: COLOURS[i % COLOURS.length] })),
        },
        options: { scales: { x: { stacked: true }, y: { ...integer, stacked: true } } },
      },
      overdue: {
        type: "bar",
        data: { labels: data.overdue.labels, datasets: [{ label: data.overdue.label, data: data.overdue.data, backgroundColor: "#b91c1c" }] },
        options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: integer } },
      },
      trend: {
        type: "line",
        data: { labels: data.trend.labels, datasets: [{ label: data.trend.label, data: data.trend.data, borderColor: "#1d4ed8", backgroundColor: "#93c5fd", fill: true, tension: 0.2 }] },
        options: { plugins: { legend: { display: false } }, scales: { y: integer } },
      },
      funnel: {
        type: "bar",
        data: { labels: data.funnel.labels, datasets: [{ label: data.funnel.label, data: data.funnel.data, backgroundColor: "#0891b2" }] },
        options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: integer } },
      },
    };
    document.querySelectorAll("canvas[data-dashboard-chart]").forEach((canvas) => {
      if (canvas.dataset.drawn) return;
      const spec = specs[canvas.dataset.dashboardChart];
      if (!spec) return;
      canvas.dataset.drawn = "true";
      spec.options = { responsive: true, maintainAspectRatio: false, animation: false, ...spec.options };
      new window.Chart(canvas, spec);
    });
  }

  window.prmPartnersDashboard = draw;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
