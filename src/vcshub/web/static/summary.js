// The summary page's copy buttons: <button class="copy" data-copy="ID"> copies the value of the
// field with that id, and says so on the button. The Clipboard API needs a secure context
// (https or localhost); elsewhere the field's text is selected and copied the old way.
"use strict";
(function () {
  function copied(button, text) {
    button.textContent = text;
    window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
  }
  function oldWay(field, button) {
    field.focus();
    field.select();
    copied(button, document.execCommand("copy") ? "Copied" : "Press Ctrl+C");
  }
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.dataset.copy);
      if (!field) { return; }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () { copied(button, "Copied"); },
          function () { oldWay(field, button); });
      } else {
        oldWay(field, button);
      }
    });
  });
}());
