// Small helpers of the staff pages (no inline scripts: CSP script-src 'self').
(function () {
  "use strict";

  // Forms with data-confirm ask before they change something that cannot be undone
  // (closing a count, publishing a petition, finalising a report).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Textareas with data-autogrow grow with their text instead of scrolling inside.
  function grow(area) {
    area.style.height = "auto";
    area.style.height = area.scrollHeight + 2 + "px";
  }
  function growAll() {
    var areas = document.querySelectorAll("textarea[data-autogrow]");
    for (var i = 0; i < areas.length; i++) { grow(areas[i]); }
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-autogrow]")) { grow(event.target); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", growAll);
  } else {
    growAll();
  }
})();
