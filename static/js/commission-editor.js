// The commission version editor: "Add a row" appends a blank row to a section (a Django
// formset), numbering it after the last and counting it in the formset's TOTAL_FORMS.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-row]");
  if (!button) return;
  const prefix = button.dataset.addRow;
  const template = document.querySelector(`template[data-empty-row="${prefix}"]`);
  const rows = document.querySelector(`[data-rows="${prefix}"]`);
  const total = document.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  if (!template || !rows || !total) return;
  const index = Number(total.value);
  const html = template.innerHTML.replaceAll("__prefix__", String(index));
  rows.insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  const first = rows.lastElementChild && rows.lastElementChild.querySelector("input, select");
  if (first) first.focus();
});
