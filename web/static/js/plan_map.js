/* Review map: each team-day's route in its own colour (office → stops → office), stops
   numbered, villages still waiting marked in grey.  Colours match .c0 … .c23 in app.css. */
(function () {
  "use strict";
  var el = document.getElementById("rute");
  if (!el || typeof L === "undefined") { return; }
  var d = el.dataset;
  var PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
                 "#1f78b4", "#b2182b", "#4d4d4d", "#8c510a", "#01665e",
                 "#7fc97f", "#beaed4", "#fdc086", "#386cb0", "#f0027f", "#bf5b17",
                 "#666666", "#1a9850", "#762a83", "#e08214", "#35978f", "#c51b7d"];

  // Leaflet writes popup, tooltip and divIcon strings as HTML: everything from the data
  // goes through here, numbers too
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value === null || value === undefined ? "" : String(value);
    return span.innerHTML;
  }
  function clock(s) {
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return (h < 10 ? "0" : "") + h + "." + (m < 10 ? "0" : "") + m;
  }

  var map = L.map(el, { zoomSnap: 0.25 });
  JemputBola.addTiles(map, el, d.tiles, d.labelTiles);

  fetch(d.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var bounds = L.latLngBounds([]);
      data.routes.forEach(function (r) {
        r.stops.forEach(function (s) { bounds.extend([s.lat, s.lon]); });
        if (r.depot) { bounds.extend(r.depot); }
      });
      data.unscheduled.forEach(function (u) { bounds.extend([u.lat, u.lon]); });
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20] }); }
      else { map.setView([-6.4, 106.1], 8); }

      data.unscheduled.forEach(function (u) {
        L.circleMarker([u.lat, u.lon], { radius: 5, color: "#6b7780", weight: 1, dashArray: "2",
                                         fillColor: "#ffffff", fillOpacity: 0.9 })
          .bindPopup("<strong>" + text(u.desa) + "</strong><br>" + text(d.labelWaiting) + ": " +
                     text(u.reason))
          .addTo(map);
      });
      var offices = {};
      data.routes.forEach(function (r) {
        var colour = PALETTE[r.colour % PALETTE.length];
        var line = r.stops.map(function (s) { return [s.lat, s.lon]; });
        if (r.depot) { line = [r.depot].concat(line, [r.depot]); offices[r.depot.join(",")] = r.depot; }
        L.polyline(line, { color: colour, weight: 3, opacity: 0.85 })
          .bindTooltip(text(r.label)).addTo(map);
        r.stops.forEach(function (s) {
          var icon = L.divIcon({ className: "stop-icon c" + (r.colour % PALETTE.length) +
                                 (s.pinned ? " pinned" : ""),
                                 html: "<span>" + text(s.sequence) + "</span>", iconSize: [22, 22] });
          L.marker([s.lat, s.lon], { icon: icon, title: r.label + " · " + s.sequence + ". " + s.desa })
            .bindPopup("<strong>" + text(s.sequence) + ". " + text(s.desa) + "</strong><br>" + text(r.label) +
                       "<br>" + text(d.labelEta) + " " + clock(s.arrival_s) + " · " +
                       text(d.labelRecordings) + " " + text(s.expected_recordings))
            .addTo(map);
        });
      });
      Object.keys(offices).forEach(function (k) {
        L.marker(offices[k], { icon: L.divIcon({ className: "office-icon", html: "<span>K</span>",
                                                  iconSize: [24, 24] }), title: d.labelOffice })
          .addTo(map);
      });
    });
})();
