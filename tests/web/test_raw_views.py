"""Raw diff, patch, raw file and feed views of git and hg repositories, with real clients."""

from __future__ import annotations

import email.utils
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from tests.factories import make_user, unique
from tests.factories.api import hosted_folder
from tests.factories.commits import AUTHOR, BINARY_BYTES, WorkingCopy, run
from tests.web.conftest import PNG_BYTES, both_kinds, login, logout, make_repo, raw_get, reader

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def repos(live_server, admin_api):
    """One rich public repository per kind, shared by the read-only tests of this module."""
    return {kind: make_repo(live_server, admin_api, kind) for kind in ("git", "hg")}


def changed_lines(diff: str) -> list[str]:
    return [
        line for line in diff.splitlines()
        if line.startswith(("+", "-", "diff --git")) and not line.startswith(("+++", "---"))
    ]


# -- raw diff ----------------------------------------------------------------------------------
@both_kinds
def test_raw_diff_of_a_commit(live_server, repos, http, kind):
    repo = repos[kind]
    response = http.get(f"/{repo.name}/changeset-diff/{repo.tip}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    lines = changed_lines(response.text)
    assert "diff --git a/README.txt b/README.txt" in lines
    assert "+line 3" in lines and "+x = 1" in lines
    # the client computes the same change
    folder = hosted_folder(live_server, repo.name)
    if kind == "git":
        native = run(["git", "--git-dir", str(folder), "diff", repo.commits[0], repo.tip])
    else:
        native = run(["hg", "-R", str(folder), "diff", "--git", "-c", repo.tip])
    assert sorted(changed_lines(native)) == sorted(lines)
    # RhodeCode's newer URL, a short id and the download variant give the same diff
    assert http.get(f"/{repo.name}/raw-changeset/{repo.tip}").text == response.text
    assert http.get(f"/{repo.name}/changeset-diff/{repo.tip[:12]}").text == response.text
    download = http.get(f"/{repo.name}/changeset-download/{repo.tip}")
    assert download.text == response.text
    assert download.headers["content-disposition"] == f'attachment; filename="{repo.tip}.diff"'


@both_kinds
def test_unknown_revision_is_404(repos, http, kind):
    repo = repos[kind]
    for view in ("changeset-diff", "raw-changeset", "changeset-patch"):
        for rev in ("f" * 40, "no-such-branch", "--output=x", "HEAD..HEAD", "tip^^^^^^^^"):
            response = http.get(f"/{repo.name}/{view}/{rev}")
            assert response.status_code == 404, (view, rev, response.text)


# -- patch -------------------------------------------------------------------------------------
@both_kinds
def test_patch_applies_with_the_native_tool(live_server, repos, http, tmp_path, kind):
    repo = repos[kind]
    response = http.get(f"/{repo.name}/changeset-patch/{repo.tip}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    patch = response.text
    work = WorkingCopy.clone(hosted_folder(live_server, repo.name), tmp_path / "w", kind)
    patch_file = tmp_path / "change.patch"
    patch_file.write_text(patch)
    if kind == "git":
        assert patch.startswith(f"From {repo.tip} Mon Sep 17 00:00:00 2001\n")
        assert f"From: {AUTHOR}\n" in patch and "Subject: [PATCH] second change\n" in patch
        work.git("checkout", "--quiet", repo.commits[0])
        work.git("am", "--quiet", str(patch_file))
        assert work.git("rev-parse", "HEAD^{tree}") == work.git("rev-parse", f"{repo.tip}^{{tree}}")
        assert work.git("log", "-1", "--format=%an <%ae>%n%B").strip() == f"{AUTHOR}\nsecond change\n\nadds line 3"
    else:
        header = patch.split("\n\n", 1)[0].splitlines()
        assert header[:2] == ["# HG changeset patch", f"# User {AUTHOR}"]
        assert f"# Node ID {repo.tip}" in header and f"# Parent  {repo.commits[0]}" in header
        work.hg("update", "--quiet", repo.commits[0])
        # --exact: the imported changeset must get the very same id (same user, date, message, files)
        work.hg("import", "--exact", "--quiet", str(patch_file))
        assert work.hg("log", "-r", ".", "--template", "{node}") == repo.tip


@both_kinds
def test_patch_of_a_root_commit(repos, http, kind):
    repo = repos[kind]
    patch = http.get(f"/{repo.name}/changeset-patch/{repo.commits[0]}").text
    assert "bin/run.sh" in patch and "docs/guide/deep/leaf.txt" in patch
    if kind == "hg":
        assert "# Parent  " + "0" * 40 in patch
    else:
        assert "Subject: [PATCH] initial tree\n\nwith details\n---\n" in patch


# -- raw files ---------------------------------------------------------------------------------
@both_kinds
def test_raw_text_file(repos, http, kind):
    repo = repos[kind]
    branch = "master" if kind == "git" else "default"
    for rev in (repo.tip, repo.tip[:12], "tip", branch):
        response = http.get(f"/{repo.name}/raw/{rev}/README.txt")
        assert response.status_code == 200, rev
        assert response.content == b"Readme\nline 2\nline 3\n"
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert response.headers["content-disposition"].startswith("inline")
    old = http.get(f"/{repo.name}/raw/{repo.commits[0]}/README.txt")
    assert old.content == b"Readme\nline 2\n"
    nested = http.get(f"/{repo.name}/raw/{repo.tip}/docs/guide/deep/leaf.txt")
    assert nested.content == b"leaf\n"
    unicode_name = http.get(f"/{repo.name}/raw/tip/unicodé.txt")
    assert unicode_name.content == "ünïcode\n".encode()
    assert "filename*=UTF-8''unicod%C3%A9.txt" in unicode_name.headers["content-disposition"]


@both_kinds
def test_raw_html_is_never_rendered(repos, http, kind):
    response = http.get(f"/{repos[kind].name}/raw/tip/docs/index.html")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "sandbox" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


@both_kinds
def test_raw_binary_image_and_symlink(repos, http, kind):
    repo = repos[kind]
    binary = http.get(f"/{repo.name}/raw/tip/data/blob.bin")
    assert binary.content == BINARY_BYTES
    assert binary.headers["content-type"] == "application/octet-stream"
    assert binary.headers["content-disposition"] == 'attachment; filename="blob.bin"'
    image = http.get(f"/{repo.name}/raw/tip/img/pixel.png")
    assert image.content == PNG_BYTES
    assert image.headers["content-type"] == "image/png"
    assert image.headers["content-disposition"] == 'inline; filename="pixel.png"'
    link = http.get(f"/{repo.name}/raw/tip/link-to-leaf")
    assert link.content == b"docs/guide/deep/leaf.txt"  # the link itself, not where it points
    # rawfile (Kallithea) and download (RhodeCode 4): always an attachment with the file's type
    for view in ("rawfile", "download"):
        text = http.get(f"/{repo.name}/{view}/tip/src/app.py")
        assert text.content == b"print('hello')\n"
        assert text.headers["content-disposition"] == 'attachment; filename="app.py"'
        assert text.headers["content-type"].startswith("text/x-python")
        assert http.get(f"/{repo.name}/{view}/tip/img/pixel.png").headers["content-type"] == "image/png"


@both_kinds
def test_raw_missing_things_are_404(repos, http, kind):
    repo = repos[kind]
    for path in (
        f"/{repo.name}/raw/tip/no-such-file",
        f"/{repo.name}/raw/tip/docs",  # a directory
        f"/{repo.name}/raw/tip/docs/",
        f"/{repo.name}/raw/{'e' * 40}/README.txt",
        f"/{repo.name}/raw/tip/src/new.py/x",
        f"/{repo.name}/raw/{repo.commits[0]}/src/new.py",  # not there yet
        f"/{repo.name}/raw/tip",
        f"/{unique('no-such-repo-')}/raw/tip/README.txt",
    ):
        response = http.get(path)
        assert response.status_code == 404, path


@both_kinds
def test_path_traversal_never_leaves_the_repository(live_server, repos, kind):
    repo = repos[kind]
    attempts = [
        f"/{repo.name}/raw/tip/../../../../../../etc/passwd",
        f"/{repo.name}/raw/tip/docs/../../../../../../etc/passwd",
        f"/{repo.name}/raw/tip/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        f"/{repo.name}/raw/tip/..%2f..%2f..%2f..%2fetc%2fpasswd",
        f"/{repo.name}/raw/tip//etc/passwd",
        f"/{repo.name}/raw/tip/%2fetc%2fpasswd",
        f"/{repo.name}/raw/tip/docs/./index.html",
        f"/{repo.name}/raw/tip/docs\\..\\README.txt",
        f"/{repo.name}/raw/..%2f..%2f..%2f/etc/passwd",
        f"/{repo.name}/raw/tip/.git/config",
        f"/{repo.name}/raw/tip/.hg/hgrc",
        f"/{repo.name}/raw/tip/%00",
        f"/{repo.name}/raw/tip/link-to-leaf/../../../etc/passwd",
        f"/{repo.name}/../../../../etc/raw/tip/passwd",
        f"/{repo.name}/changeset-diff/..%2f..%2f..%2fetc%2fpasswd",
    ]
    for path in attempts:
        status, body = raw_get(live_server.url, path)
        assert status in (400, 404), (path, status, body[:200])
        assert b"root:" not in body


# -- feeds -------------------------------------------------------------------------------------
@both_kinds
def test_rss_feed(live_server, repos, http, kind):
    repo = repos[kind]
    response = http.get(f"/{repo.name}/feed/rss")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == f"{repo.name} commits"
    assert channel.findtext("link") == f"{live_server.url}/{repo.name}"
    items = channel.findall("item")
    assert [i.findtext("guid") for i in items] == [
        f"{live_server.url}/{repo.name}/changeset/{c}" for c in reversed(repo.commits)
    ]
    newest = items[0]
    assert newest.findtext("title") == "second change"
    assert newest.findtext("author") == "author@example.com (Test Author)"
    assert email.utils.parsedate_to_datetime(newest.findtext("pubDate")).tzinfo is not None
    description = newest.findtext("description")
    assert "adds line 3" in description and "src/new.py" in description
    other_url = ET.fromstring(http.get(f"/{repo.name}/feed-rss").content).find("channel")
    assert [i.findtext("guid") for i in other_url.findall("item")] == [i.findtext("guid") for i in items]


@both_kinds
def test_atom_feed(live_server, repos, http, kind):
    repo = repos[kind]
    response = http.get(f"/{repo.name}/feed/atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") == f"{live_server.url}/{repo.name}"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    assert entries[0].findtext(f"{ATOM}id").endswith(f"/changeset/{repo.tip}")
    assert entries[0].findtext(f"{ATOM}author/{ATOM}name") == "Test Author"
    assert entries[0].findtext(f"{ATOM}author/{ATOM}email") == "author@example.com"
    assert entries[0].find(f"{ATOM}content").get("type") == "html"
    assert "adds line 3" in entries[0].findtext(f"{ATOM}content")
    other_url = ET.fromstring(http.get(f"/{repo.name}/feed-atom").content)
    assert len(other_url.findall(f"{ATOM}entry")) == 2


@both_kinds
def test_feed_of_an_empty_repository_and_markup_in_messages(live_server, admin_api, http, tmp_path, kind):
    name = unique(f"web-feed-{kind}-")
    admin_api.result("create_repo", repo_name=name, repo_type=kind)
    empty = ET.fromstring(http.get(f"/{name}/feed/rss").content)
    assert empty.find("channel").findall("item") == []
    work = WorkingCopy.clone(hosted_folder(live_server, name), tmp_path / "w", kind)
    work.commit({"a.txt": "a\n"}, message="<b>bold</b> & \x01 control")
    work.push("master" if kind == "git" else None)
    for view in ("rss", "atom"):
        document = http.get(f"/{name}/feed/{view}").content
        root = ET.fromstring(document)  # well-formed despite markup and a control character
        titles = [t.text for t in root.iter() if t.tag.endswith("title")]
        assert "<b>bold</b> &  control" in titles


# -- permissions: private repositories through every view ---------------------------------------
def view_paths(repo) -> list[str]:
    return [
        f"/{repo.name}/changeset-diff/{repo.tip}",
        f"/{repo.name}/raw-changeset/{repo.tip}",
        f"/{repo.name}/changeset-patch/{repo.tip}",
        f"/{repo.name}/raw/{repo.tip}/README.txt",
        f"/{repo.name}/rawfile/{repo.tip}/README.txt",
        f"/{repo.name}/archive/{repo.tip}.zip",
        f"/{repo.name}/feed/rss",
        f"/{repo.name}/feed/atom",
    ]


@both_kinds
def test_private_repository_through_each_view(live_server, admin_api, kind):
    repo = make_repo(live_server, admin_api, kind, rich=False, private=True, enable_downloads=True)
    allowed = reader(admin_api, repo.name)
    outsider = make_user(admin_api)
    missing = f"/{unique('missing-')}/feed/rss"
    with httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
        unknown = anonymous.get(missing)
        assert unknown.status_code == 404
        for path in view_paths(repo):
            response = anonymous.get(path)
            assert response.status_code == 404, path
            assert "does not exist" in response.text  # the same answer as a missing repository
            assert anonymous.get(path, auth=(outsider.username, outsider.password)).status_code == 404
            assert anonymous.get(path, auth=(allowed.username, allowed.password)).status_code == 200
            assert anonymous.get(path, auth=(live_server.admin_username, live_server.admin_password)).status_code == 200
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        assert login(browser, allowed.username, allowed.password).status_code == 302
        for path in view_paths(repo):
            assert browser.get(path).status_code == 200, path
        logout(browser)
        for path in view_paths(repo):
            assert browser.get(path).status_code == 404, path


def test_wrong_basic_credentials_are_challenged(live_server, admin_api, repos, http):
    repo = repos["git"]
    user = make_user(admin_api)
    response = http.get(f"/{repo.name}/raw/tip/README.txt", auth=(user.username, "wrong"))
    assert response.status_code == 401
    assert response.headers["www-authenticate"].lower().startswith("basic")
    # a public repository still needs no credentials at all
    assert http.get(f"/{repo.name}/raw/tip/README.txt").status_code == 200


def test_only_get_and_head(repos, http):
    repo = repos["git"]
    assert http.post(f"/{repo.name}/raw/tip/README.txt").status_code == 405
    head = http.head(f"/{repo.name}/raw/tip/README.txt")
    assert head.status_code == 200 and head.content == b""


def test_git_and_hg_clients_still_work(live_server, repos, tmp_path):
    """The raw views sit behind the VCS endpoint: clones over HTTP are untouched."""
    for kind, repo in repos.items():
        target = tmp_path / kind
        command = ["git", "clone", "--quiet"] if kind == "git" else ["hg", "clone", "--quiet"]
        subprocess.run([*command, f"{live_server.url}/{repo.name}", str(target)], check=True,
                       capture_output=True, timeout=120)
        assert (target / "README.txt").read_bytes() == b"Readme\nline 2\nline 3\n"
        assert Path(target / "link-to-leaf").is_symlink()
