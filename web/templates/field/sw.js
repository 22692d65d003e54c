/* Service worker of the team lead's field pages (scope /lapangan/).
   Pages and the schedule JSON: network first, the cached copy when there is no signal.
   Assets: cache first, refreshed in the background.  It never touches POSTs: reports are
   sent by the page from its outbox (field.js). */
"use strict";
var CACHE = {{ cache_version|tojson }};
var SHELL = {{ [url_for('static', filename='css/app.css'), url_for('static', filename='css/field.css'), url_for('static', filename='js/field.js')]|tojson }};
// in the user's language, rendered per request: after a language switch the browser's next
// update check of this script finds other bytes and installs the worker in the new language
var OFFLINE_TEXT = {{ _('Tidak ada sinyal dan halaman ini belum tersimpan di ponsel.')|tojson }};
var SCHEDULE = /^\/api\/v1\/teams\/\d+\/schedule$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE && k.indexOf("lapangan-") === 0; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function networkFirst(request) {
  return fetch(request).then(function (response) {
    // a redirect (to the login page) or an error is never kept as the offline copy
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreVary: true }).then(function (hit) {
      if (hit) {
        // tell the page this is the stored copy (it shows "no signal" and the copy's time)
        var headers = new Headers(hit.headers);
        headers.set("X-Jemput-Bola-Offline", "1");
        return hit.blob().then(function (body) {
          return new Response(body, { status: hit.status, statusText: hit.statusText, headers: headers });
        });
      }
      return new Response(OFFLINE_TEXT, {
        status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (hit) {
    var refresh = fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
    if (hit) { refresh.catch(function () {}); return hit; }
    return refresh;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" || SCHEDULE.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(cacheFirst(request));
  }
});
