/* Charts of the report pages, drawn with Chart.js from each page's JSON data block
   ({{ data|json_script }}): the compliance report (reports/compliance.html), the handling report
   (reports/handling.html) and the public statistics (reports/public.html). The tables on the same
   pages carry the figures for screen readers and when scripts are off. */
(function () {
  "use strict";

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function countScale() {
    return { beginAtZero: true, ticks: { precision: 0 } };
  }

  // Every category label shows (Chart.js would skip some when crowded): on a horizontal chart the box
  // grows with the number of bars; on a vertical one long labels turn instead of being dropped.
  function labelScale() {
    return { ticks: { autoSkip: false, maxRotation: 90, minRotation: 0 } };
  }

  function fitHeight(canvas, count) {
    var box = canvas.parentNode;
    var needed = Math.max(260, count * 24 + 60);
    if (box && box.clientHeight < needed) { box.style.height = needed + "px"; }
  }

  function compliance(data) {
    var regions = data.regions;
    new Chart(document.getElementById("chart-regions"), {
      type: "bar",
      data: {
        labels: regions.labels,
        datasets: [
          { label: regions.labels_compliant, data: regions.compliant, backgroundColor: "#2e7d32" },
          { label: regions.labels_not_compliant, data: regions.not_compliant, backgroundColor: "#a8151d" }
        ]
      },
      options: {
        maintainAspectRatio: false, responsive: true,
        scales: {
          x: { stacked: true, ticks: labelScale().ticks },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    });
    var colours = { zero: "#9e9e9e", under_half: "#e57373", over_half: "#ffb74d", met: "#2e7d32" };
    new Chart(document.getElementById("chart-measures"), {
      type: "bar",
      data: {
        labels: data.measures.labels,
        datasets: data.measures.buckets.map(function (b) {
          return { label: b.label, data: b.data, backgroundColor: colours[b.key] };
        })
      },
      options: {
        indexAxis: "y", maintainAspectRatio: false, responsive: true,
        scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true, ticks: labelScale().ticks } }
      }
    });
  }

  function bars(canvasId, labels, label, values, colour, horizontal) {
    var canvas = document.getElementById(canvasId);
    if (!canvas) { return; }
    var scales = horizontal ? { x: countScale(), y: labelScale() } : { y: countScale(), x: labelScale() };
    if (horizontal) { fitHeight(canvas, labels.length); }
    new Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: [{ label: label, data: values, backgroundColor: colour }] },
      options: { indexAxis: horizontal ? "y" : "x", maintainAspectRatio: false, scales: scales }
    });
  }

  function handling(data) {
    bars("chart-months", data.months.labels, data.label, data.months.data, "#a8151d", false);
    bars("chart-channels", data.channels.labels, data.label, data.channels.data, "#37474f", true);
  }

  function publicStats(d) {
    bars("chart-public-months", d.months, d.label_activities, d.activities_by_month, "#a8151d", false);
    bars("chart-public-regions", d.regions, d.label_activities, d.activities_by_region, "#37474f", true);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof Chart === "undefined") { return; }
    var pages = [
      ["report-chart-data", compliance],
      ["handling-chart-data", handling],
      ["public-chart-data", publicStats]
    ];
    pages.forEach(function (page) {
      var data = readData(page[0]);
      if (data) { page[1](data); }
    });
  });
})();
