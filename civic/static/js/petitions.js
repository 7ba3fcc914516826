// Suggest similar petitions while the title is typed (progressive enhancement).
document.addEventListener("DOMContentLoaded", function () {
  var input = document.querySelector("[data-similar-url]");
  var box = document.getElementById("similar-petitions");
  if (!input || !box) { return; }
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var title = input.value.trim();
      if (title.length < 5) { box.textContent = ""; return; }
      fetch(input.getAttribute("data-similar-url") + "?title=" + encodeURIComponent(title))
        .then(function (r) { return r.json(); })
        .then(function (items) {
          box.textContent = "";
          if (!items.length) { return; }
          var p = document.createElement("p");
          p.textContent = "Схожі петиції — можливо, краще підписати одну з них:";
          box.appendChild(p);
          var ul = document.createElement("ul");
          items.forEach(function (item) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = item.url;
            a.textContent = "№ " + item.id + ". " + item.title;
            li.appendChild(a);
            ul.appendChild(li);
          });
          box.appendChild(ul);
        })
        .catch(function () { box.textContent = ""; });
    }, 300);
  });
});

// Leaving a petition's moderation page (closing the tab, going elsewhere) releases the soft
// lock at once, so a colleague is not told it is being edited for the rest of the timeout.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("[data-leave-on-unload]");
  if (!form || !navigator.sendBeacon) { return; }
  var submitting = false;
  document.addEventListener("submit", function (event) { submitting = event.target !== form; });
  window.addEventListener("pagehide", function () {
    if (!submitting) { navigator.sendBeacon(form.action, new FormData(form)); }
  });
});

// The soft lock is taken by a POST once the page is open and renewed while it stays open
// (the GET that shows the page writes nothing). The answer names a colleague who holds it.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("[data-lock-url]");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-lock-url");
  var seconds = parseInt(form.getAttribute("data-lock-seconds"), 10) || 900;
  function take() {
    fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .catch(function () {});
  }
  take();
  setInterval(take, seconds * 1000);
});
