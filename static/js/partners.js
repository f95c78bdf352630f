// The partner list and partner page (CSP: no inline scripts, so behaviour lives here).
document.addEventListener("DOMContentLoaded", () => {
  // Rows per page: choosing a size reloads the list (the form's button does it without JS).
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });

  // Bulk assign: "select all" and the count of chosen rows; the button waits for a choice.
  const bulk = document.querySelector("form[data-bulk]");
  if (bulk) {
    const rows = () => Array.from(document.querySelectorAll("input[data-bulk-row]"));
    const all = document.querySelector("input[data-bulk-all]");
    const count = bulk.querySelector("[data-bulk-count]");
    const submit = bulk.querySelector("button[type=submit]");
    const refresh = () => {
      const chosen = rows().filter((box) => box.checked).length;
      if (count) count.textContent = String(chosen);
      if (submit) submit.disabled = chosen === 0;
      if (all) {
        all.checked = chosen > 0 && chosen === rows().length;
        all.indeterminate = chosen > 0 && chosen < rows().length;
      }
    };
    if (all) {
      all.addEventListener("change", () => {
        rows().forEach((box) => { box.checked = all.checked; });
        refresh();
      });
    }
    rows().forEach((box) => box.addEventListener("change", refresh));
    refresh();
  }

  // The partner page: a link to another page of reps opens on the reps tab again.
  if (new URLSearchParams(window.location.search).has("reps_page")) {
    const tab = document.getElementById("tab-reps");
    if (tab && window.bootstrap) window.bootstrap.Tab.getOrCreateInstance(tab).show();
  }
});
