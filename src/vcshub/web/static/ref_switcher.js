// The ref switcher's filter box: typing hides the refs whose name does not contain the text,
// and a heading whose refs are all hidden. Enter follows the first ref still shown.
(function () {
  "use strict";
  document.querySelectorAll("details.ref-switcher").forEach(function (switcher) {
    var input = switcher.querySelector(".ref-filter");
    if (!input) { return; }
    switcher.addEventListener("toggle", function () { if (switcher.open) { input.focus(); } });
    input.addEventListener("input", function () {
      var text = input.value.trim().toLowerCase();
      switcher.querySelectorAll("ul").forEach(function (list) {
        var shown = 0;
        list.querySelectorAll("li").forEach(function (item) {
          var match = item.dataset.name.indexOf(text) !== -1;
          item.hidden = !match;
          if (match) { shown += 1; }
        });
        list.hidden = shown === 0;
        list.previousElementSibling.hidden = shown === 0;
      });
    });
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      var first = switcher.querySelector("li:not([hidden]) a");
      if (first) { event.preventDefault(); window.location.href = first.href; }
    });
  });
}());
