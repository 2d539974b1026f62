/* Maps by keyboard and screen reader, in the reader's language.

   Every map: Leaflet's control titles in the page's language; a popup takes
   the focus when it opens and gives it back to its marker when it closes.
   The institutions map: a cluster is a button named "Cluster of 12
   institutions"; Enter or Space on it zooms in (or spreads its markers out at
   the deepest zoom) and moves the focus to the first thing revealed. */
(function () {
  "use strict";

  if (!window.L) {
    return;
  }
  var SETTLE_MS = 600; // a zoom animation has begun by then, if there is one

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  function counted(templates, n) {
    var lang = document.documentElement.lang || "en";
    var category = "other";
    try {
      category = new Intl.PluralRules(lang).select(n);
    } catch (error) {
      /* an unknown language: "other" */
    }
    return format(templates[category] || templates.other, { n: n.toLocaleString(lang) });
  }

  function name(element, text) {
    if (element && text) {
      element.setAttribute("title", text);
      element.setAttribute("aria-label", text);
    }
  }

  function localizeControls(map, texts) {
    var container = map.getContainer();
    name(container.querySelector(".leaflet-control-zoom-in"), texts.zoomIn);
    name(container.querySelector(".leaflet-control-zoom-out"), texts.zoomOut);
  }

  function focusPopups(map, texts) {
    map.on("popupopen", function (event) {
      var element = event.popup.getElement();
      if (!element) {
        return;
      }
      name(element.querySelector(".leaflet-popup-close-button"), texts.closePopup);
      var box = element.querySelector(".leaflet-popup-content > *")
        || element.querySelector(".leaflet-popup-content");
      if (box) {
        box.setAttribute("tabindex", "-1");
        box.focus({ preventScroll: true });
      }
    });
    // Leaflet closes a popup on Escape only while the map itself has the
    // focus; inside the popup (or on a marker) the key must work as well.
    map.getContainer().addEventListener("keydown", function (event) {
      if (event.key === "Escape" && map._popup && map.hasLayer(map._popup)) {
        event.preventDefault();
        map.closePopup();
      }
    });
    map.on("popupclose", function (event) {
      var element = event.popup.getElement();
      var source = event.popup._source;
      var inside = element && element.contains(document.activeElement);
      var lost = document.activeElement === document.body;
      if ((inside || lost) && source && source._icon && source._icon.isConnected) {
        source._icon.focus({ preventScroll: true });
      }
    });
  }

  /* The cluster icons of Leaflet.markercluster, named and marked as buttons.
     The group asks its iconCreateFunction each time it draws a cluster. */
  function labelClusters(group, texts) {
    var defaultIcon = group._defaultIconCreateFunction;
    L.setOptions(group, {
      iconCreateFunction: function (markerCluster) {
        var icon = defaultIcon.call(group, markerCluster);
        var create = icon.createIcon;
        icon.createIcon = function (oldIcon) {
          var element = create.call(icon, oldIcon);
          var label = counted(texts.cluster, markerCluster.getChildCount());
          element.setAttribute("role", "button");
          element.setAttribute("aria-label", label);
          element.setAttribute("title", label);
          element.migratoryCluster = markerCluster;
          return element;
        };
        return icon;
      },
    });
  }

  function revealedIcon(group, markerCluster, opened) {
    var found = null;
    markerCluster.getAllChildMarkers().some(function (marker) {
      var shown = group.getVisibleParent(marker);
      if (shown && shown._icon && shown._icon !== opened && shown._icon.isConnected) {
        found = shown._icon;
      }
      return found !== null;
    });
    return found;
  }

  /* Enter or Space on a cluster: what a click does, then the focus follows
     once the map and the cluster layer have stopped moving. */
  function openCluster(map, group, markerCluster, event) {
    var done = false;
    var opened = markerCluster._icon;
    function moving() {
      return map._animatingZoom || group._inZoomAnimation > 0;
    }
    function focusRevealed(target) {
      if (done) {
        return;
      }
      done = true;
      group.off("animationend", settle);
      group.off("spiderfied", afterSpread);
      var icon = target || revealedIcon(group, markerCluster, opened);
      if (icon) {
        icon.focus({ preventScroll: true });
      }
    }
    function settle() {
      if (moving()) {
        window.setTimeout(settle, 100);
      } else {
        focusRevealed();
      }
    }
    function afterSpread(spread) {
      var first = spread.markers && spread.markers[0];
      focusRevealed(first && first._icon);
    }
    group.on("animationend", settle);
    group.once("spiderfied", afterSpread);
    window.setTimeout(settle, SETTLE_MS);
    // The group's own click handler (zoom to bounds, or spiderfy at the
    // deepest zoom) answers "clusterclick" events of this cluster.
    group.fire("click", { layer: markerCluster, originalEvent: event }, false);
  }

  function markerOf(group, element) {
    return group.getLayers().find(function (marker) {
      return marker._icon === element;
    });
  }

  function clusterKeys(map, group) {
    map.getContainer().addEventListener(
      "keydown",
      function (event) {
        if (event.key !== "Enter" && event.key !== " ") {
          return;
        }
        var target = event.target;
        if (target.migratoryCluster) {
          event.preventDefault();
          event.stopPropagation();
          openCluster(map, group, target.migratoryCluster, event);
        } else if (event.key === " " && target.classList.contains("leaflet-marker-icon")) {
          var marker = markerOf(group, target);
          if (marker) {
            event.preventDefault();
            marker.openPopup();
          }
        }
      },
      true
    );
  }

  document.querySelectorAll(".map-frame[data-map]").forEach(function (frame) {
    var map = window[frame.getAttribute("data-map")];
    if (!map) {
      return;
    }
    var texts = JSON.parse(frame.getAttribute("data-texts") || "{}");
    localizeControls(map, texts);
    focusPopups(map, texts);
    var browsing = window.migratoryMap;
    if (browsing && browsing.map === map && browsing.cluster && texts.cluster) {
      labelClusters(browsing.cluster, texts);
      clusterKeys(map, browsing.cluster);
    }
  });
})();
