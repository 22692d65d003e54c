/* Team lead's field page: registers the service worker, keeps reports in an outbox in
   localStorage until the server has them, and sends them when the signal returns
   (online event, a retry every 15 s, and at every page load).  Each report carries an
   idempotency key made here, so a retry after a lost answer never stores it twice. */
(function () {
  "use strict";
  var root = document.getElementById("lapangan");
  if (!root) { return; }
  var d = root.dataset;
  var OUTBOX = "jb-outbox-v1:" + d.team;
  var SENT = "jb-sent-v1:" + d.team;
  var NIK = /(?:\d[\s.\-]?){15}\d/;
  // numbers and dates in the page's language (<html lang="id"> or "en")
  var LOCALE = document.documentElement.lang === "en" ? "en" : "id-ID";
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var flushing = false;

  function load(name) {
    try { return JSON.parse(localStorage.getItem(name) || "[]"); } catch (e) { return []; }
  }
  function save(name, value) { localStorage.setItem(name, JSON.stringify(value)); }
  function stopKey(body) { return body.visit_id + "|" + body.date; }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function summary(body) {
    return body.unreachable ? d.labelUnreachable + " — " + body.reason
      : body.recorded.toLocaleString(LOCALE) + " " + d.labelPeople;
  }

  function stopElement(body) {
    var items = root.querySelectorAll("li.stop");
    for (var i = 0; i < items.length; i++) {
      if (items[i].dataset.visit === body.visit_id && items[i].dataset.date === body.date) { return items[i]; }
    }
    return null;
  }

  function closeForm(el) {
    var details = el.querySelector("details.report");
    if (details && !details.dataset.touched) { details.open = false; }
  }

  function render() {
    var outbox = load(OUTBOX);
    var sent = load(SENT);
    sent.forEach(function (entry) {
      var el = stopElement(entry.body);
      if (!el) { return; }
      var state = el.querySelector(".report-state");
      state.textContent = d.labelSent + ": " + summary(entry.body);
      state.className = "report-state sent";
      closeForm(el);
    });
    outbox.forEach(function (entry) {
      var el = stopElement(entry.body);
      if (!el) { return; }
      var state = el.querySelector(".report-state");
      var refused = entry.state === "refused";
      state.textContent = (refused ? d.labelRefused + " (" + entry.error + ")" : d.labelWaiting) + ": " + summary(entry.body);
      state.className = "report-state " + (refused ? "refused" : "waiting");
      closeForm(el);
    });
    var box = document.getElementById("antrean");
    var list = document.getElementById("antrean-daftar");
    list.textContent = "";
    outbox.forEach(function (entry) {
      var li = document.createElement("li");
      var el = stopElement(entry.body);
      var name = el ? el.dataset.desa : entry.body.visit_id;
      li.className = entry.state === "refused" ? "refused" : "waiting";
      li.textContent = name + " (" + entry.body.date + "): " + summary(entry.body) + " — " +
        (entry.state === "refused" ? d.labelRefused + ": " + entry.error : d.labelWaiting) + " ";
      if (entry.state === "refused") {
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link";
        remove.textContent = d.labelRemove;
        remove.addEventListener("click", function () {
          save(OUTBOX, load(OUTBOX).filter(function (x) { return x.body.idempotency_key !== entry.body.idempotency_key; }));
          render();
        });
        li.appendChild(remove);
      }
      list.appendChild(li);
    });
    document.getElementById("antrean-jumlah").textContent = String(outbox.length);
    box.hidden = outbox.length === 0;
  }

  function signal(text) { document.getElementById("sinyal").textContent = text; }

  function refreshSchedule() {
    return fetch(d.scheduleUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (!r.ok) { throw new Error(String(r.status)); }
        signal(r.headers.get("X-Jemput-Bola-Offline") ? d.labelOffline : "");
        return r.json();
      })
      .then(function (data) {
        if (data.csrf_token) { token = data.csrf_token; }
        var when = document.getElementById("diperbarui");
        var at = new Date(data.generated_at);
        when.setAttribute("datetime", data.generated_at);
        when.textContent = at.toLocaleString(LOCALE, { dateStyle: "medium", timeStyle: "short" });
      })
      .catch(function () { if (!navigator.onLine) { signal(d.labelOffline); } });
  }

  function finish(entry, result) {
    var outbox = load(OUTBOX).filter(function (x) { return x.body.idempotency_key !== entry.body.idempotency_key; });
    save(OUTBOX, outbox);
    var sent = load(SENT).filter(function (x) { return stopKey(x.body) !== stopKey(entry.body); });
    sent.push({ body: entry.body, id: result.id });
    save(SENT, sent.slice(-200));
  }

  function refuse(entry, message) {
    var outbox = load(OUTBOX);
    outbox.forEach(function (x) {
      if (x.body.idempotency_key === entry.body.idempotency_key) { x.state = "refused"; x.error = message; }
    });
    save(OUTBOX, outbox);
  }

  function bump(entry) {
    var outbox = load(OUTBOX);
    var tries = 0;
    outbox.forEach(function (x) {
      if (x.body.idempotency_key === entry.body.idempotency_key) { x.tries = (x.tries || 0) + 1; tries = x.tries; }
    });
    save(OUTBOX, outbox);
    return tries;
  }

  function sendOne(entry) {
    return fetch(d.reportsUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(entry.body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (r.status === 200 || r.status === 201) { signal(""); finish(entry, data); return true; }
        if (r.status === 409 || r.status === 422) { refuse(entry, data.error || String(r.status)); return true; }
        if (r.status === 401) { signal(d.labelLogin); return false; }
        if (r.status === 400) {
          // most likely a stale CSRF token: fetch a fresh one and try again next round;
          // a body the server keeps refusing is shown as refused after a few rounds
          if (bump(entry) > 4) { refuse(entry, data.error || "400"); return true; }
          return refreshSchedule().then(function () { return false; });
        }
        return false;  // 5xx, 403 after a login change...: keep it and try again later
      });
    });
  }

  function flush() {
    if (flushing) { return Promise.resolve(); }
    var waiting = load(OUTBOX).filter(function (x) { return x.state !== "refused"; });
    if (!waiting.length) { return Promise.resolve(); }
    flushing = true;
    var chain = Promise.resolve(true);
    waiting.forEach(function (entry) {
      chain = chain.then(function (go) { return go ? sendOne(entry) : false; });
    });
    return chain.catch(function () { return false; })
      .then(function () { flushing = false; render(); });
  }

  function onSubmit(event) {
    event.preventDefault();
    var form = event.target;
    var li = form.closest("li.stop");
    var error = form.querySelector(".form-error");
    var unreachable = form.elements.unreachable.checked;
    var reason = form.elements.reason.value.trim();
    var notes = form.elements.notes.value.trim();
    var raw = form.elements.recorded.value.trim();
    var problem = "";
    if (NIK.test(notes) || NIK.test(reason)) { problem = d.labelNik; }
    else if (unreachable && !reason) { problem = d.labelNeedReason; }
    else if (!unreachable && !/^\d+$/.test(raw)) { problem = d.labelNeedCount; }
    error.textContent = problem;
    error.hidden = !problem;
    if (problem) { return; }
    var body = {
      idempotency_key: newKey(), visit_id: li.dataset.visit, date: li.dataset.date,
      recorded: unreachable ? null : parseInt(raw, 10), unreachable: unreachable,
      reason: reason, notes: notes, reported_at: new Date().toISOString()
    };
    var outbox = load(OUTBOX);
    outbox.push({ body: body, state: "waiting", created: body.reported_at });
    save(OUTBOX, outbox);
    form.reset();
    form.closest("details").open = false;
    render();
    flush();
  }

  function todayFirst() {
    var now = new Date();
    var iso = now.getFullYear() + "-" + ("0" + (now.getMonth() + 1)).slice(-2) + "-" + ("0" + now.getDate()).slice(-2);
    var today = root.querySelector('section.day[data-date="' + iso + '"]');
    var first = root.querySelector("section.day");
    if (today && first && today !== first) { first.parentNode.insertBefore(today, first); }
    // "share today's route" belongs to today only, also on a page kept from an earlier day
    root.querySelectorAll("section.day").forEach(function (section) {
      var share = section.querySelector("p.share");
      if (share) { share.hidden = section !== today; }
    });
  }

  root.querySelectorAll("form.report-form").forEach(function (form) {
    form.addEventListener("submit", onSubmit);
  });
  root.querySelectorAll("details.report").forEach(function (details) {
    // once the lead opens a form (to correct), re-rendering leaves it open
    details.querySelector("summary").addEventListener("click", function () { details.dataset.touched = "1"; });
  });
  document.getElementById("kirim-sekarang").addEventListener("click", function () { flush(); });
  window.addEventListener("online", function () { signal(d.labelOnline); refreshSchedule().then(flush); });
  window.addEventListener("offline", function () { signal(d.labelOffline); });
  if (!navigator.onLine) { signal(d.labelOffline); }
  setInterval(function () { if (navigator.onLine) { flush(); } }, 15000);
  todayFirst();
  render();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(d.swUrl, { scope: d.swScope }).catch(function () {});
  }
  refreshSchedule().then(flush);
}());
