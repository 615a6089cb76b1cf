// The scoring page's running total (reviews/experts/aggregation.py weighted_total):
// each score as a share of its maximum, weighted, on a 0–100 scale, rounded to 2
// places half up. The server renders the same figure; this keeps it current as the
// expert types. Empty or out-of-range scores count as not yet given.
(function () {
  "use strict";
  var output = document.getElementById("running-total-value");
  var filledOut = document.getElementById("running-total-filled");
  var inputs = Array.prototype.slice.call(document.querySelectorAll("input.score-input"));
  if (!output || !inputs.length) return;

  function update() {
    var weights = 0, total = 0, filled = 0;
    inputs.forEach(function (input) {
      var weight = parseFloat(input.dataset.weight), max = parseFloat(input.dataset.max);
      weights += weight;
      var raw = input.value.trim();
      var value = raw === "" ? NaN : Number(raw);
      if (!isNaN(value) && value >= 0 && value <= max) {
        total += weight * value / max;
        filled += 1;
      }
    });
    var shown = weights ? Math.round((total * 100 / weights) * 100 + 1e-9) / 100 : 0;
    output.textContent = shown.toFixed(2);
    if (filledOut) filledOut.textContent = String(filled);
  }

  inputs.forEach(function (input) { input.addEventListener("input", update); });
})();
