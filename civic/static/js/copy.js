// Buttons with data-copy put the full value (a SHA-256 shown in its short form) on the
// clipboard; public and staff pages alike (no inline scripts: CSP script-src 'self').
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-copy]");
  if (!button || !navigator.clipboard) { return; }
  navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
    button.textContent = "Скопійовано";
  });
});
