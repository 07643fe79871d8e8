/* The route form of an opinion: the district-level fields (marked data-route-district: how the matter
   is raised, the district deputy, "difficult") only matter when 区级层面 is chosen, so they are shown
   only then. Without this script every field shows, and the server ignores the district fields for
   other levels. */
(function () {
  "use strict";

  var level = document.getElementById("id_route-level");
  if (!level) {
    return;
  }
  var form = level.form;
  var wrappers = Array.prototype.map.call(form.querySelectorAll("[data-route-district]"), function (field) {
    return field.closest(".mb-3, fieldset") || field;
  });

  function update() {
    var district = level.value === "district";
    wrappers.forEach(function (wrapper) {
      wrapper.hidden = !district;
    });
  }

  level.addEventListener("change", update);
  update();
})();
