/* Small behaviours for every page, bound here instead of inline handlers (the Content-Security-Policy
   allows no onclick="" or onchange="": docs/csp.md).

   - [data-print]: a button that prints the page.
   - select[data-autosubmit]: submits its form when the choice changes (a <noscript> button is the
     fallback). */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches("[data-autosubmit]") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
})();
