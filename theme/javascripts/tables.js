/* Labels each cell of a pledge table with its column's name (data-label), so that on a phone
 * charters.css can show each pledge as a card with its status first, instead of a table wider
 * than the screen whose Status column is out of sight. Without this script the table scrolls
 * inside its own box. Tables of pledges are those with a status badge in a cell. */
(function () {
  "use strict";

  function label() {
    var tables = document.querySelectorAll("article table");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.dataset.ccCards === "1" || !table.querySelector("td .cc-badge[class*='cc-status-']")) {
        return;  // labelled already (started twice, see below), or not a table of pledges
      }
      var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (names[i]) {
            cell.dataset.label = names[i];
          }
        });
      });
      table.dataset.ccCards = "1";
    });
  }

  // Material announces each page on document$ (also after instant navigation); opened from
  // disk it may not, so the page also starts on DOMContentLoaded. Labelling twice is a no-op.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", label);
  } else {
    label();
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(label);
  }
})();
