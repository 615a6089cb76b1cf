/* The statistics page's charts, drawn by Apache ECharts from the same figures as the
   tables beside them (passed with json_script, no inline script). Without JavaScript
   the tables stand alone. */
(function () {
  "use strict";
  var source = document.getElementById("statistics-data");
  if (!source || typeof echarts === "undefined") { return; }
  var tables = JSON.parse(source.textContent);
  var byKey = {};
  tables.forEach(function (table) { byKey[table.key] = table; });
  var palette = ["#a61b1b", "#2f5d8a", "#e0a526", "#4f8a3c", "#7a4fa0", "#6c757d", "#c75b12"];
  var charts = [];

  function option(table) {
    var horizontal = table.chart !== "line" && table.labels.length > 6;
    var categoryAxis = {
      type: "category",
      data: table.labels,
      axisLabel: { interval: 0, width: horizontal ? 110 : 80, overflow: "truncate", rotate: horizontal ? 0 : (table.labels.length > 4 ? 30 : 0) }
    };
    var valueAxis = { type: "value", minInterval: 1 };
    return {
      color: palette,
      aria: { enabled: false },  // the container is role="img" with its own label; the table beside it holds the figures
      tooltip: { trigger: "axis", confine: true },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? Object.assign({}, categoryAxis, { inverse: true }) : valueAxis,
      series: table.series.map(function (series) {
        return {
          name: series.name,
          type: table.chart === "line" && table.labels.length > 1 ? "line" : "bar",  // one year: bars
          stack: table.chart === "stacked" ? "total" : undefined,
          data: series.data,
          emphasis: { focus: "series" }
        };
      })
    };
  }

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var table = byKey[element.getAttribute("data-chart")];
    if (!table || !table.labels.length) { return; }
    var rows = table.chart !== "line" && table.labels.length > 6 ? table.labels.length : 6;
    element.style.height = Math.max(260, Math.min(900, 40 + rows * 30)) + "px";
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option(table));
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });

  var year = document.querySelector("[data-statistics-year]");
  if (year) {
    year.addEventListener("change", function () { window.location.assign(year.value); });
  }
})();
