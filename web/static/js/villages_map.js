/* Villages map: polygons coloured by backlog, a dot at each stop point.
   No inline script (CSP); everything the map needs is in data- attributes. */
(function () {
  "use strict";
  var el = document.getElementById("peta");
  if (!el || typeof L === "undefined") { return; }
  var labels = JSON.parse(el.dataset.labels || "{}");

  function colour(n) {
    if (n === null || n === undefined) { return "#9aa5ad"; }
    if (n >= 600) { return "#b2182b"; }
    if (n >= 300) { return "#ef8a62"; }
    if (n >= 100) { return "#fddbc7"; }
    return "#d1e5f0";
  }

  // Leaflet writes popup and tooltip strings as HTML: every text from the data goes
  // through here (a village named "<img ...>" must stay text)
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value === null || value === undefined ? "" : String(value);
    return span.innerHTML;
  }

  var map = L.map(el, { preferCanvas: true });
  el.jemputBolaMap = map;  // reachable from the browser tests (and a console) without a hover
  JemputBola.addTiles(map, el, el.dataset.tiles, el.dataset.labelTiles);

  fetch(el.dataset.geojson, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: function (f) {
          return { color: "#37474f", weight: 1, fillOpacity: 0.65, fillColor: colour(f.properties.belum_rekam) };
        },
        onEachFeature: function (f, lyr) {
          var p = f.properties;
          var flags = Object.keys(labels).filter(function (k) { return p[k]; })
            .map(function (k) { return text(labels[k]); }).join(", ");
          var backlog = (p.belum_rekam === null) ? el.dataset.labelNodata : p.belum_rekam.toLocaleString("id-ID");
          lyr.bindPopup("<strong>" + text(p.name) + "</strong><br>" + text(p.kode) + " · " + text(p.district) +
            "<br>" + text(el.dataset.labelBacklog) + ": " + text(backlog) + (flags ? "<br>" + flags : ""));
        }
      });
      // the view first: the canvas renderer needs it before any layer is drawn
      if (data.features.length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
      else { map.setView([-6.4, 106.1], 8); }
      layer.addTo(map);
      data.features.forEach(function (f) {
        L.circleMarker(f.properties.stop, { radius: 3, color: "#263238", weight: 1, fillOpacity: 1 })
          .bindTooltip(text(f.properties.name)).addTo(map);
      });
    });
})();
