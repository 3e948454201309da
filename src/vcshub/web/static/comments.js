// Comment widgets (templates/comments.html), loaded for signed-in viewers only. Everything
// works without this script (a file's "Comment on a line" page, <details> for edit and
// delete); it adds: a comment button on each diff line that opens a form under that line,
// and a Preview button on the forms.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const template = document.getElementById("line-comment-form");

  // Line ids as the diff draws them: <td class="num" id="file-3-n12"> → "n12" (RhodeCode's
  // encoding: n<new line>, o<old line>).
  const lineOf = (cell) => (/-([no]\d+)$/.exec(cell.id) || [])[1];

  if (template) {
    for (const cell of document.querySelectorAll("details.diff-file[data-path] td.num[id]")) {
      const line = lineOf(cell);
      if (!line) continue;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "line-comment";
      button.textContent = "+";
      const side = line[0] === "n" ? "new" : "old";
      button.setAttribute("aria-label", `Comment on ${side} line ${line.slice(1)}`);
      button.dataset.line = line;
      cell.prepend(button);
    }
  }

  const openLineForm = (button) => {
    const row = button.closest("tr");
    const file = button.closest("details.diff-file");
    const line = button.dataset.line;
    const key = `${file.id}-${line}`;
    const open = document.querySelector(`tr.line-form[data-key="${key}"]`);
    if (open) {
      open.querySelector("textarea").focus();
      return;
    }
    // under the line, after the comments already there
    let after = row;
    while (after.nextElementSibling && after.nextElementSibling.classList.contains("inline-comments")) {
      after = after.nextElementSibling;
    }
    const formRow = document.createElement("tr");
    formRow.className = "line-form";
    formRow.dataset.key = key;
    const cell = formRow.insertCell();
    cell.colSpan = row.cells.length;
    cell.append(template.content.cloneNode(true));
    const form = cell.querySelector("form");
    form.elements.f_path.value = file.dataset.path;
    form.elements.line.value = line;
    const cancel = form.querySelector(".comment-cancel");
    cancel.hidden = false;
    cancel.addEventListener("click", () => formRow.remove());
    addPreview(form);
    after.after(formRow);
    form.elements.text.focus();
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.line-comment");
    if (button) openLineForm(button);
  });

  // Preview: the text rendered by the server exactly as the comment will be shown.
  function addPreview(form) {
    const url = form.dataset.preview;
    const box = form.querySelector(".comment-preview");
    const submit = form.querySelector("button[type=submit]");
    if (!url || !box || !submit || form.querySelector("button.comment-preview-button")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "comment-preview-button";
    button.textContent = "Preview";
    submit.before(button);
    button.addEventListener("click", async () => {
      if (!box.hidden) {
        box.hidden = true;
        button.textContent = "Preview";
        return;
      }
      const body = new URLSearchParams({
        csrf_token: form.elements.csrf_token.value,
        text: form.elements.text.value,
      });
      const answer = await fetch(url, { method: "POST", body, credentials: "same-origin" });
      box.innerHTML = answer.ok ? await answer.text() : "<p>The preview is not available.</p>";
      box.hidden = false;
      button.textContent = "Hide preview";
    });
  }
  for (const form of document.querySelectorAll("form.comment-form")) addPreview(form);
});
