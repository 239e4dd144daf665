/* The scoreboard's charts: each figure's months this year against the year before, with the
   anchors (the best platforms' published figures) as dashed lines. The table under each
   chart holds the same numbers, for those who cannot see the chart. */
(function () {
  var source = document.getElementById("scoreboard-charts");
  if (!source || !window.echarts) return;
  var charts = JSON.parse(source.textContent);
  var lastYear = source.getAttribute("data-last-year") || "上年同月";
  charts.forEach(function (c) {
    var node = document.getElementById("chart-" + c.code);
    if (!node) return;
    var chart = echarts.init(node);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: [c.label, lastYear] },
      grid: { left: 48, right: 16, top: 32, bottom: 28 },
      xAxis: { type: "category", data: c.months },
      yAxis: { type: "value", name: c.unit, scale: true },
      series: [
        {
          name: c.label, type: "line", data: c.series, connectNulls: true,
          itemStyle: { color: "#b7202e" },
          markLine: {
            symbol: "none", lineStyle: { type: "dashed", color: "#555" },
            label: { formatter: "{b}: {c}", fontSize: 10 },
            data: c.anchors.map(function (a) { return { name: a.label, yAxis: a.value }; })
          }
        },
        { name: lastYear, type: "line", data: c.last_year, connectNulls: true,
          itemStyle: { color: "#999" }, lineStyle: { type: "dotted" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    node.setAttribute("data-rendered", "yes");
  });
})();
