/* The background map of every Leaflet page: OpenStreetMap tiles when there is internet;
   when a tile fails it is hidden and one note says the map still works without it. */
(function () {
  "use strict";
  window.JemputBola = window.JemputBola || {};
  window.JemputBola.addTiles = function (map, el, url, offlineText) {
    var tiles = L.tileLayer(url, {
      maxZoom: 18,
      attribution: "&copy; OpenStreetMap contributors"
    }).addTo(map);
    var warned = false;
    tiles.on("tileerror", function (e) {
      e.tile.style.visibility = "hidden";
      if (!warned) {
        warned = true;
        var note = document.createElement("p");
        note.className = "map-note";
        note.setAttribute("role", "status");
        note.textContent = offlineText;
        el.parentNode.insertBefore(note, el.nextSibling);
      }
    });
    return tiles;
  };
})();
