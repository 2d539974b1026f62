/* A country's page: its outline drawn over the map, emphasised, so the
   reader sees at once which country the page is about. The outlines file is
   the one the background already loaded (map.js shares its promise). */
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
  // The data map.js already downloaded for the background: no second request.
  var shared = window.migratoryMap && window.migratoryMap.outlines;
  var outlines = shared || fetch(config.outlines, { cache: "force-cache" }).then(
    function (response) {
      return response.ok ? response.json() : null;
    }
  );
  outlines
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
