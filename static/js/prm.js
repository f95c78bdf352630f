// Ask before destructive form submissions: <form data-confirm="Are you sure?">.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// A job page (an export, a PDF): the poll that finds the file ready swaps in a download link
// marked to start by itself (the page opened later only offers it). htmx:load fires for
// swapped content.
document.addEventListener("htmx:load", (event) => {
  const root = event.detail.elt;
  if (!(root instanceof Element)) return;
  const link = root.matches("[data-autostart-download]")
    ? root
    : root.querySelector("[data-autostart-download]");
  if (link) {
    link.removeAttribute("data-autostart-download");
    link.click();
  }
});
