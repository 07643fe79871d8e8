/* The copy button of the confirmation page: button[data-copy="#id"] copies the text of that element
   (the tracking code) to the clipboard and says so in the [data-copy-status] next to it. The button is
   hidden until this script shows it, so without scripts (or without a clipboard) nobody sees a button
   that does nothing. */
(function () {
  "use strict";

  var buttons = document.querySelectorAll("button[data-copy]");
  var canCopy = navigator.clipboard && window.isSecureContext;
  buttons.forEach(function (button) {
    var target = document.querySelector(button.getAttribute("data-copy"));
    if (!target || !canCopy) {
      return;
    }
    button.hidden = false;
    var status = button.parentNode.querySelector("[data-copy-status]");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(
        function () {
          if (status) {
            status.textContent = button.getAttribute("data-copied");
          }
        },
        function () {
          if (status) {
            status.textContent = button.getAttribute("data-copy-failed");
          }
        }
      );
    });
  });
})();
