// Recruitment pages: the lost-reason fields follow the chosen stage; the report's charts.
(function () {
  "use strict";

  function followStage() {
    const form = document.querySelector("form.stage-form");
    if (!form) return;
    const select = form.querySelector("select[name=to_stage]");
    const lostFields = form.querySelector("[data-lost-fields]");
    if (!select || !lostFields) return;
    const update = () => lostFields.classList.toggle("is-hidden", select.value !== "lost");
    select.addEventListener("change", update);
    update();
  }

  function charts() {
    const source = document.getElementById("recruitment-chart-data");
    if (!source || typeof window.Chart === "undefined") return;
    const data = JSON.parse(source.textContent);
    const sourcesCanvas = document.getElementById("chart-sources");
    if (sourcesCanvas) {
      new window.Chart(sourcesCanvas, {
        type: "bar",
        data: {
          labels: data.sources.labels,
          datasets: [
            { label: data.sources.names.prospects, data: data.sources.prospects, backgroundColor: "#93c5fd" },
            { label: data.sources.names.signed, data: data.sources.signed, backgroundColor: "#34d399" },
            { label: data.sources.names.lost, data: data.sources.lost, backgroundColor: "#f87171" },
          ],
        },
        options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      });
    }
    const funnelCanvas = document.getElementById("chart-funnel");
    if (funnelCanvas) {
      new window.Chart(funnelCanvas, {
        type: "bar",
        data: {
          labels: data.funnel.labels,
          datasets: [{ label: data.funnel.name, data: data.funnel.reached, backgroundColor: "#60a5fa" }],
        },
        options: {
          indexAxis: "y",
          responsive: true,
          maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        },
      });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    followStage();
    charts();
  });
})();
