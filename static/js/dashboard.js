/* Draws the dashboard's charts with the locally served ECharts; the data comes from json_script. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  var RED = "#b71c1c", GOLD = "#c9a227", GREY = "#9e9e9e", ORANGE = "#d9480f", GREEN = "#2e7d32", BLUE = "#1565c0";
  var charts = [];

  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }

  function shortName(name) { return name.length > 12 ? name.slice(0, 12) + "…" : name; }

  function progress(id, rows) {
    if (!rows.length) { return; }
    make(id, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: [L.done, L.expected, L.minimum], top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return shortName(r.label || r.name); }) },
      series: [
        { name: L.done, type: "bar", itemStyle: { color: GREEN }, data: rows.map(function (r) {
            return { value: r.done, itemStyle: { color: r.done < r.expected ? ORANGE : GREEN } }; }),
          label: { show: true, position: "right" } },
        { name: L.expected, type: "scatter", symbol: "rect", symbolSize: [4, 18], itemStyle: { color: RED },
          data: rows.map(function (r) { return r.expected; }) },
        { name: L.minimum, type: "scatter", symbol: "rect", symbolSize: [4, 18], itemStyle: { color: GREY },
          data: rows.map(function (r) { return r.minimum; }) }
      ]
    });
  }

  progress("chart-pairs", data.pairs);
  progress("chart-partnerships", data.partnerships);

  var t = data.totals;
  make("chart-projects", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: [L.tasks, L.problems] },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: L.due, type: "bar", itemStyle: { color: GREY }, data: [t.tasks, t.problems], label: { show: true, position: "top" } },
      { name: L.met, type: "bar", itemStyle: { color: RED }, data: [t.tasks_done, t.problems_solved], label: { show: true, position: "top" } }
    ]
  });

  if (data.departments.length) {
    make("chart-departments", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.departments.map(function (r) { return shortName(r.name); }) },
      series: [
        { name: L.met, type: "bar", stack: "t", itemStyle: { color: GREEN }, data: data.departments.map(function (r) { return r.done; }) },
        { name: L.behind, type: "bar", stack: "t", itemStyle: { color: ORANGE }, data: data.departments.map(function (r) { return r.behind; }) },
        { name: L.due, type: "bar", stack: "t", itemStyle: { color: "#e0e0e0" },
          data: data.departments.map(function (r) { return Math.max(r.due - r.done - r.behind, 0); }) }
      ]
    });
  }

  make("chart-months", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: L.months },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: L.all, type: "bar", itemStyle: { color: GOLD }, data: data.by_month.map(function (m) { return m.all; }) },
      { name: L.joint, type: "bar", itemStyle: { color: RED }, data: data.by_month.map(function (m) { return m.joint; }) }
    ]
  });

  make("chart-kinds", {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "65%"], label: { formatter: "{b}\n{c}" },
      data: data.by_kind.map(function (k) { return { name: k.name, value: k.count }; }) }]
  });

  var categoryColors = [RED, GOLD, BLUE, GREY];
  make("chart-network", {
    tooltip: {},
    legend: { top: 0, data: L.categories },
    series: [{
      type: "graph", layout: "force", roam: true, draggable: true, top: 40,
      force: { repulsion: 320, edgeLength: [60, 120], gravity: 0.08 },
      categories: L.categories.map(function (name, i) { return { name: name, itemStyle: { color: categoryColors[i] } }; }),
      label: { show: true, position: "right", fontSize: 10, formatter: function (p) { return shortName(p.name.replace(/党支部$/, "")); } },
      labelLayout: { hideOverlap: true },
      emphasis: { focus: "adjacency", label: { show: true } },
      symbolSize: 16,
      data: data.network.nodes.map(function (n) { return { id: n.id, name: n.name, category: n.category }; }),
      links: data.network.links.map(function (l) {
        return { source: l.source, target: l.target,
          lineStyle: { color: l.behind ? ORANGE : "#888", width: l.behind ? 2.5 : 1.5, type: l.behind ? "dashed" : "solid" } };
      })
    }]
  });

  if (data.trend.points.length) {
    var series = [];
    data.trend.groups.forEach(function (group, gi) {
      var byQuarter = {};
      data.trend.points.forEach(function (p) { if (p.group === group) { byQuarter[p.quarter] = p; } });
      function pick(key) {
        return data.trend.quarters.map(function (q) { var p = byQuarter[q]; return p && p[key] !== null ? Number(p[key]) : null; });
      }
      var color = [RED, BLUE, GOLD, GREEN, GREY][gi % 5];
      series.push({ name: group + " · " + L.median, type: "line", data: pick("median"), itemStyle: { color: color }, connectNulls: true });
      series.push({ name: group + " · " + L.max, type: "line", data: pick("max"), itemStyle: { color: color },
        lineStyle: { type: "dotted", opacity: 0.6 }, symbol: "triangle", connectNulls: true });
      series.push({ name: group + " · " + L.min, type: "line", data: pick("min"), itemStyle: { color: color },
        lineStyle: { type: "dotted", opacity: 0.6 }, symbol: "diamond", connectNulls: true });
    });
    make("chart-trend", {
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.trend.quarters },
      yAxis: { type: "value", scale: true },
      series: series
    });
  }

  function resizeAll() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
