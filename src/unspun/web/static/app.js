// unspun: small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.getElementById("only-changes");
  if (toggle) {
    toggle.addEventListener("change", function () {
      document.querySelectorAll("table.alignment").forEach(function (t) {
        t.classList.toggle("only-changes", toggle.checked);
      });
    });
  }
  // A change type chosen: only the rows with a change of that type stay.
  var type = document.getElementById("change-type");
  if (type) {
    type.addEventListener("change", function () {
      var wanted = type.value;
      document.querySelectorAll("table.alignment tr.row").forEach(function (row) {
        var types = (row.getAttribute("data-changes") || "").split(" ");
        row.classList.toggle("filtered-out", wanted !== "" && types.indexOf(wanted) < 0);
      });
    });
  }
  // Clicking a row outlines it, so a sentence can be followed across the two columns.
  document.querySelectorAll("table.alignment tr.row").forEach(function (row) {
    row.addEventListener("click", function () {
      var was = row.classList.contains("focus");
      document.querySelectorAll("tr.row.focus").forEach(function (r) { r.classList.remove("focus"); });
      if (!was) row.classList.add("focus");
    });
  });
});
