/* Long lists on narrow screens (docs/performance.md, "Participants list"): a table with data-labels="head" does
 * not repeat its column names in every cell, which for a thousand rows would be a third of the
 * page. This copies each column's heading to its cells' data-label, which the stacked rows
 * (.ob-cards) show before each value; the row's own header (the name) gets none. Without
 * JavaScript the heading row stays above the cards as a legend. */
(function () {
  "use strict";
  document.querySelectorAll('table.ob-cards[data-labels="head"]').forEach(function (table) {
    var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        cell.setAttribute("data-label", cell.getAttribute("scope") === "row" ? "" : names[index] || "");
      });
    });
    table.setAttribute("data-labels", "done");
  });
})();
