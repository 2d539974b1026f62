/* A country's page: its outline drawn over the map, emphasised, so the
   reader sees at once which country the page is about. The outlines file is
   the one the background already loaded (same versioned, cached URL). */
(function () {
  "use strict";
  var configElement = document.getElementById("map-config");
  if (!configElement || typeof L === "undefined") {
    return;
  }
  var config = JSON.parse(configElement.textContent);
  var country = config.fixed && config.fixed.country;
  var map = config.names && window[config.names.map];
  if (!country || !map || !config.outlines) {
    return;
  }
  fetch(config.outlines, { cache: "force-cache" })
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(function (data) {
      var feature = data && data.features.filter(function (f) {
        return f.properties.iso2 === country;
      })[0];
      if (!feature) {
        return;
      }
      var outline = L.geoJSON(feature, {
        interactive: false,
        style: {
          className: "mg-country-outline",
          color: "#084298",
          weight: 3,
          fillColor: "#0d6efd",
          fillOpacity: 0.08,
        },
      }).addTo(map);
      outline.bringToBack(); // under the markers, above the tiles
      window.migratoryCountryOutline = outline;
    })
    .catch(function () {
      /* Only an emphasis: the map works without it. */
    });
})();
