"""The pull request lists through the live server: ``/<repo>/pull-request`` by filter and page,
hidden with its private repository, never showing a pull request from a source the reader may
not read; ``/_admin/my_account/pullrequests`` for the signed-in user."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest

from tests.factories import make_user, unique
from tests.factories.api import create_repo
from tests.web.conftest import login, reader
from tests.web.pull_request_site import ReviewSite, add_rows, review_site


@pytest.fixture(scope="module")
def site(live_server, admin_api) -> ReviewSite:
    return review_site(live_server, admin_api)


def listed(html: str) -> list[int]:
    """The ids of the rows shown, in order."""
    return [int(n) for n in re.findall(r'data-pull-request="(\d+)"', html)]


def get(client: httpx.Client, path: str, **kw) -> str:
    response = client.get(path, **kw)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return response.text


def test_filters_show_the_right_rows(live_server, site):
    path = f"/{site.repo}/pull-request"
    with httpx.Client(base_url=live_server.url, timeout=60) as anonymous:
        default = get(anonymous, path)
        assert listed(default) == [site.waiting, site.opened]  # open ones, newest first
        assert listed(get(anonymous, path, params={"closed": "1"})) == [site.closed]
        assert listed(get(anonymous, path, params={"merged": "1"})) == [site.merged]
        mine = get(anonymous, path, params={"my": "1"})
        assert listed(mine) == [] and "Sign in</a> to see yours" in mine
    row = default.split(f'data-pull-request="{site.opened}"', 1)[1].split("</tr>", 1)[0]
    assert f'href="/{site.repo}/pull-request/{site.opened}"' in row
    assert "Alice&#39;s &lt;change&gt;" in row and "<change>" not in row
    assert site.alice.username in row and "one</span> → <span" in row
    assert '<td class="comments" title="1 comment">1<span class="unit"> comment</span></td>' in row
    assert "Under Review" in row and ">Open<" in row
    assert re.search(r'<time datetime="[^"]+" title="\d{4}-\d\d-\d\d \d\d:\d\d UTC">', row)
    assert f'<a href="/{site.repo}/pull-request">Pull requests</a>' in default  # the menu

    with httpx.Client(base_url=live_server.url, timeout=60) as alice:
        login(alice, site.alice.username, site.alice.password)
        assert listed(get(alice, path, params={"my": "1"})) == [site.opened]
        assert listed(get(alice, path, params={"awaiting_my_review": "1"})) == [site.waiting]
    with httpx.Client(base_url=live_server.url, timeout=60) as bob:
        login(bob, site.bob.username, site.bob.password)
        assert listed(get(bob, path, params={"my": "1"})) == [site.closed, site.waiting]
        awaiting = get(bob, path, params={"awaiting_my_review": "1"})
        assert listed(awaiting) == [site.opened]
        assert f'href="{path}?awaiting_my_review=1" aria-current="page"' in awaiting


def test_pages_of_twenty_with_links(live_server, admin_api):
    repo = create_repo(admin_api, "git", unique("prpages-"))
    author = make_user(admin_api)
    made = add_rows(live_server, repo, author.user_id, 45)
    path = f"/{repo}/pull-request"
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        first = get(http, path)
        assert listed(first) == made[::-1][:20]
        assert "45 pull requests, page 1 of 3" in first
        links = [unescape(h) for h in re.findall(r'<nav class="pager page-links".*?</nav>',
                                                 first, re.S)[0].split('href="')[1:]]
        assert [h.split('"', 1)[0] for h in links] == [
            path, f"{path}?page=2", f"{path}?page=3", f"{path}?page=2"]  # 1 2 3 Next
        assert 'href="' + path + '" aria-current="page">1</a>' in first
        assert listed(get(http, path, params={"page": "2"})) == made[::-1][20:40]
        last = get(http, path, params={"page": "3"})
        assert listed(last) == made[::-1][40:] and 'rel="next"' not in last
        assert f'href="{path}?page=2" rel="prev"' in last
        beyond = get(http, path, params={"page": "9"})
        assert listed(beyond) == [] and "No pull requests on this page" in beyond
        assert f'href="{path}?page=3" rel="prev"' in beyond  # a way back
        assert 'class="pager' not in get(http, path, params={"merged": "1"})
    with httpx.Client(base_url=live_server.url, timeout=60) as http:  # the flag stays in links
        login(http, author.username, author.password)
        mine = get(http, path, params={"my": "1", "page": "2"})
        assert listed(mine) == made[::-1][20:40]
        assert f'href="{path}?my=1&amp;page=3"' in mine and f'href="{path}?my=1"' in mine


def test_a_private_repository_list_is_missing_to_others(live_server, admin_api):
    repo = create_repo(admin_api, "git", unique("prprivate-"), private=True)
    allowed = reader(admin_api, repo)
    outsider = make_user(admin_api)
    made = add_rows(live_server, repo, allowed.user_id, 1, title="secret plan")
    path = f"/{repo}/pull-request"
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        for auth in (None, (outsider.username, outsider.password)):
            hidden = http.get(path, auth=auth)
            assert hidden.status_code == 404 and "secret plan" not in hidden.text
        assert listed(get(http, path, auth=(allowed.username, allowed.password))) == made


def test_a_pull_request_from_a_private_source_shows_only_to_its_readers(live_server, admin_api):
    target = create_repo(admin_api, "git", unique("prtarget-"))
    fork = create_repo(admin_api, "git", unique("prfork-"), private=True)
    fork_reader = reader(admin_api, fork)
    outsider = make_user(admin_api)
    from_fork = add_rows(live_server, target, fork_reader.user_id, 1, source=fork,
                         reviewer_ids=(outsider.user_id,), title="from the fork")
    inside = add_rows(live_server, target, fork_reader.user_id, 1, title="inside")
    path = f"/{target}/pull-request"
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        for auth in (None, (outsider.username, outsider.password)):
            shown = get(http, path, auth=auth)
            assert listed(shown) == inside and fork not in shown and "from the fork" not in shown
        shown = get(http, path, auth=(fork_reader.username, fork_reader.password))
        assert listed(shown) == [inside[0], from_fork[0]]
        assert f"{fork}:f</span>" in shown
    with httpx.Client(base_url=live_server.url, timeout=60) as browser:
        login(browser, outsider.username, outsider.password)  # a reviewer, yet he may not read it
        assert listed(get(browser, "/_admin/my_account/pullrequests",
                          params={"awaiting_my_review": "1"})) == []


def test_my_account_pull_requests(live_server, site):
    path = "/_admin/my_account/pullrequests"
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        first = http.get(path)
        assert first.status_code == 303
        assert first.headers["location"].startswith("/_admin/login?came_from=")
        login(http, site.alice.username, site.alice.password)
        everything = get(http, path)
        assert listed(everything) == [site.waiting, site.opened]
        assert f'<a href="{path}" aria-current="page">Pull requests</a>' in everything
        assert f'href="/{site.repo}"' in everything  # the repository column
        assert listed(get(http, path, params={"my": "1"})) == [site.opened]
        assert listed(get(http, path, params={"awaiting_my_review": "1"})) == [site.waiting]
        assert "Pull requests</a>" in get(http, "/_admin/my_account")  # in the account menu
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        login(http, site.bob.username, site.bob.password)
        assert listed(get(http, path)) == [site.closed, site.waiting, site.opened]
        assert listed(get(http, path, params={"my": "1"})) == [site.closed, site.waiting]
