/* Map previews of GeoJSON resources (elements with data-map="geojson", see opendata/dataset.html).
 * The page says in text what the map shows (number of features, geometry types, bounding box), so the map only
 * adds a picture. The data is fetched from the resource's download address (data-geojson-url); the view is first
 * set to the bounding box in data-bbox ("west,south,east,north"). Properties are shown in popups as text, never
 * as HTML. Leaflet comes from macros/map.html's map_assets().
 */
(function () {
  "use strict";

  var MAX_PROPERTIES = 8;

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function popupContent(properties) {
    var list = document.createElement("dl");
    list.className = "geojson-properties";
    Object.keys(properties || {}).slice(0, MAX_PROPERTIES).forEach(function (key) {
      var term = document.createElement("dt");
      term.textContent = key;
      var value = document.createElement("dd");
      var raw = properties[key];
      value.textContent = raw === null || raw === undefined ? "" :
        (typeof raw === "object" ? JSON.stringify(raw) : String(raw));
      list.appendChild(term);
      list.appendChild(value);
    });
    return list;
  }

  function init(element) {
    var bbox = (element.dataset.bbox || "").split(",").map(Number);
    if (bbox.length !== 4 || !bbox.every(isFinite)) {
      return;
    }
    var map = L.map(element, { keyboard: true, scrollWheelZoom: false, zoomControl: false });
    L.control.zoom({
      zoomInTitle: element.dataset.labelZoomIn,
      zoomOutTitle: element.dataset.labelZoomOut,
    }).addTo(map);
    map.attributionControl.setPrefix(false);
    var tiles = L.tileLayer(element.dataset.tileUrl, {
      attribution: escapeText(element.dataset.attribution || ""),
      maxZoom: 19,
    }).addTo(map);
    tiles.once("tileerror", function () {
      if (element.dataset.labelOffline) {
        var note = document.createElement("p");
        note.className = "kern-body kern-body--small map__offline";
        note.setAttribute("role", "status");
        note.textContent = element.dataset.labelOffline;
        element.parentNode.insertBefore(note, element.nextSibling);
      }
    });
    map.fitBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]], { padding: [24, 24], maxZoom: 16 });
    map.on("popupopen", function (event) {
      var button = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (button && element.dataset.labelClose) {
        button.setAttribute("aria-label", element.dataset.labelClose);
        button.setAttribute("title", element.dataset.labelClose);
      }
    });
    fetch(element.dataset.geojsonUrl, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : Promise.reject(response.status);
      })
      .then(function (data) {
        L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: 7, weight: 2, color: "#004b76", fillColor: "#4d9fd6",
                                            fillOpacity: 0.8 });
          },
          style: function () {
            return { color: "#004b76", weight: 2, fillOpacity: 0.2 };
          },
          onEachFeature: function (feature, layer) {
            if (feature.properties && Object.keys(feature.properties).length) {
              layer.bindPopup(popupContent(feature.properties));
            }
          },
        }).addTo(map);
      })
      .catch(function () {
        map.remove();
        element.hidden = true; // the text above still says what the file contains
      });
  }

  function start() {
    if (typeof L === "undefined") {
      return; // Leaflet did not load: the text summary stays, the map box stays hidden
    }
    document.querySelectorAll('[data-map="geojson"]').forEach(function (element) {
      if (element.dataset.geojsonReady) {
        return;
      }
      element.dataset.geojsonReady = "true";
      init(element);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
