// Review page: every "to which team-day" select is filled from the one list of options in
// <template id="team-day-options">, so the page does not carry that list once per stop and
// per waiting village. A select keeps its own team-day (data-selected) chosen.
(function () {
  "use strict";
  function fill() {
    var template = document.getElementById("team-day-options");
    if (!template) {
      return;
    }
    var selects = document.querySelectorAll("select[data-team-days]");
    for (var i = 0; i < selects.length; i++) {
      var select = selects[i];
      var keep = select.getAttribute("data-selected") || "";
      select.replaceChildren(template.content.cloneNode(true));
      if (keep) {
        select.value = keep;
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fill);
  } else {
    fill();
  }
})();
