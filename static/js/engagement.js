// Engagement: the activity form's attendee picker. Checking a search result moves it to the
// chosen chips, so a later search (which replaces the results) cannot drop it; unchecking a
// chip removes it. Delegated on the document: the panel is swapped in and out by htmx.
(function () {
  "use strict";
  if (window.prmRepPicker) return;
  window.prmRepPicker = true;

  document.addEventListener("change", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || box.name !== "rep_attendees") return;
    const picker = box.closest(".rep-picker");
    const option = box.closest(".rep-option");
    if (!picker || !option) return;
    const chips = picker.querySelector("[data-rep-chips]");
    const results = picker.querySelector("[data-rep-results]");
    if (box.checked && option.parentElement !== chips) {
      option.classList.add("is-chosen");
      option.dataset.testid = "rep-chip";
      chips.appendChild(option);
      box.focus();
    } else if (!box.checked && option.parentElement === chips) {
      option.classList.remove("is-chosen");
      option.dataset.testid = "rep-option";
      // Back among the listed people of a small partner; a search result list is refreshed
      // by the next search anyway.
      if (results && !picker.querySelector("input[type=search]")) {
        results.prepend(option);
      } else {
        option.remove();
        const search = picker.querySelector("input[type=search]");
        if (search) search.focus();
      }
    }
  });
})();
