// The insights dashboards: draw each chart from the JSON beside it (json_script), so the page
// needs no inline script (CSP). chart.js may load after this file.
(function () {
  "use strict";
  const BLUE = "#1d4ed8", CYAN = "#0891b2", GREY = "#9ca3af", AMBER = "#ca8a04";

  function overviewSpecs(data) {
    const mix = data.mix, t = mix.labels_text;
    return {
      mix: {
        type: "bar",
        data: {
          labels: mix.labels,
          datasets: [
            { label: t.partner, data: mix.partner, backgroundColor: BLUE, stack: "revenue", yAxisID: "y" },
            { label: t.direct, data: mix.direct, backgroundColor: GREY, stack: "revenue", yAxisID: "y" },
            { type: "line", label: t.share, data: mix.share, borderColor: CYAN, backgroundColor: CYAN, yAxisID: "share", tension: 0.2 },
            { type: "line", label: t.target, data: mix.labels.map(() => mix.target), borderColor: AMBER, borderDash: [6, 4], pointRadius: 0, yAxisID: "share" },
          ],
        },
        options: {
          scales: {
            y: { beginAtZero: true, stacked: true },
            share: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } },
          },
        },
      },
      customers: {
        type: "bar",
        data: {
          labels: mix.labels,
          datasets: [
            { label: t.customers_partner, data: mix.customers_partner, backgroundColor: BLUE },
            { label: t.customers_direct, data: mix.customers_direct, backgroundColor: GREY },
          ],
        },
        options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
      },
      funnel: {
        type: "bar",
        data: { labels: data.funnel.labels, datasets: [{ label: data.funnel.label, data: data.funnel.counts, backgroundColor: CYAN }] },
        options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
      },
    };
  }

  function draw() {
    if (typeof window.Chart === "undefined") {
      const lib = document.querySelector("script[data-chartjs]");
      if (lib) lib.addEventListener("load", draw, { once: true });
      return;
    }
    const sources = { "insights-overview-data": overviewSpecs };
    Object.keys(sources).forEach((id) => {
      const source = document.getElementById(id);
      if (!source) return;
      const specs = sources[id](JSON.parse(source.textContent));
      document.querySelectorAll("canvas[data-insights-chart]").forEach((canvas) => {
        const spec = specs[canvas.dataset.insightsChart];
        if (!spec || canvas.dataset.drawn) return;
        canvas.dataset.drawn = "true";
        spec.options = { responsive: true, maintainAspectRatio: false, animation: false, ...spec.options };
        new window.Chart(canvas, spec);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
