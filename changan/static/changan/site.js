// Small behaviours any page may use, declared in the markup (the
// Content-Security-Policy allows no inline handlers). Delegated from the
// document, so they work in parts htmx swaps in too.
//   data-autosubmit            a change sends the field's form
//   data-check-all="selector"  this checkbox ticks or clears the boxes matched
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
    if (el.matches && el.matches("input[data-check-all]")) {
      document.querySelectorAll(el.dataset.checkAll).forEach(function (box) { box.checked = el.checked; });
    }
  });
})();
