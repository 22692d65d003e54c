/* Province-wide planning run: poll the batch's JSON until every job has ended; update the
   overall bar and each regency's row.  No inline script (CSP). */
(function () {
  "use strict";
  var box = document.getElementById("batch");
  if (!box) { return; }
  var d = box.dataset;
  var bar = document.getElementById("kemajuan-semua");
  var label = { queued: d.labelQueued, running: d.labelRunning, done: d.labelDone,
                failed: d.labelFailed, cancelled: d.labelCancelled };

  function show(batch) {
    var pct = Math.round((batch.fraction || 0) * 100);
    bar.value = pct;
    bar.textContent = pct + "%";
    var active = false;
    batch.jobs.forEach(function (job) {
      var row = document.querySelector('tr[data-job="' + job.id + '"]');
      if (!row) { return; }
      row.querySelector(".status").textContent = label[job.status] || job.status;
      row.querySelector("progress").value = Math.round(((job.progress || {}).fraction || 0) * 100);
      if (job.status === "queued" || job.status === "running") { active = true; }
      if (job.error) { row.querySelector(".result").textContent = job.error; }
    });
    return active;
  }

  function poll() {
    fetch(d.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (batch) {
        if (show(batch)) { window.setTimeout(poll, 1500); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  var running = document.querySelectorAll("tr[data-job]").length > 0 &&
    Array.prototype.some.call(document.querySelectorAll("td.status"), function (td) {
      return td.textContent.trim() === d.labelQueued || td.textContent.trim() === d.labelRunning;
    });
  if (running) { window.setTimeout(poll, 1000); }
})();
