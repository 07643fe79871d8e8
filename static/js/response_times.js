// Charts of the public response-time page (reports/response_times.html). The figures come from the
// page's JSON data block; the tables below the charts carry the same numbers for screen readers.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var dataNode = document.getElementById("rt-chart-data");
  if (typeof Chart === "undefined" || !dataNode) { return; }
  var d = JSON.parse(dataNode.textContent);
  var labels = document.getElementById("rt-labels").dataset;
  var bodies = document.getElementById("chart-rt-bodies");
  if (bodies) {
    new Chart(bodies, {
      type: "bar",
      data: {
        labels: d.places,
        datasets: [
          { label: labels.routed, data: d.routed_in_time_rate, backgroundColor: "#a8151d" },
          { label: labels.onTime, data: d.on_time_rate, backgroundColor: "#37474f" }
        ]
      },
      options: {
        indexAxis: "y", maintainAspectRatio: false,
        scales: { x: { beginAtZero: true, max: 100 }, y: { ticks: { autoSkip: false } } }
      }
    });
  }
  var units = document.getElementById("chart-rt-units");
  if (units) {
    new Chart(units, {
      type: "bar",
      data: { labels: d.units, datasets: [{ label: labels.median, data: d.unit_median_days, backgroundColor: "#37474f" }] },
      options: {
        indexAxis: "y", maintainAspectRatio: false,
        scales: { x: { beginAtZero: true }, y: { ticks: { autoSkip: false } } }
      }
    });
  }
});
