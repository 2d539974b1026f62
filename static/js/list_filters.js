/* The list page's filters: open beside the results on large screens, and
   applied as soon as a facet checkbox changes. The page works without this. */
(function () {
  "use strict";
  var panel = document.getElementById("filters-panel");
  var form = document.getElementById("list-filters");
  if (!panel || !form) {
    return;
  }
  var wide = window.matchMedia("(min-width: 992px)");
  function follow() {
    if (wide.matches) {
      panel.open = true;
    }
  }
  follow();
  wide.addEventListener("change", follow);
  form.addEventListener("change", function (event) {
    if (event.target.type === "checkbox") {
      form.submit();
    }
  });
})();
