// The gist form: "Add another file" copies the last file's fieldset, emptied. Without
// script the form still works with the files it shows. The gist page: deleting asks first.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const deletion = document.querySelector("form.gist-delete");
  if (deletion) {
    deletion.addEventListener("submit", (event) => {
      if (!window.confirm("Delete this gist and all its files?")) event.preventDefault();
    });
  }
  const button = document.querySelector(".gist-form .add-file");
  const files = document.querySelector(".gist-form .gist-files");
  if (!button || !files) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const last = files.querySelector(".gist-file:last-of-type");
    const copy = last.cloneNode(true);
    copy.querySelectorAll("input, textarea").forEach((field) => { field.value = ""; });
    files.appendChild(copy);
    copy.querySelector("input").focus();
  });
});
