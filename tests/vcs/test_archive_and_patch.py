"""Repository.archive and Commit.patch, for both backends: what the download views serve."""

from __future__ import annotations

import bz2
import gzip
import io
import tarfile
import zipfile

import pytest

from vcshub.vcs import EMPTY_COMMIT, CommitNotFound, VCSError, open_repository

from .conftest import BINARY, HG, UNICODE_NAME, WorkingCopy, run

FILES_AT_TIP = {
    "README.md": b"Hello\nworld\n",
    "docs/api.rst": b"API\n===\n\nmore\n",
    "docs/guide/intro.txt": b"intro\n",
    "img.bin": BINARY,
    UNICODE_NAME: b"unicode\n",
}


def _members(fmt: str, data: bytes) -> dict[str, bytes | None]:
    """Archive entry name -> content (None for directories)."""
    if fmt == "zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {i.filename: None if i.is_dir() else archive.read(i) for i in archive.infolist()}
    raw = gzip.decompress(data) if fmt == "tgz" else bz2.decompress(data)
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as archive:
        return {
            m.name.rstrip("/"): archive.extractfile(m).read() if m.isfile() else None
            for m in archive.getmembers()
        }


@pytest.mark.parametrize("fmt", ["zip", "tgz", "tbz2"])
def test_archive_of_a_revision(kind, server, populated, fmt):
    data = b"".join(server.archive(populated.ids[-1], fmt, "proj-1"))
    members = _members(fmt, data)
    files = {name[len("proj-1/"):]: content for name, content in members.items()
             if content is not None}
    assert files == FILES_AT_TIP
    assert all(name.startswith("proj-1") for name in members)
    assert {"proj-1/docs", "proj-1/docs/guide"} <= {n.rstrip("/") for n, c in members.items()
                                                    if c is None}
    # an older revision has its own tree
    first = _members(fmt, b"".join(server.archive(populated.ids[0], fmt, "old")))
    assert first["old/src/main.py"] == b"print('hi')\nprint('bye')\n"


def test_archive_refuses_unknown_revisions_and_formats_before_producing(kind, server, populated):
    for rev in ("f" * 40, "no-such-branch", "-o", "--output=x"):
        with pytest.raises(CommitNotFound):
            server.archive(rev, "zip", "x")  # raised by the call, not by the first chunk
    with pytest.raises(VCSError):
        server.archive(populated.ids[-1], "rar", "x")


def test_archive_stopped_early(kind, server, populated):
    chunks = server.archive(populated.ids[-1], "tgz", "x")
    next(chunks)
    chunks.close()  # a client gone: git is stopped, nothing is left running or raised
    assert b"".join(server.archive(populated.ids[-1], "tgz", "x"))


def test_patch_applies_with_the_native_tool(kind, server, populated, tmp_path):
    patch = server.get_commit(populated.ids[-1]).patch()
    patch_file = tmp_path / "third.patch"
    patch_file.write_text(patch)
    clone = WorkingCopy(kind, server.path, tmp_path / "apply")
    if kind == "git":
        assert patch.startswith(f"From {populated.ids[-1]} Mon Sep 17 00:00:00 2001\n")
        assert "Subject: [PATCH] third\n" in patch
        run(["git", "checkout", "-q", populated.ids[1]], cwd=clone.path)
        run(["git", "am", "-q", str(patch_file)], cwd=clone.path)
        tree = run(["git", "rev-parse", "HEAD^{tree}"], cwd=clone.path).strip()
        assert tree == run(["git", "rev-parse", f"{populated.ids[-1]}^{{tree}}"],
                           cwd=clone.path).strip()
    else:
        assert patch.startswith("# HG changeset patch\n# User Test User <test@example.com>\n")
        assert f"# Node ID {populated.ids[-1]}\n# Parent  {populated.ids[1]}\n" in patch
        run([HG, "update", "-q", populated.ids[1]], cwd=clone.path)
        run([HG, "import", "--exact", "-q", str(patch_file)], cwd=clone.path)
        assert run([HG, "log", "-r", ".", "--template", "{node}"], cwd=clone.path) == populated.ids[-1]


def test_patch_of_a_root_commit(kind, server, populated):
    patch = open_repository(server.path).get_commit(populated.ids[0]).patch()
    assert "+print('hi')\n" in patch
    if kind == "hg":
        assert f"# Parent  {'0' * 40}\n" in patch
    assert EMPTY_COMMIT.patch() == ""


def test_option_like_revisions_are_refused(kind, server, populated):
    """Whatever a revision could mean, one that starts with "-" never reaches a lookup (a tool
    would read it as an option): hg would take "-2" as the second-last changeset, and a git
    ref can be named "-x" by writing it directly."""
    if kind == "git":
        (server.path / "refs" / "heads" / "-x").write_text(populated.ids[0] + "\n")
    for rev in ("-2", "-x", " -x", "--output=x", "-"):
        with pytest.raises(CommitNotFound):
            server.get_commit(rev)
    assert server.get_commit(populated.ids[0]).raw_id == populated.ids[0]
