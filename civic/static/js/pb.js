// Participatory budget staff pages: fast double entry and upload progress (no inline scripts).
(function () {
  "use strict";

  // Double entry: the first field gets the focus after every save; Enter anywhere saves.
  var entry = document.querySelector("[data-entry-form]");
  if (entry) {
    var fields = entry.querySelectorAll("input[type=text], input:not([type])");
    // After an error the cursor goes to the field that needs fixing, not back to the top.
    var invalid = entry.querySelector("[aria-invalid=true]");
    var first = invalid || (entry.querySelector("#number") && entry.querySelector("#batch").value ? entry.querySelector("#number") : fields[0]);
    if (first) { first.focus(); first.select && first.select(); }
    var busy = false;
    entry.addEventListener("submit", function (event) {
      if (busy) { event.preventDefault(); }
      busy = true;
    });
  }

  // Upload with a progress bar: send the form with XMLHttpRequest and show the result page.
  var upload = document.querySelector("form[data-progress]");
  if (upload && window.XMLHttpRequest && window.FormData) {
    var bar = document.getElementById(upload.getAttribute("data-progress"));
    var text = document.getElementById(upload.getAttribute("data-progress") + "-text");
    upload.addEventListener("submit", function (event) {
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", upload.action || window.location.href);
      bar.hidden = false;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round((e.loaded / e.total) * 100);
          text.textContent = "Надіслано " + bar.value + "%";
        }
      });
      xhr.upload.addEventListener("load", function () {
        bar.removeAttribute("value");
        text.textContent = "Файл надіслано; перевірка та запис бюлетенів…";
      });
      xhr.addEventListener("load", function () {
        document.open();
        document.write(xhr.responseText);
        document.close();
        if (xhr.responseURL) { window.history.replaceState(null, "", xhr.responseURL); }
      });
      xhr.addEventListener("error", function () {
        text.textContent = "Не вдалося надіслати файл. Перевірте з'єднання та спробуйте ще раз.";
      });
      xhr.send(new FormData(upload));
    });
  }
})();
