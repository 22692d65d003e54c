/* Review map: one colour per team (the legend), numbered stops along each team-day's route
   (office → stops → office), repeat visits of a village drawn as dashed squares, villages
   still waiting in grey.  The day and team filters show a part of the week (and the matching
   team-day tables below the map).  Colours match .c0 … .c23 in app.css. */
(function () {
  "use strict";
  var el = document.getElementById("rute");
  if (!el || typeof L === "undefined") { return; }
  var d = el.dataset;
  var PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
                 "#1f78b4", "#b2182b", "#4d4d4d", "#8c510a", "#01665e",
                 "#7fc97f", "#beaed4", "#fdc086", "#386cb0", "#f0027f", "#bf5b17",
                 "#666666", "#1a9850", "#762a83", "#e08214", "#35978f", "#c51b7d"];
  var dayFilter = document.getElementById("saring-hari");
  var teamFilter = document.getElementById("saring-tim");
  var countOut = document.getElementById("saring-jumlah");

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
  var routeLayers = [];   // {route, layer}
  var allBounds = L.latLngBounds([]);

  function stopMarker(r, s) {
    var repeat = s.visit_number > 1;
    var icon = L.divIcon({ className: "stop-icon c" + (r.colour % PALETTE.length) +
                           (s.pinned ? " pinned" : "") + (repeat ? " repeat" : ""),
                           html: "<span>" + text(s.sequence) + "</span>", iconSize: [22, 22] });
    var extra = "";
    if (s.visits > 1) { extra += "<br>" + text(d.labelVisit) + text(s.visit_number) + " / " + text(s.visits); }
    if (s.chunks > 1) { extra += " (" + text(d.labelPart) + " " + text(s.chunk) + "/" + text(s.chunks) + ")"; }
    return L.marker([s.lat, s.lon], { icon: icon,
                                      title: r.label + " · " + s.sequence + ". " + s.desa })
      .bindPopup("<strong>" + text(s.sequence) + ". " + text(s.desa) + "</strong><br>" + text(r.label) +
                 "<br>" + text(d.labelEta) + " " + clock(s.arrival_s) + " · " +
                 text(d.labelRecordings) + " " + text(s.expected_recordings) + extra);
  }

  function show() {
    var day = dayFilter ? dayFilter.value : "", team = teamFilter ? teamFilter.value : "";
    var bounds = L.latLngBounds([]), shown = 0;
    routeLayers.forEach(function (item) {
      var r = item.route;
      var on = (!day || r.date === day) && (!team || r.team_id === team);
      if (on) {
        item.layer.addTo(map); shown += 1;
        r.stops.forEach(function (s) { bounds.extend([s.lat, s.lon]); });
      } else { map.removeLayer(item.layer); }
    });
    document.querySelectorAll("section.team-day").forEach(function (sec) {
      var on = (!day || sec.dataset.date === day) && (!team || sec.dataset.team === team);
      sec.hidden = !on;
    });
    if (countOut) { countOut.textContent = shown + " " + (d.labelShown || ""); }
    if (bounds.isValid() && (day || team)) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 }); }
    else if (allBounds.isValid()) { map.fitBounds(allBounds, { padding: [20, 20] }); }
  }

  fetch(d.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      data.routes.forEach(function (r) {
        r.stops.forEach(function (s) { allBounds.extend([s.lat, s.lon]); });
        if (r.depot) { allBounds.extend(r.depot); }
      });
      data.unscheduled.forEach(function (u) { allBounds.extend([u.lat, u.lon]); });
      if (!allBounds.isValid()) { map.setView([-6.4, 106.1], 8); }

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
        var group = L.layerGroup();
        var line = r.stops.map(function (s) { return [s.lat, s.lon]; });
        if (r.depot) { line = [r.depot].concat(line, [r.depot]); offices[r.depot.join(",")] = r.depot; }
        L.polyline(line, { color: colour, weight: 3, opacity: 0.85 })
          .bindTooltip(text(r.label)).addTo(group);
        r.stops.forEach(function (s) { stopMarker(r, s).addTo(group); });
        routeLayers.push({ route: r, layer: group });
      });
      Object.keys(offices).forEach(function (k) {
        L.marker(offices[k], { icon: L.divIcon({ className: "office-icon", html: "<span>K</span>",
                                                  iconSize: [24, 24] }), title: d.labelOffice })
          .addTo(map);
      });
      [dayFilter, teamFilter].forEach(function (f) { if (f) { f.addEventListener("change", show); } });
      show();
    });
})();
