/* Maps for elements with data-map (see kommune/core/jinja2/macros/map.html):
 *   data-map="points": markers for the Point features of the GeoJSON in data-geojson, each with a popup linking
 *                      to its page. The page lists the same places in text.
 *   data-map="picker": click, or press Enter on the focused map, to write a point into the two inputs named by
 *                      data-lat-input / data-lng-input; typing into them moves the marker.
 *   (data-map="geojson" is opendata/geojson-map.js's.)
 * Everything comes from data- attributes; text is always inserted as text, never as HTML.
 */
(function () {
  "use strict";

  var DECIMALS = 6;

  function center(element) {
    var parts = (element.dataset.center || "").split(",").map(Number);
    if (parts.length === 2 && parts.every(isFinite)) {
      return { latlng: L.latLng(parts[0], parts[1]), zoom: Number(element.dataset.zoom) || 13 };
    }
    return null;
  }

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  // Leaflet finds its marker images through its CSS, which breaks with hashed static file names.
  function useStaticMarkerIcons(element) {
    if (element.dataset.iconUrl) {
      L.Icon.Default.imagePath = "";
      L.Icon.Default.mergeOptions({
        iconUrl: element.dataset.iconUrl,
        iconRetinaUrl: element.dataset.iconRetinaUrl,
        shadowUrl: element.dataset.shadowUrl,
      });
    }
  }

  // Offline, or the tile server is down: say so once below the map instead of leaving a grey box.
  function tellWhenTilesFail(element, tiles) {
    var note = null;
    tiles.on("tileerror", function () {
      if (note || !element.dataset.labelOffline) {
        return;
      }
      note = document.createElement("p");
      note.className = "kern-body kern-body--small map__offline";
      note.setAttribute("role", "status");
      note.textContent = element.dataset.labelOffline;
      element.parentNode.insertBefore(note, element.nextSibling);
    });
  }

  function baseMap(element) {
    var map = L.map(element, {
      keyboard: true,
      scrollWheelZoom: false,
      zoomControl: false,
    });
    L.control.zoom({
      zoomInTitle: element.dataset.labelZoomIn,
      zoomOutTitle: element.dataset.labelZoomOut,
    }).addTo(map);
    map.attributionControl.setPrefix(false);
    useStaticMarkerIcons(element);
    var tiles = L.tileLayer(element.dataset.tileUrl, {
      attribution: escapeText(element.dataset.attribution || ""),
      maxZoom: 19,
    }).addTo(map);
    tellWhenTilesFail(element, tiles);
    // Leaflet's popup close button is labelled in English; use the page's language.
    map.on("popupopen", function (event) {
      var button = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (button && element.dataset.labelClose) {
        button.setAttribute("aria-label", element.dataset.labelClose);
        button.setAttribute("title", element.dataset.labelClose);
      }
    });
    return map;
  }

  function popupContent(properties) {
    var box = document.createElement("div");
    var title = document.createElement(properties.url ? "a" : "strong");
    title.textContent = properties.title || "";
    if (properties.url) {
      title.href = properties.url;
    }
    box.appendChild(title);
    if (properties.text) {
      var text = document.createElement("p");
      text.textContent = properties.text;
      box.appendChild(text);
    }
    return box;
  }

  function initPoints(element) {
    var data;
    try {
      data = JSON.parse(element.dataset.geojson || "{}");
    } catch (error) {
      return;
    }
    var map = baseMap(element);
    var layer = L.geoJSON(data, {
      filter: function (feature) {
        return feature.geometry && feature.geometry.type === "Point";
      },
      pointToLayer: function (feature, latlng) {
        var title = (feature.properties && feature.properties.title) || "";
        return L.marker(latlng, { title: title, alt: title, keyboard: true });
      },
      onEachFeature: function (feature, marker) {
        marker.bindPopup(popupContent(feature.properties || {}));
      },
    }).addTo(map);
    var bounds = layer.getBounds();
    var fallback = center(element);
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [32, 32], maxZoom: 16 });
    } else if (fallback) {
      map.setView(fallback.latlng, fallback.zoom);
    } else {
      map.setView([51.16, 10.45], 6);
    }
  }

  function readPoint(latInput, lngInput) {
    var lat = parseFloat((latInput.value || "").replace(",", "."));
    var lng = parseFloat((lngInput.value || "").replace(",", "."));
    if (isFinite(lat) && isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
      return L.latLng(lat, lng);
    }
    return null;
  }

  function initPicker(element) {
    var latInput = document.getElementById(element.dataset.latInput);
    var lngInput = document.getElementById(element.dataset.lngInput);
    if (!latInput || !lngInput) {
      return;
    }
    var status = document.getElementById(element.id + "-status");
    var hint = document.getElementById(element.id + "-hint");
    if (hint) {
      hint.hidden = false;
    }
    var map = baseMap(element);
    var marker = null;
    var start = readPoint(latInput, lngInput);
    var fallback = center(element);
    if (start) {
      map.setView(start, 16);
    } else if (fallback) {
      map.setView(fallback.latlng, fallback.zoom);
    } else {
      map.setView([51.16, 10.45], 6);
    }

    function announce(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function showMarker(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { keyboard: false, interactive: false, alt: "" }).addTo(map);
      }
      removeButton.hidden = false;
    }

    function setPoint(latlng) {
      var lat = latlng.lat.toFixed(DECIMALS);
      var lng = L.Util.wrapNum(latlng.lng, [-180, 180], true).toFixed(DECIMALS);
      latInput.value = lat;
      lngInput.value = lng;
      showMarker(L.latLng(Number(lat), Number(lng)));
      announce((element.dataset.labelSet || "").replace("{lat}", lat).replace("{lng}", lng));
    }

    var removeButton = document.createElement("button");
    removeButton.type = "button";
    removeButton.className = "kern-btn kern-btn--secondary kern-btn--small map-picker__remove";
    var removeLabel = document.createElement("span");
    removeLabel.className = "kern-label";
    removeLabel.textContent = element.dataset.labelRemove || "";
    removeButton.appendChild(removeLabel);
    removeButton.hidden = true;
    removeButton.addEventListener("click", function () {
      latInput.value = "";
      lngInput.value = "";
      if (marker) {
        map.removeLayer(marker);
        marker = null;
      }
      removeButton.hidden = true;
      announce(element.dataset.labelRemoved || "");
    });
    element.parentNode.insertBefore(removeButton, status);

    if (start) {
      showMarker(start);
    }
    map.on("click", function (event) {
      setPoint(event.latlng);
    });
    element.addEventListener("keydown", function (event) {
      // Only on the map itself: Enter on a zoom button or a link inside it keeps its own meaning.
      if (event.target === element && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        setPoint(map.getCenter());
      }
    });
    function follow() {
      var point = readPoint(latInput, lngInput);
      if (point) {
        showMarker(point);
        map.panTo(point);
      }
    }
    latInput.addEventListener("change", follow);
    lngInput.addEventListener("change", follow);
  }

  function init() {
    if (typeof L === "undefined") {
      return; // Leaflet did not load: the text and the number fields still work.
    }
    document.querySelectorAll("[data-map]").forEach(function (element) {
      if (element.dataset.mapReady) {
        return;
      }
      element.dataset.mapReady = "true";
      if (element.dataset.map === "points") {
        initPoints(element);
      } else if (element.dataset.map === "picker") {
        initPicker(element);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
