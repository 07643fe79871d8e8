/* The activity form: the kind decides the constituency boxes for some kinds (contacts/quotas.py,
   implied_flags). A mailbox, e-mail, phone or online contact is never a constituency contact; a
   centralized contact (集中联系选区) is always both. When such a kind is chosen, the boxes are ticked
   or cleared and locked, with a note saying why; choosing another kind unlocks them.
   Progressive enhancement: without this script the server refuses a contradiction with a message. */
(function () {
  "use strict";

  var kind = document.querySelector("select[data-implied-flags]");
  if (!kind) {
    return;
  }
  var implied = JSON.parse(kind.getAttribute("data-implied-flags"));
  var lockedText = kind.getAttribute("data-flags-locked-text");
  var form = kind.form;
  var names = ["is_constituency_contact", "is_centralized"];

  function note(box) {
    var id = box.id + "_kindnote";
    var existing = document.getElementById(id);
    if (existing) {
      return existing;
    }
    var span = document.createElement("div");
    span.id = id;
    span.className = "form-text w-100";
    span.textContent = lockedText;
    span.hidden = true;
    box.parentNode.appendChild(span);
    var described = box.getAttribute("aria-describedby");
    box.setAttribute("aria-describedby", described ? described + " " + id : id);
    return span;
  }

  function apply() {
    var flags = implied[kind.value];
    names.forEach(function (name) {
      var box = form.elements.namedItem(name);
      if (!box) {
        return;
      }
      var hint = note(box);
      if (flags) {
        box.checked = flags[name];
        box.disabled = true;
        hint.hidden = false;
      } else if (box.disabled) {
        box.disabled = false;
        hint.hidden = true;
      }
    });
  }

  // A disabled box is not submitted: send the implied value in its place, so the server sees what
  // the page shows (the server derives the same values anyway).
  form.addEventListener("submit", function () {
    var flags = implied[kind.value];
    names.forEach(function (name) {
      var box = form.elements.namedItem(name);
      if (box && box.disabled && flags && flags[name]) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = name;
        hidden.value = "on";
        form.appendChild(hidden);
      }
    });
  });

  kind.addEventListener("change", apply);
  apply();
})();
