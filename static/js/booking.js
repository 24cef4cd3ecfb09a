// The booking form: highlight the chosen date in the free-hours list (no inline script: CSP).
(function () {
  "use strict";
  var input = document.querySelector("#booking-form input[type=date]");
  var list = document.getElementById("free-days");
  if (!input || !list) return;
  function mark() {
    list.querySelectorAll("[data-date]").forEach(function (item) {
      item.classList.toggle("active", item.getAttribute("data-date") === input.value);
    });
  }
  input.addEventListener("change", mark);
  mark();
})();
