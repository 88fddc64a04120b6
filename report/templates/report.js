// Expand / collapse every table; open everything for printing and restore after.
(function () {
  "use strict";
  function all() { return Array.prototype.slice.call(document.querySelectorAll("details")); }
  function set(open, selector) {
    document.querySelectorAll(selector).forEach(function (d) { d.open = open; });
  }
  document.querySelectorAll("[data-details]").forEach(function (button) {
    button.addEventListener("click", function () {
      set(button.getAttribute("data-details") === "open", button.getAttribute("data-target"));
    });
  });
  // A link to a table (from a finding) opens it.
  function openTarget() {
    var el = location.hash && document.getElementById(location.hash.slice(1));
    if (el && el.tagName === "DETAILS") { el.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = all().filter(function (d) { return !d.open; });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
})();
