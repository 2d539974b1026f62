// Autocomplete for search boxes marked with data-suggest="<suggest URL>".
// It fills a <datalist> with institution names as the reader types; without
// JavaScript the box is a plain search field and the form works the same.
(function () {
  "use strict";
  var DELAY_MS = 150;

  function attach(input, index) {
    var list = document.createElement("datalist");
    list.id = "suggestions-" + index;
    input.setAttribute("list", list.id);
    input.parentNode.appendChild(list);
    var timer = null;
    var latest = 0;

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 3) {
        list.replaceChildren();
        return;
      }
      timer = setTimeout(function () {
        var ticket = ++latest;
        var url = input.dataset.suggest + "?q=" + encodeURIComponent(text);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (entries) {
            if (ticket !== latest) return; // an answer to an older keystroke
            list.replaceChildren.apply(list, entries.map(function (entry) {
              var option = document.createElement("option");
              option.value = entry.name;
              if (entry.acronym) option.label = entry.acronym + " · " + entry.country;
              return option;
            }));
          })
          .catch(function () { list.replaceChildren(); });
      }, DELAY_MS);
    });
  }

  document.querySelectorAll("input[data-suggest]").forEach(attach);
})();
