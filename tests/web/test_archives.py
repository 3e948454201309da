"""Archives (.zip, .tar.gz, .tar.bz2) of git and hg repositories: content, cache, refusals."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.factories import unique
from tests.factories.api import hosted_folder
from tests.factories.commits import WorkingCopy
from tests.web.conftest import both_kinds, make_repo, raw_get, reader

FORMATS = {".zip": "application/zip", ".tar.gz": "application/gzip", ".tar.bz2": "application/x-bzip2"}


@pytest.fixture(scope="module")
def repos(live_server, admin_api):
    return {
        kind: make_repo(live_server, admin_api, kind, enable_downloads=True) for kind in ("git", "hg")
    }


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry below ``root`` (VCS metadata excluded): what it is and what it holds."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in (".git", ".hg")]
        for name in dirs + files:
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISDIR(mode):
                found[rel] = ("dir",)
            else:
                found[rel] = ("file", path.read_bytes(), bool(mode & stat.S_IXUSR))
    return found


def unpack(archive: Path, extension: str, into: Path) -> None:
    """With the system's own tools, as a user would."""
    into.mkdir()
    if extension == ".zip":
        command = ["unzip", "-q", str(archive), "-d", str(into)]
    else:
        command = ["tar", "-x", "-z" if extension == ".tar.gz" else "-j", "-f", str(archive), "-C", str(into)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def repo_id(admin_api, name: str) -> int:
    return admin_api.result("get_repo", repoid=name)["repo_id"]


@both_kinds
@pytest.mark.parametrize("extension", list(FORMATS))
def test_archive_matches_a_clone(live_server, repos, http, tmp_path, kind, extension):
    repo = repos[kind]
    response = http.get(f"/{repo.name}/archive/{repo.tip}{extension}")
    assert response.status_code == 200, response.text
    stem = f"{repo.name}-{repo.tip[:12]}"
    assert response.headers["content-type"] == FORMATS[extension]
    assert response.headers["content-disposition"] == f'attachment; filename="{stem}{extension}"'
    saved = tmp_path / f"download{extension}"
    saved.write_bytes(response.content)
    unpack(saved, extension, tmp_path / "unpacked")
    assert [p.name for p in (tmp_path / "unpacked").iterdir()] == [stem]
    clone = WorkingCopy.clone(hosted_folder(live_server, repo.name), tmp_path / "clone", kind)
    expected = snapshot(clone.path)
    assert expected["link-to-leaf"] == ("link", "docs/guide/deep/leaf.txt")
    assert expected["bin/run.sh"][2] is True
    assert snapshot(tmp_path / "unpacked" / stem) == expected


@both_kinds
def test_archive_by_ref_names(repos, http, kind):
    repo = repos[kind]
    branch = "master" if kind == "git" else "default"
    reference = http.get(f"/{repo.name}/archive/{repo.tip}.tar.gz").content
    for ref in ("tip", branch, repo.tip[:12]):
        response = http.get(f"/{repo.name}/archive/{ref}.tar.gz")
        assert response.status_code == 200, ref
        assert response.content == reference  # the same commit: the same (cached) file
    older = http.get(f"/{repo.name}/archive/{repo.commits[0]}.tgz")
    assert older.status_code == 200
    assert older.headers["content-disposition"].endswith(f'-{repo.commits[0][:12]}.tar.gz"')


@both_kinds
def test_second_download_is_served_from_the_cache(live_server, admin_api, http, kind):
    repo = make_repo(live_server, admin_api, kind, rich=False, enable_downloads=True)
    cache = Path(live_server.data_dir) / "archive-cache" / str(repo_id(admin_api, repo.name))
    first = http.get(f"/{repo.name}/archive/tip.zip")
    assert first.status_code == 200
    files = list(cache.iterdir())
    assert len(files) == 1 and files[0].name.startswith(repo.tip) and files[0].suffix == ".zip"
    assert files[0].read_bytes() == first.content  # complete, no temporary file left behind
    # Prove the second answer comes from the cache: change the cached file behind its back.
    files[0].write_bytes(b"served from the cache")
    second = http.get(f"/{repo.name}/archive/{repo.tip}.zip")
    assert second.content == b"served from the cache"
    assert second.headers["content-length"] == str(len(b"served from the cache"))
    # each format has its own entry
    assert http.get(f"/{repo.name}/archive/tip.tar.bz2").status_code == 200
    assert sorted(f.suffix for f in cache.iterdir()) == [".bz2", ".zip"]


@both_kinds
def test_head_request_does_not_build_the_archive(live_server, admin_api, http, kind):
    repo = make_repo(live_server, admin_api, kind, rich=False, enable_downloads=True)
    response = http.head(f"/{repo.name}/archive/tip.zip")
    assert response.status_code == 200 and response.content == b""
    cache = Path(live_server.data_dir) / "archive-cache" / str(repo_id(admin_api, repo.name))
    assert not cache.exists() or not any(cache.iterdir())


@both_kinds
def test_downloads_disabled(live_server, admin_api, http, kind):
    repo = make_repo(live_server, admin_api, kind, rich=False)  # enable_downloads defaults to off
    response = http.get(f"/{repo.name}/archive/tip.zip")
    assert response.status_code == 403
    assert "Downloads are disabled" in response.text
    admin_api.result("update_repo", repoid=repo.name, enable_downloads=True)
    assert http.get(f"/{repo.name}/archive/tip.zip").status_code == 200


@both_kinds
def test_private_archive(live_server, admin_api, http, kind):
    repo = make_repo(live_server, admin_api, kind, rich=False, private=True, enable_downloads=True)
    user = reader(admin_api, repo.name)
    assert http.get(f"/{repo.name}/archive/tip.zip").status_code == 404
    assert http.get(f"/{repo.name}/archive/tip.zip", auth=(user.username, user.password)).status_code == 200


@both_kinds
def test_empty_repository_and_bad_names(live_server, admin_api, repos, http, kind):
    empty = unique(f"web-empty-{kind}-")
    admin_api.result("create_repo", repo_name=empty, repo_type=kind, enable_downloads=True)
    assert http.get(f"/{empty}/archive/tip.zip").status_code == 404
    repo = repos[kind]
    for name in ("tip.rar", ".zip", "tip", "no-such-ref.zip", "-o.zip", "--output=x.tar.gz", f"{'d' * 40}.zip"):
        assert http.get(f"/{repo.name}/archive/{name}").status_code == 404, name


@both_kinds
def test_ref_traversal(live_server, repos, kind):
    repo = repos[kind]
    before = set(Path(live_server.data_dir).rglob("*"))
    for path in (
        f"/{repo.name}/archive/../../../../etc/passwd.zip",
        f"/{repo.name}/archive/..%2f..%2f..%2fetc%2fpasswd.zip",
        f"/{repo.name}/archive/%2e%2e/%2e%2e/x.tar.gz",
        f"/{repo.name}/archive//etc/passwd.zip",
        f"/{repo.name}/archive/HEAD:README.txt.zip",
        f"/{repo.name}/archive/tip%00.zip",
    ):
        status, body = raw_get(live_server.url, path)
        assert status in (400, 404), (path, status)
        assert b"root:" not in body
    created = set(Path(live_server.data_dir).rglob("*")) - before
    assert not [p for p in created if not _background_write(live_server.data_dir, p)], created
    assert not [p for p in created if p.suffix in (".zip", ".gz") or "passwd" in p.name], created


def _background_write(data_dir, path: Path) -> bool:
    """What the server writes by itself meanwhile: its database, the repositories' own
    housekeeping (git packs, hg caches), the search index, lock and mark files."""
    relative = path.relative_to(data_dir).parts
    return (path.name.startswith("vcshub.sqlite") or relative[0] in ("repos", "search-index")
            or path.suffix in (".lock", ".mark") or "bookkeeping" in path.name)
