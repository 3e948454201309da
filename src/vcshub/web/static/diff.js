// The diff pages' only script: "Expand all" / "Collapse all" for the files' <details>.
// Everything else (modes, whitespace, folded files) works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const files = () => document.querySelectorAll("details.diff-file");
  for (const button of document.querySelectorAll("button.diff-fold")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const open = button.dataset.open === "1";
      for (const file of files()) file.open = open;
    });
  }
  // A link to a line (#file-2-n14) inside a folded file opens it first.
  const target = location.hash && document.getElementById(location.hash.slice(1));
  const folded = target && target.closest("details.diff-file");
  if (folded && !folded.open) {
    folded.open = true;
    target.scrollIntoView();
  }
});
