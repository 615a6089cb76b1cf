// The admin's autocomplete boxes (select2) show a combobox named only by its current
// value (nothing while empty): name it by the label of the <select> it stands for,
// then the value (WCAG 4.1.2, axe aria-input-field-name).
(function () {
  "use strict";
  function name(root) {
    root.querySelectorAll(".select2-selection[role=combobox]").forEach(function (box) {
      var container = box.closest(".select2");
      var select = container && container.previousElementSibling;
      if (!select || select.tagName !== "SELECT" || !select.id) return;
      var label = document.querySelector('label[for="' + select.id + '"]');
      if (!label) return;
      if (!label.id) label.id = select.id + "-label";
      var named = (box.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
      if (named.indexOf(label.id) === -1) box.setAttribute("aria-labelledby", [label.id].concat(named).join(" "));
      var rendered = box.querySelector("[role=textbox]");
      if (rendered && !rendered.hasAttribute("aria-labelledby")) {
        rendered.setAttribute("aria-labelledby", label.id + " " + rendered.id);
      }
    });
  }
  // The split date/time inputs share one label (for the date): name each part.
  // The filter boxes' help icons carry aria-label without a role that allows it.
  function once(root) {
    root.querySelectorAll(".datetime input[id$='_0'], .datetime input[id$='_1']").forEach(function (input) {
      if (input.hasAttribute("aria-label")) return;
      var base = input.id.slice(0, -2);
      var label = document.querySelector('label[for="' + base + '_0"]') || document.querySelector('label[for="' + base + '"]');
      var text = label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
      var part = input.id.slice(-1) === "0" ? (document.documentElement.lang.indexOf("zh") === 0 ? "日期" : "date")
                                           : (document.documentElement.lang.indexOf("zh") === 0 ? "时间" : "time");
      input.setAttribute("aria-label", text ? text + " " + part : part);
    });
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    once(document);
    name(document);
    // Rows added later (inlines) get their boxes after select2 starts on them.
    new MutationObserver(function () { name(document); once(document); }).observe(document.body, { childList: true, subtree: true });
  });
})();
