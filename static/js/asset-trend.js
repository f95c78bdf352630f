// The staff asset page's weekly trend: views and downloads per week, from the JSON beside it.
(function () {
  "use strict";
  function draw() {
    const source = document.getElementById("asset-trend-data");
    const canvas = document.querySelector("canvas[data-asset-trend]");
    if (!source || !canvas) return;
    if (typeof window.Chart === "undefined") {
      const lib = document.querySelector("script[data-chartjs]");
      if (lib) lib.addEventListener("load", draw, { once: true });
      return;
    }
    const data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.view_label, data: data.views, backgroundColor: "#1d4ed8" },
          { label: data.download_label, data: data.downloads, backgroundColor: "#0891b2" },
        ],
      },
      options: {
        maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
  draw();
})();
