// The insights pages' charts, drawn from the JSON beside them (#insights-chart-data): the
// rep scatter with its quadrant lines, stacked bars of bands and headroom, a KPI trend.
// A fragment may arrive by htmx after the page loaded, and chart.js may load after this.
(function () {
  "use strict";
  if (window.prmInsightsCharts) {
    window.prmInsightsCharts();
    return;
  }
  const QUADRANT = { performing: "#15803d", support: "#d97706", without_material: "#2563eb", neither: "#9ca3af" };
  const BAND = { top: "#15803d", middle: "#60a5fa", bottom: "#d1d5db" };
  const SERIES = ["#1d4ed8", "#0891b2", "#15803d", "#ca8a04"];
  const integer = { beginAtZero: true, ticks: { precision: 0 } };

  // Dashed lines where the quadrants meet: the views threshold and "any result".
  const quadrantLines = {
    id: "quadrantLines",
    afterDatasetsDraw(chart, _args, options) {
      const { ctx, chartArea, scales } = chart;
      if (!chartArea || options.threshold === undefined) return;
      ctx.save();
      ctx.strokeStyle = "#6b7280";
      ctx.setLineDash([4, 4]);
      const x = scales.x.getPixelForValue(options.threshold - 0.5);
      const y = scales.y.getPixelForValue(0.5);
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.moveTo(chartArea.left, y);
      ctx.lineTo(chartArea.right, y);
      ctx.stroke();
      ctx.restore();
    },
  };

  function scatter(data) {
    return {
      type: "scatter",
      data: {
        datasets: data.series.map((s) => ({
          label: s.label,
          data: s.points,
          backgroundColor: QUADRANT[s.key] + "b3",
          borderColor: QUADRANT[s.key],
          pointRadius: 4,
        })),
      },
      options: {
        scales: {
          x: { ...integer, title: { display: true, text: data.x_label } },
          y: { ...integer, title: { display: true, text: data.y_label } },
        },
        plugins: {
          quadrantLines: { threshold: data.threshold },
          tooltip: { callbacks: { label: (item) => `${item.raw.name}: ${item.raw.x} / ${item.raw.y}` } },
        },
      },
      plugins: [quadrantLines],
    };
  }

  function stacked(data, colours) {
    return {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map((s) => ({ label: s.label, data: s.data, backgroundColor: colours[s.key] })),
      },
      options: { indexAxis: "y", scales: { x: { ...integer, stacked: true }, y: { stacked: true } } },
    };
  }

  function trend(data) {
    const datasets = data.series.map((s, i) => ({ type: "bar", label: s.label, data: s.data, backgroundColor: SERIES[i], yAxisID: "y" }));
    datasets.push({ type: "line", label: data.revenue.label, data: data.revenue.data, borderColor: SERIES[3], backgroundColor: SERIES[3], yAxisID: "revenue", tension: 0.2 });
    return {
      type: "bar",
      data: { labels: data.labels, datasets },
      options: { scales: { y: integer, revenue: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } } } },
    };
  }

  function draw() {
    const source = document.getElementById("insights-chart-data");
    if (!source) return;
    if (typeof window.Chart === "undefined") {
      const lib = document.querySelector("script[data-chartjs]");
      if (lib) lib.addEventListener("load", draw, { once: true });
      return;
    }
    const data = JSON.parse(source.textContent);
    const build = {
      scatter: () => scatter(data.scatter),
      bands: () => stacked(data.bands, BAND),
      headroom: () => stacked(data.headroom, { producing: "#15803d", headroom: "#fbbf24" }),
      trend: () => trend(data.trend),
    };
    document.querySelectorAll("canvas[data-insights-chart]").forEach((canvas) => {
      const make = build[canvas.dataset.insightsChart];
      if (canvas.dataset.drawn || !make) return;
      canvas.dataset.drawn = "true";
      const spec = make();
      spec.options = { responsive: true, maintainAspectRatio: false, animation: false, ...spec.options };
      new window.Chart(canvas, spec);
    });
  }

  window.prmInsightsCharts = draw;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
