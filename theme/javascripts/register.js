// Filters the pledge register in place by status and partner; no server, no library.
// Without JavaScript the form stays hidden and the whole table shows.
(function () {
  "use strict";

  function setup() {
    var form = document.querySelector("[data-cc-filter]");
    if (!form || form.dataset.ccBound === "1") return;  // started twice (see the end): once
    form.dataset.ccBound = "1";
    var status = form.querySelector("[data-cc-filter-status]");
    var partner = form.querySelector("[data-cc-filter-partner]");
    var count = form.querySelector("[data-cc-filter-count]");
    // A pledge to all partners names its charter; the form lists each such charter's partners
    // once, so the page stays linear however many partners a charter has.
    var everyone = {};
    Array.prototype.forEach.call(form.querySelectorAll("[data-cc-charter]"), function (c) {
      everyone[c.dataset.ccCharter] = c.dataset.partners.split(" ");
    });
    var rows = Array.prototype.map.call(document.querySelectorAll("[data-cc-row]"), function (m) {
      var named = m.dataset.partners.split(" ");
      var all = m.dataset.all ? (everyone[m.dataset.all] || []) : [];
      return { row: m.closest("tr"), status: m.dataset.status, partners: named.concat(all) };
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
      try {
        history.replaceState(history.state, "", url);
      } catch (e) {
        /* a browser that refuses to change a file:// address: the filter still works */
      }
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
    apply();
  }

  // Material's instant navigation swaps pages without a reload and announces each on document$;
  // opened from disk (file://) document$ never fires, so the page also starts on
  // DOMContentLoaded. setup marks the form it binds, so starting twice binds it once.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  }
})();
