"""Tree listings and file nodes."""

from __future__ import annotations

import hashlib

import pytest

from vcshub.vcs import NodeNotFound

from .conftest import BINARY, UNICODE_NAME


def _listing(nodes):
    return [(n.path, n.kind) for n in nodes]


def test_root_recursive_listing(server, populated):
    nodes = server.get_nodes(populated.ids[2])
    assert _listing(nodes) == [
        ("README.md", "file"),
        ("docs", "dir"),
        ("docs/api.rst", "file"),
        ("docs/guide", "dir"),
        ("docs/guide/intro.txt", "file"),
        ("img.bin", "file"),
        (UNICODE_NAME, "file"),
    ]
    assert server.get_nodes("tip", "") == nodes


def test_old_revision_listing(server, populated):
    paths = [n.path for n in server.get_nodes(populated.ids[0])]
    assert "src/main.py" in paths and "src" in paths and "img.bin" not in paths


def test_subdir_listing(server, populated):
    tip = populated.ids[2]
    assert _listing(server.get_nodes(tip, "docs")) == [
        ("docs/api.rst", "file"), ("docs/guide", "dir"),
        ("docs/guide/intro.txt", "file"),
    ]
    assert _listing(server.get_nodes(tip, "docs/")) == _listing(server.get_nodes(tip, "docs"))
    assert _listing(server.get_nodes(tip, "docs", recursive=False)) == [
        ("docs/api.rst", "file"), ("docs/guide", "dir"),
    ]
    assert _listing(server.get_nodes(tip, "", recursive=False)) == [
        ("README.md", "file"), ("docs", "dir"), ("img.bin", "file"),
        (UNICODE_NAME, "file"),
    ]
    assert _listing(server.get_nodes(tip, "docs/guide/intro.txt")) == [
        ("docs/guide/intro.txt", "file")]


@pytest.mark.parametrize("path", ["../etc", "/etc/passwd", "docs/../README.md",
                                  "./README.md", "docs//api.rst", "a\\b"])
def test_path_escape_refused(path, server, populated):
    with pytest.raises(NodeNotFound):
        server.get_nodes(populated.ids[2], path)
    with pytest.raises(NodeNotFound):
        server.get_node(populated.ids[2], path)


def test_missing_path(server, populated):
    with pytest.raises(NodeNotFound):
        server.get_nodes(populated.ids[2], "nope")
    with pytest.raises(NodeNotFound):
        server.get_node(populated.ids[2], "docs/nope.txt")
    with pytest.raises(NodeNotFound):
        server.get_node(populated.ids[2], "src/main.py")  # deleted


def test_file_node_properties(server, populated):
    node = server.get_node(populated.ids[2], "docs/api.rst")
    content = b"API\n===\n\nmore\n"
    assert node.kind == "file" and node.is_file and not node.is_dir
    assert node.name == "api.rst"
    assert node.extension == "rst"
    assert node.content == content
    assert node.size == len(content)
    assert node.md5 == hashlib.md5(content).hexdigest()
    assert node.lines == 4
    assert not node.is_binary
    assert not node.is_symlink
    assert node.mimetype.startswith("text/")
    assert server.get_node(populated.ids[2], "docs/guide/intro.txt").mimetype == "text/plain"


def test_binary_and_unicode_nodes(server, populated):
    binary = server.get_node(populated.ids[2], "img.bin")
    assert binary.is_binary
    assert binary.content == BINARY
    assert binary.size == len(BINARY)
    assert binary.mimetype == "application/octet-stream"
    assert binary.lines == 0
    uni = server.get_node(populated.ids[2], UNICODE_NAME)
    assert uni.name == UNICODE_NAME
    assert uni.content == b"unicode\n"
    assert uni.mimetype == "text/plain"


def test_dir_and_root_nodes(server, populated):
    docs = server.get_node(populated.ids[2], "docs")
    assert docs.kind == "dir" and docs.name == "docs"
    assert docs.size == 0 and docs.content == b""
    root = server.get_node(populated.ids[2], "")
    assert root.kind == "dir" and root.path == ""


def test_node_content_is_lazy_per_revision(server, populated):
    old = server.get_node(populated.ids[0], "README.md")
    new = server.get_node(populated.ids[2], "README.md")
    assert old.content == b"hello\n"
    assert new.content == b"Hello\nworld\n"
    assert old.lines == 1 and new.lines == 2


def test_symlink_node(server, work, populated):
    work.symlink("link-to-readme", "README.md")
    commit = work.commit("symlink")
    work.push()
    node = server.get_node(commit, "link-to-readme")
    assert node.is_symlink
    assert node.content == b"README.md"
