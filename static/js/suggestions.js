// Suggestions for a certification's code as one types (certifications.filters.CertificationCodeInput):
// the catalogue's search (`/api/v1/certifications/?q=`, code or words of the title) fills the input's
// <datalist>. The server checks the code submitted; without this script the code is typed.
(function () {
  "use strict";
  var DELAY = 250;
  var MIN_LENGTH = 2;

  function fill(list, results) {
    list.textContent = "";
    results.forEach(function (certification) {
      var option = document.createElement("option");
      option.value = certification.code;
      option.label = certification.code + " — " + certification.title;
      list.appendChild(option);
    });
  }

  function attach(input) {
    if (input.dataset.suggestionsReady) return;
    input.dataset.suggestionsReady = "1";
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = null;
    var controller = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < MIN_LENGTH) {
        fill(list, []);
        return;
      }
      timer = window.setTimeout(function () {
        if (controller) controller.abort();
        controller = new AbortController();
        var url = input.getAttribute("data-suggestions") + "?page_size=15&q=" + encodeURIComponent(text);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, signal: controller.signal })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (page) {
            fill(list, page.results || []);
          })
          .catch(function () {
            // A network error or a newer keystroke: the input keeps working without suggestions.
          });
      }, DELAY);
    });
  }

  document.querySelectorAll("input[data-suggestions][list]").forEach(attach);
})();
