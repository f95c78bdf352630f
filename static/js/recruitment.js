// Recruitment pages: the lost-reason fields follow the chosen stage; the report's charts; the
// board's drag and drop (the prospect page's stage form stays the keyboard / no-JS way).
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


  // Drop a card on another column: an htmx POST to the stage-change view, which reloads the
  // page (HX-Refresh) on success or answers why not (swapped into #board-feedback). "Lost"
  // asks for a reason first; "signed" opens the signing page, which creates the partner.
  function board() {
    const root = document.querySelector(".pipeline-board.is-sortable");
    if (!root || typeof window.htmx === "undefined") return;
    const dialog = document.getElementById("lost-dialog");
    let dragged = null;

    function move(card, values) {
      window.htmx.ajax("POST", card.dataset.moveUrl, {
        source: card,
        target: "#board-feedback",
        swap: "innerHTML",
        values: values,
      });
    }

    function askLost(card) {
      if (!dialog || typeof dialog.showModal !== "function") {
        window.location.href = card.href;
        return;
      }
      const form = dialog.querySelector("form");
      form.reset();
      const name = dialog.querySelector("[data-lost-name]");
      const title = card.querySelector("[data-testid=prospect-card-name]");
      if (name && title) name.textContent = title.textContent;
      dialog.onclose = () => {
        const reason = form.querySelector("[name=lost_reason]");
        if (dialog.returnValue === "lost" && reason && reason.value) {
          move(card, {
            to_stage: "lost",
            lost_reason: reason.value,
            lost_note: form.querySelector("[name=lost_note]").value,
          });
        }
        card.focus();
      };
      dialog.showModal();
    }

    root.addEventListener("dragstart", (event) => {
      const card = event.target.closest("[data-move-url]");
      if (!card) return;
      dragged = card;
      card.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.prospect);
    });
    root.addEventListener("dragend", () => {
      if (dragged) dragged.classList.remove("is-dragging");
      root.querySelectorAll(".is-drop-target").forEach((el) => el.classList.remove("is-drop-target"));
      dragged = null;
    });
    root.addEventListener("dragover", (event) => {
      const column = event.target.closest("[data-drop-zone]");
      if (!column || !dragged || column.dataset.stage === dragged.dataset.cardStage) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      column.classList.add("is-drop-target");
    });
    root.addEventListener("dragleave", (event) => {
      const column = event.target.closest("[data-drop-zone]");
      if (column && !column.contains(event.relatedTarget)) column.classList.remove("is-drop-target");
    });
    root.addEventListener("drop", (event) => {
      const column = event.target.closest("[data-drop-zone]");
      const card = dragged;
      if (!column || !card) return;
      event.preventDefault();
      column.classList.remove("is-drop-target");
      const stage = column.dataset.stage;
      if (stage === card.dataset.cardStage) return;
      if (stage === "signed") {
        window.location.href = card.dataset.signUrl;
      } else if (stage === "lost") {
        askLost(card);
      } else {
        move(card, { to_stage: stage });
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    followStage();
    charts();
    board();
  });
})();
