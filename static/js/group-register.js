/* Registering an activity for many deputies: choosing a deputy group (select[data-ticks-group]) ticks
   the boxes of its members (input[data-group]) and clears those ticked for the group chosen before;
   boxes ticked by hand stay. Without this script the server adds the group's members anyway. */
(function () {
  "use strict";

  var group = document.querySelector("select[data-ticks-group]");
  if (!group) {
    return;
  }
  var boxes = group.form.querySelectorAll("input[data-group]");
  var previous = group.value;

  group.addEventListener("change", function () {
    boxes.forEach(function (box) {
      var inGroup = box.getAttribute("data-group");
      if (previous && inGroup === previous && box.hasAttribute("data-ticked-by-group")) {
        box.checked = false;
        box.removeAttribute("data-ticked-by-group");
      }
      if (group.value && inGroup === group.value && !box.checked) {
        box.checked = true;
        box.setAttribute("data-ticked-by-group", "");
      }
    });
    previous = group.value;
  });
})();
