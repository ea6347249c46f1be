// The desk's queue from the keyboard: j/k move, Enter (or o) opens, x ticks, / searches,
// a ticks every row. Keys are ignored while typing in a field.
(function () {
  var table = document.querySelector("[data-queue]");
  if (!table) return;
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
  var at = -1;
  function mark(i) {
    if (!rows.length) return;
    at = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, n) { r.classList.toggle("table-active", n === at); });
    rows[at].scrollIntoView({ block: "nearest" });
  }
  function tickAllState() {
    var boxes = table.querySelectorAll("tbody input[name=cases]");
    var ticked = table.querySelectorAll("tbody input[name=cases]:checked").length;
    var bar = document.querySelector("[data-bulk-count]");
    if (bar) bar.textContent = ticked;
    var all = document.querySelector("[data-tick-all]");
    if (all) all.checked = boxes.length > 0 && ticked === boxes.length;
  }
  table.addEventListener("change", tickAllState);
  var all = document.querySelector("[data-tick-all]");
  if (all) all.addEventListener("change", function () {
    table.querySelectorAll("tbody input[name=cases]").forEach(function (b) { b.checked = all.checked; });
    tickAllState();
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.tagName === "INPUT" && t.type !== "checkbox" || t.tagName === "TEXTAREA" ||
              t.tagName === "SELECT" || t.tagName === "BUTTON" || t.tagName === "A" ||
              t.isContentEditable)) return;
    if (e.key === "j") { mark(at + 1); e.preventDefault(); }
    else if (e.key === "k") { mark(at - 1); e.preventDefault(); }
    else if ((e.key === "Enter" || e.key === "o") && at >= 0) {
      var link = rows[at].querySelector("a[data-case-link]");
      if (link) { window.location = link.href; e.preventDefault(); }
    } else if (e.key === "x" && at >= 0) {
      var box = rows[at].querySelector("input[name=cases]");
      if (box) { box.checked = !box.checked; tickAllState(); e.preventDefault(); }
    } else if (e.key === "/") {
      var q = document.querySelector("input[name=q]");
      if (q) { q.focus(); e.preventDefault(); }
    }
  });
})();
