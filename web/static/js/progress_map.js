/* Progress map: a dot per village coloured by backlog left (no inline script: CSP). */
(function () {
  "use strict";
  var el = document.getElementById("peta-kemajuan");
  if (!el || typeof L === "undefined") { return; }
  var labels = JSON.parse(el.dataset.labels || "{}");

  function colour(n) {
    if (n === null || n === undefined) { return "#9aa5ad"; }
    if (n <= 0) { return "#1a9850"; }
    if (n >= 600) { return "#b2182b"; }
    if (n >= 300) { return "#ef8a62"; }
    if (n >= 100) { return "#fddbc7"; }
    return "#d1e5f0";
  }
  // Leaflet writes popup strings as HTML: every text from the data goes through here
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value === null || value === undefined ? "" : String(value);
    return span.innerHTML;
  }

  var map = L.map(el, { preferCanvas: true });
  JemputBola.addTiles(map, el, el.dataset.tiles, el.dataset.labelTiles);

  fetch(el.dataset.points, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.featureGroup();
      data.villages.forEach(function (v) {
        var flags = v.flags.map(function (f) { return text(labels[f] || f); }).join(", ");
        var backlog = v.belum_rekam === null ? el.dataset.labelNodata : v.belum_rekam.toLocaleString("id-ID");
        L.circleMarker([v.lat, v.lon], { radius: 5, weight: 1, color: "#37474f", fillOpacity: 0.85, fillColor: colour(v.belum_rekam) })
          .bindPopup("<strong>" + text(v.name) + "</strong><br>" + text(v.kode) + " · " + text(v.district) +
            "<br>" + text(el.dataset.labelBacklog) + ": " + text(backlog) + (flags ? "<br>" + flags : ""))
          .addTo(layer);
      });
      if (data.villages.length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
      else { map.setView([-6.4, 106.1], 8); }
      layer.addTo(map);
    });
}());
