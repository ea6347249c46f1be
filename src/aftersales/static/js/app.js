// Small behaviours every page may use, wired by data attributes instead of inline handlers,
// so that the Content-Security-Policy can forbid inline scripts (script-src 'self').
//   data-confirm="…"     on a form or a submit button: ask before submitting
//   data-autosubmit      on a select: submit its form when the choice changes
//   data-print           on a button: print the page
//   data-formset-add="<template id>" data-formset-rows="<container id>"
//                        data-formset-total="<TOTAL_FORMS input id>": add a formset row
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var text = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) event.preventDefault();
  }, true);
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-print],[data-formset-add]") : null;
    if (!el) return;
    if (el.hasAttribute("data-print")) { window.print(); return; }
    var total = document.getElementById(el.getAttribute("data-formset-total"));
    var template = document.getElementById(el.getAttribute("data-formset-add"));
    var rows = document.getElementById(el.getAttribute("data-formset-rows"));
    if (!total || !template || !rows) return;
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, total.value));
    total.value = parseInt(total.value, 10) + 1;
  });
})();
