// Progressive enhancement only: every page works without this file.
document.addEventListener("submit", function (e) {
  var f = e.target;
  var msg = f.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); return; }
  var b = f.querySelector("button[type=submit],button:not([type])");
  if (b && !f.hasAttribute("data-no-lock")) { setTimeout(function () { b.disabled = true; }, 0); }
});
// A rejected form: bring its error summary into view and move the focus there (screen readers too).
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector(".form-errors");
  if (box) { box.scrollIntoView({ block: "start" }); box.focus({ preventScroll: true }); }
});
