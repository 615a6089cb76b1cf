// "Select all" for bulk forms: a checkbox with data-select-all="NAME" (un)checks every
// checkbox named NAME in the same form (including those outside the <form> element that
// join it with form="…"), and shows itself mixed when only some are checked. Without
// JavaScript the box stays hidden (it carries the `d-none` class until this runs) and
// each row's checkbox works on its own.
document.querySelectorAll("[data-select-all]").forEach((master) => {
  const form = master.form;
  const boxes = () =>
    Array.from(form.elements).filter(
      (el) => el.type === "checkbox" && el.name === master.dataset.selectAll && !el.disabled,
    );
  const refresh = () => {
    const all = boxes();
    const checked = all.filter((box) => box.checked).length;
    master.checked = all.length > 0 && checked === all.length;
    master.indeterminate = checked > 0 && checked < all.length;
  };
  master.closest("[data-select-all-wrapper]")?.classList.remove("d-none");
  master.addEventListener("change", () => {
    boxes().forEach((box) => {
      box.checked = master.checked;
    });
  });
  // Rows may sit outside the <form> (joined by form="…"): listen on the document.
  document.addEventListener("change", (event) => {
    if (event.target !== master && event.target.form === form) refresh();
  });
  refresh();
});
