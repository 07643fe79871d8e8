/* Form errors, for keyboard, screen-reader and phone users (progressive enhancement: without this
   script the error summary is still at the top of the page, with role="alert").

   - After a failed submit, focus moves to the error summary ([data-error-summary]), so it is read out
     and scrolled into view even when the form sits far down the page (the opinion detail on a phone).
   - A link in the summary moves focus to its field, opening a closed <details> around it first. */
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) {
      return;
    }
    event.preventDefault();
    var details = target.closest("details");
    if (details) {
      details.open = true;
    }
    target.scrollIntoView({ block: "center" });
    // A link to a whole form (a workflow action) focuses its first invalid field.
    var field = target.matches("input, select, textarea") ? target : target.querySelector("[aria-invalid='true']");
    if (field) {
      field.focus({ preventScroll: true });
    }
  });
})();
