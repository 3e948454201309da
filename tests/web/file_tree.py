"""The hosted repositories the files-page tests read: a tree with every kind of file the page
shows differently, then a rename (git follows it in blame and history)."""

from __future__ import annotations

from dataclasses import dataclass

from tests.factories import unique
from tests.factories.api import create_repo, push_commits
from tests.factories.commits import BINARY_BYTES
from tests.web.conftest import PNG_BYTES

APP_V1 = "".join(f"line {n}\n" for n in range(1, 8))
APP_V2 = APP_V1.replace("line 7\n", "line 7\nline 8 added after the rename\n")
LONG_LINE = "x = '" + "long " * 200 + "'\n"


@dataclass
class FileTree:
    name: str
    kind: str
    ids: list[str]  # oldest first: the tree, the rename (git) or a change (hg)


def tree_files() -> dict[str, bytes | str]:
    return {
        "README.md": "# The title\n\nSome *text*.\n\n<script>window.pwned = 1</script>\n"
                     "<img src=x onerror=\"window.pwned = 2\">\n",
        "docs/guide.rst": "Guide\n=====\n\nA paragraph with **bold**.\n",
        "docs/usage.md": "See [the app](../src/app.py).\n\n![pixel](../img/pixel.png)\n",
        "src/app.py": APP_V1,
        "src/long.py": "import os\n" + LONG_LINE + "print(os.sep)\n",
        "data/blob.bin": BINARY_BYTES,
        "img/pixel.png": PNG_BYTES,
        "big.txt": "".join(f"row {n}\n" for n in range(1, 12_001)),
        "deep/a/b/c/leaf.txt": "leaf\n",
    }


def file_tree(live_server, admin_api, kind: str, **fields) -> FileTree:
    name = create_repo(admin_api, kind, unique(f"files-{kind}-"), **fields)
    ids = push_commits(live_server, name, kind, tree_files())
    if kind == "git":  # a rename with a change: blame and history follow it
        ids += push_commits(live_server, name, kind, {"src/app.py": None, "src/main.py": APP_V2})
    else:
        ids += push_commits(live_server, name, kind, {"src/app.py": APP_V2})
    return FileTree(name, kind, ids)
