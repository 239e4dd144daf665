// The 15-minute service circle's map: the districts (a schematic, no tile server), the
// service points, the people within and beyond 15 minutes, and the suggested new points.
(function () {
  var holder = document.getElementById("coverage-map");
  var source = document.getElementById("coverage-data");
  if (!holder || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  echarts.registerMap("city", data.geojson);
  // Canvas text uses the page's own font (vendored Noto Sans SC), once it has loaded.
  var fonts = document.fonts ? document.fonts.ready : Promise.resolve();
  fonts.then(function () { draw(data, getComputedStyle(document.body).fontFamily); });
  function draw(data, fontFamily) {
  var chart = echarts.init(holder);
  var people = function (v) { return v[2]; };
  var maxPeople = Math.max.apply(null, data.covered.map(people).concat(data.gaps.map(people), [1]));
  var size = function (v) { return 4 + 16 * Math.sqrt(v[2] / maxPeople); };
  // Open on where the people are (the blocks counted), the whole city a scroll away.
  var blocks = data.covered.concat(data.gaps);
  var mean = function (i) { return blocks.reduce(function (s, b) { return s + b[i]; }, 0) / blocks.length; };
  var centre = blocks.length ? [mean(0), mean(1)] : undefined;
  chart.setOption({
    textStyle: { fontFamily: fontFamily },
    title: { text: data.labels.schematic, left: "center", bottom: 0, textStyle: { fontSize: 12, color: "#5f6b7a" } },
    tooltip: { trigger: "item" },
    legend: { top: 0 },
    visualMap: {
      seriesIndex: 0, min: 0, max: 100, left: 0, bottom: 24, text: ["100%", "0%"],
      inRange: { color: ["#fde8e8", "#b7202e"] }, calculable: false
    },
    geo: { map: "city", roam: true, center: centre, zoom: centre ? 3 : 1, itemStyle: { borderColor: "#999" }, emphasis: { disabled: true } },
    series: [
      { type: "map", geoIndex: 0, data: data.districts.map(function (d) { return { name: d.name, value: d.share }; }) },
      { name: data.labels.covered, type: "scatter", coordinateSystem: "geo", data: data.covered,
        symbolSize: size, itemStyle: { color: "rgba(31,122,77,.55)" } },
      { name: data.labels.gaps, type: "scatter", coordinateSystem: "geo", data: data.gaps,
        symbolSize: size, itemStyle: { color: "rgba(163,92,0,.6)" } },
      { name: data.labels.points, type: "scatter", coordinateSystem: "geo", symbol: "pin", symbolSize: 18,
        data: data.points.map(function (p) { return { name: p.name + " · " + p.kind, value: p.value }; }),
        itemStyle: { color: "#1f2933" } },
      { name: data.labels.suggestions, type: "effectScatter", coordinateSystem: "geo", symbolSize: 14,
        data: data.suggestions.map(function (s) { return { name: "+" + s[2], value: s }; }),
        label: { show: true, formatter: "{b}", position: "right" }, itemStyle: { color: "#0057b8" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
  holder.setAttribute("data-ready", "1");
  }
})();
