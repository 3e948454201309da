"""A hosted repository whose commits exercise the diff pages: a word changed inside a line, a
whitespace-only change, a rename with an edit, a binary change, a mode change, a line holding
``<script>``, a 700-character line, a 600-line file (folded); a ``feature`` branch with two commits for the compare page, and one more commit on
the main branch after it forked (so "what feature has" is exactly its two commits)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.factories.api import create_repo, hosted_folder
from tests.factories.commits import BINARY_BYTES, WorkingCopy
from tests.factories.naming import unique

APP_BEFORE = "".join(f"line_{n} = {n}\n" for n in range(1, 11))
# line 3: one word changes; line 7: only its indentation; line 9: a <script> appears
APP_AFTER = (APP_BEFORE.replace("line_3 = 3", "line_3 = 333")
             .replace("line_7 = 7", "        line_7 = 7")
             .replace("line_9 = 9", 'line_9 = "<script>alert(9)</script>"'))
NOTES = "".join(f"note {n}\n" for n in range(1, 21))
LONG_LINE = "long_" + "x" * 700 + "\n"  # no space to break at: the page must still fit a phone
BIG = "".join(f"big line {n}\n" for n in range(1, 601))  # past the renderer's fold limit


@dataclass
class DiffRepo:
    name: str
    kind: str
    base: str  # the first commit
    change: str  # the commit with every kind of change
    feature: list[str]  # the feature branch's commits, oldest first
    main_after: str  # the main branch's commit after the branch point
    main_branch: str


def make_diff_repo(live_server, admin_api, kind: str = "git", name: str | None = None,
                   **fields) -> DiffRepo:
    name = create_repo(admin_api, kind, name or unique(f"diff-{kind}-"), **fields)
    main = "master" if kind == "git" else "default"
    with tempfile.TemporaryDirectory(prefix="vcshub-diff-") as tmp:
        work = WorkingCopy.clone(hosted_folder(live_server, name), Path(tmp) / "w", kind)
        base = work.commit({"app.py": APP_BEFORE, "old_notes.txt": NOTES, "blob.bin": BINARY_BYTES,
                            "run.sh": "#!/bin/sh\necho run\n"}, message="base")
        (work.path / "old_notes.txt").rename(work.path / "new_notes.txt")
        if kind == "hg":
            work.hg("rename", "--after", "old_notes.txt", "new_notes.txt")
        os.chmod(work.path / "run.sh", 0o755)
        change = work.commit({"app.py": APP_AFTER,
                              "new_notes.txt": NOTES.replace("note 10\n", "note ten\n"),
                              "blob.bin": BINARY_BYTES[::-1], "long.txt": LONG_LINE,
                              "big.txt": BIG}, message="every kind of change")
        work.push(main)
        feature = [
            work.commit({"feature.txt": "one\n"}, message="feature one", branch="feature"),
            work.commit({"feature.txt": "one\ntwo\n"}, message="feature two"),
        ]
        work.push("feature" if kind == "git" else None)
        if kind == "git":
            work.git("checkout", "--quiet", main)
        else:
            work.hg("update", "--quiet", main)
        main_after = work.commit({"main.txt": "main only\n"}, message="main after the fork")
        work.push(main)
    return DiffRepo(name, kind, base, change, feature, main_after, main)
