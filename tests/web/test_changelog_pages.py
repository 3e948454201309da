"""The changelog pages through the live server: the graph's markup, the branch filter, one
file's changelog, and a private repository that is missing to whoever may not read it."""

from __future__ import annotations

import re

import httpx

from tests.factories import make_user, unique
from tests.factories.api import hosted_folder
from tests.factories.merges import fork_and_merge
from tests.web.conftest import both_kinds, login, make_repo, reader


def get(http: httpx.Client, path: str, **kw) -> str:
    response = http.get(path, **kw)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return response.text


def listed(html: str) -> list[str]:
    return re.findall(r'<tr data-column="\d+" data-commit="([0-9a-f]{40})"', html)


@both_kinds
def test_graph_branch_filter_and_switcher(live_server, admin_api, http, kind):
    name = unique(f"log-graph-{kind}-")
    admin_api.result("create_repo", repo_name=name, repo_type=kind)
    ids = fork_and_merge(hosted_folder(live_server, name), kind)
    html = get(http, f"/{name}/changelog")
    columns = {commit: int(column) for column, commit in
               re.findall(r'<tr data-column="(\d+)" data-commit="([0-9a-f]{40})"', html)}
    assert listed(html)[:2] == [ids.after, ids.merge]
    assert {columns[c] for c in ids.between} == {0, 1}
    assert html.count("<svg") == len(columns) and 'class="lane c1"' in html
    assert 'class="ref-switcher"' in html and f'/{name}/changelog?branch=side' in html

    side = get(http, f"/{name}/changelog", params={"branch": "side"})
    assert listed(side)[:2] == list(reversed(ids.side)) and ids.merge not in listed(side)
    assert "of branch side" in side
    assert http.get(f"/{name}/changelog", params={"branch": "nope"}).status_code == 404
    from_base = get(http, f"/{name}/changelog", params={"rev": ids.base})
    assert listed(from_base)[0] == ids.base


@both_kinds
def test_one_files_changelog(live_server, admin_api, http, kind):
    repo = make_repo(live_server, admin_api, kind, rich=False)
    html = get(http, f"/{repo.name}/changelog/{repo.tip}/README.txt")
    assert re.findall(r'data-commit="([0-9a-f]{40})"', html) == list(reversed(repo.commits))
    assert "<svg" not in html and "Changelog of" in html
    only_first = get(http, f"/{repo.name}/changelog/{repo.tip}/src/new.py")
    assert re.findall(r'data-commit="([0-9a-f]{40})"', only_first) == [repo.tip]
    assert http.get(f"/{repo.name}/changelog/{repo.tip}/no/such.txt").status_code == 404


def test_a_private_repositorys_changelog_is_missing(live_server, admin_api, http):
    repo = make_repo(live_server, admin_api, "git", rich=False, private=True)
    pages = [f"/{repo.name}/changelog", f"/{repo.name}/changelog?branch=master",
             f"/{repo.name}/changelog/{repo.tip}/README.txt"]
    missing = http.get(f"/{unique('no-such-')}/changelog")
    assert missing.status_code == 404
    for path in pages:  # anonymous
        answer = http.get(path)
        assert answer.status_code == 404 and "data-commit" not in answer.text, path
    outsider = make_user(admin_api)
    login(http, outsider.username, outsider.password)
    for path in pages:
        answer = http.get(path)
        assert answer.status_code == 404 and "data-commit" not in answer.text, path
    allowed = reader(admin_api, repo.name)
    with httpx.Client(base_url=live_server.url, timeout=120) as other:
        login(other, allowed.username, allowed.password)
        for path in pages:
            assert other.get(path).status_code == 200, path
