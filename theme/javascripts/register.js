// Filters the pledge register in place by status and partner; no server, no library.
// Without JavaScript the form stays hidden and the whole table shows.
(function () {
  "use strict";

  function setup() {
    var form = document.querySelector("[data-cc-filter]");
    if (!form) return;
    var status = form.querySelector("[data-cc-filter-status]");
    var partner = form.querySelector("[data-cc-filter-partner]");
    var count = form.querySelector("[data-cc-filter-count]");
    var rows = Array.prototype.map.call(document.querySelectorAll("[data-cc-row]"), function (m) {
      return { row: m.closest("tr"), status: m.dataset.status, partners: m.dataset.partners.split(" ") };
    });
    var params = new URLSearchParams(location.search);
    status.value = params.get("status") || "";
    partner.value = params.get("partner") || "";

    function apply() {
      var shown = 0;
      rows.forEach(function (r) {
        var ok = (!status.value || r.status === status.value) &&
                 (!partner.value || r.partners.indexOf(partner.value) !== -1);
        r.row.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown + " of " + rows.length + " pledges shown";
      var query = new URLSearchParams();
      if (status.value) query.set("status", status.value);
      if (partner.value) query.set("partner", partner.value);
      var url = location.pathname + (query.toString() ? "?" + query : "") + location.hash;
      history.replaceState(history.state, "", url);
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
    apply();
  }

  // Material's instant navigation swaps pages without a reload; document$ fires on each.
  if (typeof document$ !== "undefined") document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();
