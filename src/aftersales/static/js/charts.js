// The cockpit's charts: each [data-chart="<id>"] element draws the JSON of the script block
// with that id (labels, series with values and the link of each bar or point) with ECharts.
// Clicking a bar, a slice or a point opens the records behind it. No inline script: the
// Content-Security-Policy forbids it.
(function () {
  if (!window.echarts) return;
  var COLOURS = ["#1f6feb", "#9aa4b2", "#d1242f", "#1a7f37", "#bf8700", "#8250df"];
  function option(data) {
    var kind = data.kind;
    var unit = data.unit || "";
    var tooltip = { trigger: kind === "pie" ? "item" : "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + unit; } };
    if (kind === "pie") {
      var s = data.series[0];
      return {
        color: COLOURS, tooltip: tooltip,
        legend: { bottom: 0, type: "scroll" },
        series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
          data: data.labels.map(function (label, i) { return { name: label, value: s.data[i] }; }),
          label: { formatter: "{b}: {d}%" } }]
      };
    }
    var horizontal = kind === "hbar";
    var category = { type: "category", data: data.labels, axisLabel: { interval: 0, hideOverlap: true, width: horizontal ? 110 : 80, overflow: "truncate" } };
    var value = { type: "value", axisLabel: { formatter: "{value}" + unit } };
    return {
      color: COLOURS, tooltip: tooltip,
      legend: data.series.length > 1 ? { top: 0 } : undefined,
      grid: { left: horizontal ? 120 : 48, right: 16, top: data.series.length > 1 ? 28 : 12, bottom: 28, containLabel: !horizontal },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: data.series.map(function (s) {
        return { name: s.name, type: kind === "line" ? "line" : "bar", data: s.data, cursor: s.links && s.links.length ? "pointer" : "default",
          label: kind === "line" ? undefined : { show: true, position: horizontal ? "right" : "top", fontSize: 10 } };
      })
    };
  }
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option(data));
    chart.on("click", function (params) {
      var s = data.series[data.kind === "pie" ? 0 : params.seriesIndex];
      var link = s && s.links ? s.links[params.dataIndex] : "";
      if (link) window.location.href = link;
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
