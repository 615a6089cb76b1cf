/* Drag and drop for the ranking table (SortableJS). Dropping a row saves the new order
   at once; the up/down buttons and the rank numbers do the same without a mouse or
   without this script. */
(function () {
  "use strict";
  const form = document.getElementById("ranking-form");
  const rows = document.getElementById("ranking-rows");
  if (!form || !rows || form.dataset.locked === "1" || typeof Sortable === "undefined") return;
  Sortable.create(rows, {
    handle: ".drag-handle",
    animation: 150,
    onEnd: function () {
      const order = Array.from(rows.querySelectorAll("tr[data-case]")).map((row) => row.dataset.case);
      document.getElementById("ranking-order").value = order.join(",");
      form.submit();
    },
  });
})();
