// Small behaviours every page may use, wired by data attributes instead of inline handlers,
// so that the Content-Security-Policy can forbid inline scripts (script-src 'self').
//   data-confirm="…"     on a form or a submit button: ask before submitting
//   data-autosubmit      on a select: submit its form when the choice changes
//   data-print           on a button: print the page
//   data-back            on a link: go back to the previous page of this site (the link's
//                        own address when there is none, e.g. a page opened from a message)
//   data-formset-add="<template id>" data-formset-rows="<container id>"
//                        data-formset-total="<TOTAL_FORMS input id>": add a formset row
//   data-picker          a search-as-you-type picker: its [data-picker-search] box asks the
//                        server with htmx; the answer's [data-pick-value][data-pick-label]
//                        buttons put their value into [data-picker-value] (Enter takes the
//                        first, arrow keys move through them); typing again clears the choice
//   data-serials         a text area of serial numbers (typed, or scanned: a scanner types
//                        and presses Enter); [data-serial-count-for="<its id>"] shows how many
//                        were given against the quantity box [data-serial-quantity="<its id>"]
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
    var el = event.target.closest ? event.target.closest("[data-print],[data-formset-add],[data-back]") : null;
    if (!el) return;
    if (el.hasAttribute("data-print")) { window.print(); return; }
    if (el.hasAttribute("data-back")) {
      var from = document.referrer;
      if (from && from.indexOf(window.location.origin + "/") === 0 && window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
      return;
    }
    var total = document.getElementById(el.getAttribute("data-formset-total"));
    var template = document.getElementById(el.getAttribute("data-formset-add"));
    var rows = document.getElementById(el.getAttribute("data-formset-rows"));
    if (!total || !template || !rows) return;
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, total.value));
    total.value = parseInt(total.value, 10) + 1;
  });

  // -- picker -------------------------------------------------------------------------------
  function pickerOf(el) { return el.closest ? el.closest("[data-picker]") : null; }
  function choose(button) {
    var picker = pickerOf(button);
    if (!picker) return;
    var value = picker.querySelector("[data-picker-value]");
    var search = picker.querySelector("[data-picker-search]");
    var chosen = picker.querySelector("[data-picker-chosen]");
    var results = picker.querySelector(".customer-picker-results, [data-picker-results]");
    var label = button.getAttribute("data-pick-label") || "";
    if (value) value.value = button.getAttribute("data-pick-value");
    if (search) { search.value = label; search.classList.remove("is-invalid"); }
    if (chosen) {
      chosen.classList.remove("d-none");
      var text = chosen.querySelector("span");
      if (text) text.textContent = label;
    }
    if (results) results.innerHTML = "";
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-pick-value]") : null;
    if (button && pickerOf(button)) { event.preventDefault(); choose(button); }
  });
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-picker-search")) {
      var picker = pickerOf(el);
      var value = picker && picker.querySelector("[data-picker-value]");
      var chosen = picker && picker.querySelector("[data-picker-chosen]");
      if (value) value.value = "";
      if (chosen) chosen.classList.add("d-none");
    }
    if (el.hasAttribute && el.hasAttribute("data-serials")) countSerials(el);
    if (el.hasAttribute && el.hasAttribute("data-serial-quantity")) {
      var area = document.getElementById(el.getAttribute("data-serial-quantity"));
      if (area) countSerials(area);
    }
  });
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    var picker = pickerOf(el);
    if (!picker) return;
    var options = Array.prototype.slice.call(picker.querySelectorAll("[data-pick-value]"));
    if (event.key === "Enter" && el.hasAttribute("data-picker-search")) {
      event.preventDefault();  // never submit the whole form from the search box
      if (options.length) choose(options[0]);
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      var index = options.indexOf(el);
      var next = event.key === "ArrowDown" ? index + 1 : index - 1;
      if (next < 0) { picker.querySelector("[data-picker-search]").focus(); return; }
      options[Math.min(next, options.length - 1)].focus();
    }
  });

  // -- serial numbers -----------------------------------------------------------------------
  function countSerials(area) {
    var badge = document.querySelector('[data-serial-count-for="' + area.id + '"]');
    if (!badge) return;
    var given = area.value.split(/[\s,;，；、]+/).filter(function (s) { return s; }).length;
    var box = document.querySelector('[data-serial-quantity="' + area.id + '"]');
    var needed = box ? parseInt(box.value || "0", 10) : NaN;
    badge.textContent = isNaN(needed) ? String(given) : given + " / " + needed;
    badge.className = "badge border " + (given === needed ? "text-bg-success" : "text-bg-light");
  }
  function countAll() {
    document.querySelectorAll("[data-serials]").forEach(countSerials);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", countAll);
  else countAll();
})();

// A top-bar menu scrolled out of sight (many menus, long labels) is brought into view when it
// is the current page's.
(function () {
  function showActive() {
    var nav = document.querySelector('.app-navbar [data-testid="main-nav"]');
    var active = nav && nav.querySelector(".nav-link.active");
    if (!nav || !active || nav.scrollWidth <= nav.clientWidth) return;
    nav.scrollLeft = active.offsetLeft - nav.clientWidth / 2 + active.offsetWidth / 2;
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showActive);
  else showActive();
})();
