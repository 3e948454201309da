// The files pages' behaviour (no inline handlers; the pages work without it):
// - line selection: rows #L<n> of table.code-lines; a click on a line number selects the line
//   and sets the hash (#L12), shift-click selects a range (#L12-L20); on load and on hash
//   change the selection is highlighted and scrolled into view;
// - the file finder: the first time the box is used, the tree's paths come from the nodelist
//   URL; typing shows the paths that contain every word typed (case-insensitive).
(function () {
  "use strict";

  var RANGE = /^#L(\d+)(?:-L?(\d+))?$/;
  var anchor = null; // the line a shift-click extends from

  function rows() { return document.querySelectorAll("table.code-lines tr[id^='L']"); }

  function select(first, last, scroll) {
    var low = Math.min(first, last), high = Math.max(first, last);
    rows().forEach(function (row) {
      var number = parseInt(row.id.slice(1), 10);
      row.classList.toggle("selected", number >= low && number <= high);
    });
    var target = document.getElementById("L" + low);
    if (target && scroll) { target.scrollIntoView({ block: "center" }); }
  }

  function fromHash(scroll) {
    var match = RANGE.exec(window.location.hash);
    if (!match) { select(0, -1, false); return; }
    var first = parseInt(match[1], 10);
    var last = match[2] ? parseInt(match[2], 10) : first;
    anchor = first;
    select(first, last, scroll);
  }

  function onNumberClick(event) {
    var link = event.target.closest("td.num a");
    if (!link) { return; }
    event.preventDefault();
    var number = parseInt(link.closest("tr").id.slice(1), 10);
    var hash;
    if (event.shiftKey && anchor !== null && anchor !== number) {
      hash = "#L" + Math.min(anchor, number) + "-L" + Math.max(anchor, number);
    } else {
      anchor = number;
      hash = "#L" + number;
    }
    // replaceState: no jump to the row, and the back button leaves the page, not the line
    window.history.replaceState(null, "", hash);
    var match = RANGE.exec(hash);
    select(parseInt(match[1], 10), parseInt(match[2] || match[1], 10), false);
  }

  function finder(box) {
    var input = box.querySelector("input");
    var list = box.querySelector(".finder-results");
    var status = box.querySelector(".finder-status");
    var paths = null, loading = null, LIMIT = 50;

    function load() {
      if (!loading) {
        status.textContent = "Loading the file list…";
        loading = fetch(box.dataset.nodelist, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) { throw new Error("HTTP " + response.status); }
            return response.json();
          })
          .then(function (data) {
            paths = data.nodes.map(function (node) { return node.name; });
            status.textContent = "";
          })
          .catch(function () { status.textContent = "The file list could not be loaded."; });
      }
      return loading;
    }

    function show() {
      if (paths === null) { return; }
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      list.textContent = "";
      if (!words.length) { status.textContent = ""; return; }
      var found = paths.filter(function (path) {
        var lower = path.toLowerCase();
        return words.every(function (word) { return lower.indexOf(word) !== -1; });
      });
      found.slice(0, LIMIT).forEach(function (path) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = box.dataset.files + path.split("/").map(encodeURIComponent).join("/");
        link.textContent = path;
        item.appendChild(link);
        list.appendChild(item);
      });
      status.textContent = found.length > LIMIT ? found.length + " paths match; the first " + LIMIT + " are shown."
        : found.length ? "" : "No path matches.";
    }

    input.addEventListener("focus", load);
    input.addEventListener("input", function () { load().then(show); });
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      var first = list.querySelector("a");
      if (first) { event.preventDefault(); window.location.href = first.href; }
    });
  }

  document.addEventListener("click", onNumberClick);
  window.addEventListener("hashchange", function () { fromHash(true); });
  fromHash(true);
  document.querySelectorAll(".finder[data-nodelist]").forEach(finder);
}());
