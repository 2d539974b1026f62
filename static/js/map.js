/* The maps' script. Every map (small ones too) gets the offline country
   outlines as its background. The institutions map also draws points from the
   GeoJSON endpoint into the marker cluster that folium set up, keeps the
   filters in the URL, shows counts per country, and lists what is on the map
   for keyboard and screen-reader users. Popups and lists are built as DOM
   text, never as HTML strings. */
(function () {
  "use strict";

  if (!window.L) {
    return;
  }
  var outlineRequests = {};
  var backgrounds = drawBackgrounds();
  var configElement = document.getElementById("map-config");
  if (!configElement) {
    return;
  }
  var config = JSON.parse(configElement.textContent);
  var map = window[config.names.map];
  var container = map.getContainer();
  var cluster = window[config.names.cluster];
  var countryLayer = window[config.names.countries];
  var form = document.getElementById("map-filters");
  var status = document.getElementById("map-status");
  var list = document.getElementById("map-list");
  var note = document.getElementById("map-list-note");
  var presets = document.getElementById("presets");
  var labelPoints = {};
  var countryBounds = {}; // iso2 -> L.LatLngBounds of the country's outline
  var icons = {};
  var features = [];
  var latest = 0;
  var shown = Promise.resolve();
  var fitWaiting = false;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text) {
      node.textContent = text;
    }
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    return node;
  }

  function detailUrl(slug) {
    return config.detailUrl.replace("SLUG", encodeURIComponent(slug));
  }

  function icon(category) {
    if (!icons[category]) {
      icons[category] = L.divIcon({
        className: "mg-marker cat-" + category,
        iconSize: [14, 14],
        popupAnchor: [0, -6],
      });
    }
    return icons[category];
  }

  function place(properties) {
    var country = config.countries[properties.country] || properties.country;
    return [properties.city, country].filter(Boolean).join(", ");
  }

  function popupContent(properties) {
    var box = element("div", null, { class: "mg-popup" });
    box.appendChild(element("strong", properties.name));
    box.appendChild(
      element("div", config.categories[properties.category] || properties.category)
    );
    box.appendChild(element("div", place(properties)));
    box.appendChild(element("a", config.text.details, { href: detailUrl(properties.slug) }));
    return box;
  }

  function markerFor(feature) {
    var c = feature.geometry.coordinates;
    var properties = feature.properties;
    var marker = L.marker([c[1], c[0]], {
      icon: icon(properties.category),
      title: properties.name,
      alt: properties.name,
      keyboard: true,
    });
    marker.bindPopup(function () {
      return popupContent(properties);
    });
    marker.slug = properties.slug;
    return marker;
  }

  function currentParams() {
    var params = new URLSearchParams();
    if (form) {
      new FormData(form).forEach(function (value, key) {
        if (String(value).trim()) {
          params.set(key, String(value).trim());
        }
      });
    }
    Object.keys(config.fixed || {}).forEach(function (key) {
      params.set(key, config.fixed[key]);
    });
    return params;
  }

  /* Fetch the points for the form's filters and show them; the promise
     settles once every marker is in the cluster (or the load failed or was
     superseded). window.migratoryMap.ready is always the latest one. */
  function load(fit) {
    var query = currentParams().toString();
    var request = ++latest;
    say(config.text.loading);
    var loaded = fetch(config.geojson + (query ? "?" + query : ""), {
      headers: { Accept: "application/geo+json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        return show(request, data.features, fit);
      })
      .catch(function () {
        if (request === latest) {
          say(config.text.failed);
        }
      });
    if (window.migratoryMap) {
      window.migratoryMap.ready = loaded;
    }
    return loaded;
  }

  function show(request, found, fit) {
    // Leaflet.markercluster goes on adding the chunks of an earlier addLayers
    // even after clearLayers, so each set waits until the one before is in.
    var step = shown.then(function () {
      if (request !== latest) {
        return null;
      }
      features = found;
      drawCountries();
      drawList(null);
      return fill(found.map(markerFor)).then(function () {
        if (request === latest) {
          drawn(found.length, fit);
        }
      });
    });
    shown = step.catch(function () {});
    return step;
  }

  function fill(markers) {
    // data-markers says "every marker is in the cluster": absent until then.
    container.removeAttribute("data-markers");
    cluster.clearLayers();
    return new Promise(function (resolve) {
      if (!map.hasLayer(cluster)) {
        // Off the map (unticked in the layer control) the cluster takes all
        // markers at once and reports no progress.
        cluster.addLayers(markers);
        resolve();
        return;
      }
      L.setOptions(cluster, {
        chunkProgress: function (done, total) {
          if (done === total) {
            resolve();
          }
        },
      });
      cluster.addLayers(markers);
    });
  }

  function drawn(count, fit) {
    say(count ? format(config.text.count, { n: count.toLocaleString() }) : config.text.none);
    container.setAttribute("data-markers", String(cluster.getLayers().length));
    if (fit) {
      fitView();
    }
  }

  function fitView() {
    // Leaflet drops or undoes a view asked for during a zoom animation (such
    // as folium's first fitBounds, still running when a preset is chosen):
    // fit once it ends. Leaflet has no public "is zooming" flag.
    if (map._animatingZoom) {
      if (!fitWaiting) {
        fitWaiting = true;
        map.once("zoomend", function () {
          fitWaiting = false;
          fitView();
        });
      }
      return;
    }
    var region = form ? form.elements.region.value : "";
    var country = form ? form.elements.country.value : "";
    var shown = country || (config.fixed && config.fixed.country);
    if (shown && countryBounds[shown]) {
      // A country's map shows the country, even when all its entries sit in
      // one city (fitting the markers alone would zoom into that city).
      map.fitBounds(countryBounds[shown], { padding: [12, 12] });
    } else if (!country && !config.fixed && region in config.presets && !(narrow() && !region)) {
      map.fitBounds(config.presets[region]);
    } else if (features.length) {
      map.fitBounds(dataBounds(), { maxZoom: 9, padding: [24, 24] });
    }
  }

  /* Where the markers are. On a narrow screen the whole region (Vancouver to
     Vladivostok) is a thin strip at zoom 0: fit the middle 70% of the points
     instead (Europe to Central Asia on the whole inventory), so the dense
     part fills the screen; the rest is a drag or a zoom away. */
  function narrow() {
    return map.getSize().x < 576;
  }

  function dataBounds() {
    if (!narrow() || features.length < 20) {
      return cluster.getBounds();
    }
    var lats = [];
    var lngs = [];
    features.forEach(function (feature) {
      lngs.push(feature.geometry.coordinates[0]);
      lats.push(feature.geometry.coordinates[1]);
    });
    var sorted = function (a, b) { return a - b; };
    lats.sort(sorted);
    lngs.sort(sorted);
    var low = Math.floor(features.length * 0.15);
    var high = Math.ceil(features.length * 0.85) - 1;
    return L.latLngBounds([lats[low], lngs[low]], [lats[high], lngs[high]]);
  }

  function countsByCountry() {
    var counts = {};
    var sums = {};
    features.forEach(function (feature) {
      var code = feature.properties.country;
      var c = feature.geometry.coordinates;
      counts[code] = (counts[code] || 0) + 1;
      sums[code] = sums[code] || [0, 0];
      sums[code][0] += c[1];
      sums[code][1] += c[0];
    });
    return Object.keys(counts).map(function (code) {
      var mean = [sums[code][0] / counts[code], sums[code][1] / counts[code]];
      return { code: code, count: counts[code], point: labelPoints[code] || mean };
    });
  }

  function drawCountries() {
    if (!countryLayer) {
      return;
    }
    countryLayer.clearLayers();
    var rows = countsByCountry();
    var largest = Math.max.apply(null, [1].concat(rows.map(function (r) { return r.count; })));
    rows.forEach(function (row) {
      var name = config.countries[row.code] || row.code;
      var circle = L.circleMarker(row.point, {
        radius: 6 + 30 * Math.sqrt(row.count / largest),
        color: "#0b5394",
        weight: 1,
        fillOpacity: 0.35,
        className: "mg-country",
      });
      circle.bindTooltip(document.createTextNode(name + ": " + row.count));
      circle.bindPopup(function () {
        var box = element("div", null, { class: "mg-popup" });
        box.appendChild(element("strong", name));
        box.appendChild(element("div", format(config.text.inCountry, { n: row.count })));
        var params = currentParams();
        params.set("country", row.code);
        box.appendChild(
          element("a", config.text.listCountry, { href: config.listUrl + "?" + params })
        );
        return box;
      });
      circle.on("click", function () {
        drawList(row.code);
      });
      circle.country = row.code;
      countryLayer.addLayer(circle);
    });
  }

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function drawList(country) {
    if (!list) {
      return;
    }
    var shown = country
      ? features.filter(function (f) { return f.properties.country === country; })
      : features;
    var items = shown.slice(0, config.listLimit).map(function (feature) {
      var properties = feature.properties;
      var item = element("li");
      item.appendChild(element("a", properties.name, { href: detailUrl(properties.slug) }));
      item.appendChild(document.createTextNode(" — " + place(properties)));
      return item;
    });
    list.replaceChildren.apply(list, items);
    note.replaceChildren();
    if (country) {
      note.appendChild(
        document.createTextNode((config.countries[country] || country) + ". ")
      );
    }
    if (shown.length > config.listLimit) {
      var params = currentParams();
      if (country) {
        params.set("country", country);
      }
      note.appendChild(
        document.createTextNode(format(config.text.more, { limit: config.listLimit }) + " ")
      );
      note.appendChild(
        element("a", format(config.text.seeAll, { n: shown.length.toLocaleString() }), {
          href: config.listUrl + "?" + params,
        })
      );
    }
  }

  function useLabelPoints(outlines) {
    outlines.then(function (data) {
      if (!data) {
        return;
      }
      data.features.forEach(function (feature) {
        var label = feature.properties.label;
        if (label) {
          labelPoints[feature.properties.iso2] = [label[1], label[0]];
        }
        countryBounds[feature.properties.iso2] = L.geoJSON(feature).getBounds();
      });
      drawCountries();
      var country = form ? form.elements.country.value : "";
      if (country || (config.fixed && config.fixed.country)) {
        fitView(); // the outlines came after the markers: fit the country now
      }
    });
  }

  /* The outline background of every map on the page, by map variable name:
     promises of the outline data (null if it could not be loaded). */
  function drawBackgrounds() {
    var found = {};
    document.querySelectorAll(".map-frame[data-map]").forEach(function (frame) {
      var name = frame.getAttribute("data-map");
      found[name] = background(window[name], frame.getAttribute("data-outlines"));
    });
    return found;
  }

  function background(target, url) {
    if (!target || !url) {
      return Promise.resolve(null);
    }
    target.getContainer().classList.add("mg-sea");
    return outlineData(url).then(function (data) {
      if (data) {
        // Outlines lie under the tiles: hidden where tiles load, and the
        // whole background when they do not (no internet, or MAP_TILES=none).
        target.createPane("mg-outlines").style.zIndex = 150;
        L.geoJSON(data, {
          pane: "mg-outlines",
          interactive: false,
          style: { color: "#8a8a8a", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 },
        }).addTo(target);
      }
      return data;
    });
  }

  function outlineData(url) {
    // One download per page, however many maps it has.
    if (!outlineRequests[url]) {
      outlineRequests[url] = fetch(url)
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .catch(function () {
          return null; /* Outlines are a background only; the markers still work. */
        });
    }
    return outlineRequests[url];
  }

  function markPreset() {
    if (!presets) {
      return;
    }
    var region = form.elements.region.value;
    presets.querySelectorAll("[data-region]").forEach(function (button) {
      button.classList.toggle("active", button.getAttribute("data-region") === region);
    });
  }

  function apply() {
    var query = currentParams().toString();
    history.pushState(null, "", location.pathname + (query ? "?" + query : ""));
    markPreset();
    load(true);
  }

  function setFormFromUrl() {
    var params = new URLSearchParams(location.search);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name) {
        field.value = params.get(field.name) || "";
      }
    });
    markPreset();
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply();
    });
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", apply);
    });
    if (presets) {
      presets.addEventListener("click", function (event) {
        var button = event.target.closest("[data-region]");
        if (!button) {
          return;
        }
        event.preventDefault();
        form.elements.region.value = button.getAttribute("data-region");
        form.elements.country.value = "";
        apply();
      });
    }
    window.addEventListener("popstate", function () {
      setFormFromUrl();
      load(true);
    });
  }

  window.migratoryMap = {
    map: map,
    cluster: cluster,
    countries: countryLayer,
    markerCount: function () {
      return cluster.getLayers().length;
    },
    markerFor: function (slug) {
      return cluster.getLayers().find(function (m) { return m.slug === slug; });
    },
    ready: load(true), // fit the data, filtered or not
    // The outline data this page downloaded once (null if it could not load).
    outlines: backgrounds[config.names.map] || background(map, config.outlines),
  };
  useLabelPoints(window.migratoryMap.outlines);
})();
