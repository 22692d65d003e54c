/* Planning job page: poll the job's JSON until it ends; show progress and the best value.
   No inline script (CSP); labels come from data- attributes. */
(function () {
  "use strict";
  var box = document.getElementById("tugas");
  if (!box) { return; }
  var d = box.dataset;
  var bar = document.getElementById("kemajuan");
  var label = document.getElementById("status-label");
  var figures = document.getElementById("angka");
  var error = document.getElementById("galat");
  var result = document.getElementById("hasil");
  var link = document.getElementById("lihat");
  var cancel = document.getElementById("batal-form");
  var number = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en" : "id-ID",
                                     { maximumFractionDigits: 0 });

  function show(job) {
    var p = job.progress || {};
    var pct = Math.round((p.fraction || 0) * 100);
    bar.value = pct;
    bar.textContent = pct + "%";
    var text = job.status === "queued" ? d.labelQueued.replace("{n}", job.queue_position)
      : d["label" + job.status.charAt(0).toUpperCase() + job.status.slice(1)] || job.status;
    label.textContent = text;
    label.className = "badge " + (job.status === "done" ? "ok" :
      (job.status === "failed" || job.status === "cancelled") ? "bad" : "wait");
    var best = (p.best_prize === null || p.best_prize === undefined) ? d.labelNone
      : number.format(p.best_prize / 100);
    figures.textContent = d.labelBest + ": " + best +
      (p.elapsed_s !== undefined ? " · " + number.format(p.elapsed_s) + " " + d.labelElapsed + " " +
       number.format(p.time_limit_s || 0) : "") +
      (p.improvements ? " · " + p.improvements + " " + d.labelImprovements : "");
    if (job.error) { error.textContent = job.error; error.hidden = false; }
    if (job.result_version_id) {
      link.href = d.reviewUrl.replace(/\/0$/, "/" + job.result_version_id);
      result.hidden = false;
    }
    if (cancel && job.status !== "queued" && job.status !== "running") { cancel.hidden = true; }
    return job.status === "queued" || job.status === "running";
  }

  function poll() {
    fetch(d.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) { if (show(job)) { window.setTimeout(poll, 1000); } })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
