// The remaining room per category, updated as the project holder types (the server checks again).
// Reads the amount inputs (data-funding-amount="teaching") and the outputs (data-room-for, data-cap).
(function () {
  "use strict";
  var form = document.getElementById("formulaire-financement");
  if (!form) return;
  var euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });

  function parse(text) {
    var cleaned = (text || "").replace(/[\s\u00a0\u202f€]/g, "").replace(",", ".");
    if (cleaned === "") return 0;
    var value = Number(cleaned);
    return isFinite(value) && value >= 0 ? value : null;
  }

  function cents(value) {
    return Math.round(value * 100);
  }

  function update() {
    var total = 0;
    var valid = true;
    form.querySelectorAll("[data-funding-amount]").forEach(function (input) {
      var category = input.getAttribute("data-funding-amount");
      var value = parse(input.value);
      var requested = form.querySelector('[data-requested-for="' + category + '"]');
      if (value === null) {
        valid = false;
        if (requested) requested.textContent = "montant à corriger";
        value = 0;
      } else if (requested) {
        requested.textContent = euros.format(value);
      }
      total += cents(value);
      show(category, cents(value));
    });
    var requestedTotal = form.querySelector('[data-requested-for="total"]');
    if (requestedTotal) requestedTotal.textContent = euros.format(total / 100) + (valid ? "" : " (incomplet)");
    show("total", total);
  }

  function show(key, requestedCents) {
    var output = form.querySelector('[data-room-for="' + key + '"]');
    if (!output) return;
    var room = cents(Number(output.getAttribute("data-cap"))) - requestedCents;
    output.classList.toggle("funding-over", room < 0);
    output.textContent = room < 0 ? "Dépassement de " + euros.format(-room / 100) : euros.format(room / 100);
  }

  form.addEventListener("input", function (event) {
    if (event.target.hasAttribute("data-funding-amount")) update();
  });
  update();
})();
