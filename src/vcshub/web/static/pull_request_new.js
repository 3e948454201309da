// The new pull request form (templates/pull_request_new.html): a changed ref reloads the
// preview alone; a changed repository reloads the page, since its refs are other ones. Without
// script the Preview button does both.
(function () {
  "use strict";
  var form = document.querySelector("form.pr-new");
  var preview = document.getElementById("pr-preview");
  if (!form || !preview || !window.fetch) { return; }
  var newUrl = form.querySelector("button[formaction]").getAttribute("formaction");

  function query(fields, extra) {
    var params = new URLSearchParams();
    fields.forEach(function (name) { params.set(name, form.elements[name].value); });
    Object.keys(extra).forEach(function (key) { params.set(key, extra[key]); });
    return newUrl + "?" + params.toString();
  }

  var refs = ["source_repo", "source_ref", "target_repo", "target_ref"];
  form.querySelectorAll("select[data-preview]").forEach(function (select) {
    select.addEventListener("change", function () {
      preview.setAttribute("aria-busy", "true");
      fetch(query(refs, {preview: "1", part: "preview"}), {credentials: "same-origin"})
        .then(function (response) {
          // a refused choice answers a whole error page: say so, the Preview button shows it
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          if (html === null) {
            preview.textContent = "These refs cannot be compared: press Preview to see why.";
          } else {
            preview.innerHTML = html;
          }
        })
        .finally(function () { preview.removeAttribute("aria-busy"); });
    });
  });
  // Reviewers: the names the server suggests for the one being typed (the last after a comma),
  // offered as the whole box's value so that picking one keeps the names before it.
  var reviewers = document.getElementById("pr-reviewers");
  var suggested = document.getElementById("pr-users");
  var asked = 0;
  reviewers.addEventListener("input", function () {
    var value = reviewers.value;
    var cut = value.lastIndexOf(",") + 1;
    var before = value.slice(0, cut) + (cut ? " " : "");
    var typed = value.slice(cut).trim();
    if (!typed) { return; }
    var mine = ++asked;
    fetch(reviewers.dataset.suggest + "?query=" + encodeURIComponent(typed),
          {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : {suggestions: []}; })
      .then(function (data) {
        if (mine !== asked) { return; }  // a later keystroke asked again
        suggested.replaceChildren.apply(suggested, data.suggestions.map(function (user) {
          var option = document.createElement("option");
          option.value = before + user.username;
          return option;
        }));
      });
  });

  form.querySelectorAll("select[data-reload]").forEach(function (select) {
    select.addEventListener("change", function () {
      // the refs of the side whose repository changed are not that repository's: drop them
      var kept = refs.filter(function (name) {
        return name.indexOf("_repo") > 0 || name.split("_")[0] !== select.name.split("_")[0];
      });
      window.location.assign(query(kept, {preview: "1"}));
    });
  });
})();
