// The schematic map as a place picker (templates/deputies/_place_map.html with data-map-picker):
// a click or Enter/Space on a street or town chooses it in the form's <select> (which refreshes the
// committee list, as choosing it there does); choosing in the <select> highlights the map. Without
// this script each place is a plain link that opens the form with the place chosen.
(function () {
  "use strict";
  document.querySelectorAll("[data-map-picker]").forEach(function (map) {
    var select = document.getElementById(map.dataset.mapPicker);
    if (!select) { return; }
    var cells = map.querySelectorAll(".map-cell");

    function highlight(value) {
      cells.forEach(function (cell) {
        var on = cell.dataset.region === value;
        cell.classList.toggle("selected", on);
        cell.setAttribute("aria-pressed", on ? "true" : "false");
      });
    }

    function choose(cell) {
      select.value = cell.dataset.region;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      highlight(select.value);
    }

    cells.forEach(function (cell) {
      cell.setAttribute("tabindex", "0");
      cell.addEventListener("click", function (event) {
        event.preventDefault();
        choose(cell);
      });
      cell.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          choose(cell);
        }
      });
    });
    select.addEventListener("change", function () { highlight(select.value); });
    highlight(select.value);
  });
})();
