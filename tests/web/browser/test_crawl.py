"""Every page a signed-in admin can reach from ``/`` in three clicks answers, in a real browser:
no 500, no broken link (4xx), no script error.

The crawl runs against its own server, seeded with one of everything the pages show (groups, a
git and an hg repository with history, a rename, a branch, a Markdown README, a binary file, a
fork, a private repository, a commit comment, a gist), so it stays small and its result does not
depend on what the other tests left on the shared server. Links are followed in the order they
appear, breadth first; non-HTML answers (raw files, archives, feeds) are fetched, not opened.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from tests.api_client import ApiClient
from tests.databases import database_url
from tests.factories.api import create_repo, hosted_folder, push_commits
from tests.factories.commits import commit_into
from tests.live_server import start_server
from tests.web.browser.conftest import sign_in

DEPTH = 3
MAX_PAGES = 600  # a bound, so a page that links to endless new URLs fails instead of hanging
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2d1e2a40000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def crawl_server(db_backend, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp(f"crawl-{db_backend}")
    with database_url(db_backend, "crawl", data_dir) as url:
        server = start_server(data_dir, url)
        try:
            _seed(server)
            yield server
        finally:
            server.stop()


def _seed(server) -> None:
    api = ApiClient(server.api_url, server.admin_token)
    try:
        api.result("create_repo_group", group_name="team")
        api.result("create_repo_group", group_name="team/inner", description="nested")
        # at the top: three clicks from home reach its files, blame and history pages
        app = create_repo(api, "git", "app", description="the application")
        push_commits(server, app, "git", {
            "README.md": "# App\n\nRead [the notes](docs/notes.txt).\n\n<script>window.bad=1</script>\n",
            "docs/notes.txt": "one\ntwo\nthree\n",
            "src/main.py": "def main():\n    return 1\n",
            "logo.png": PNG,
        }, {"src/main.py": None, "src/app.py": "def main():\n    return 1\n",
            "docs/notes.txt": "one\ntwo\nthree\nfour\n"})
        commit_into(hosted_folder(server, app), "git", {"feature.txt": "f\n"}, branch="feature")
        hg = create_repo(api, "hg", "team/inner/hgrepo")
        push_commits(server, hg, "hg", {"README.rst": "Title\n=====\n\ntext\n"}, {"a.txt": "a\n"})
        create_repo(api, "git", "team/secret", private=True)
        api.result("fork_repo", repoid=app, fork_name="team/app-fork")
        tip = api.result("get_repo_changesets", repoid=app, start_rev="master", limit=1)
        api.result("comment_commit", repoid=app, commit_id=tip[0]["raw_id"], message="Looks **good**")
        pr = api.result("create_pull_request", source_repo=app, target_repo=app,
                        source_ref="branch:feature", target_ref="branch:master",
                        title="Add the feature", description="*why*")["pull_request_id"]
        api.result("comment_pull_request", repoid=app, pullrequestid=pr, message="Reviewed",
                   status="approved")
        api.result("create_gist", files={"hello.py": {"content": "print('hi')\n"}},
                   description="a gist", gist_type="public")
        api.result("create_user_group", group_name="devs", description="the developers")
    finally:
        api.close()


def _same_site(base: str, href: str) -> bool:
    return urlsplit(href).netloc == urlsplit(base).netloc


def test_every_page_three_clicks_from_home_answers(chromium, crawl_server, screenshots):
    context = chromium.new_context(base_url=crawl_server.url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    current = {"url": ""}
    page.on("console", lambda m: errors.append(f"{current['url']}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{current['url']}: {e}"))
    sign_in(page, crawl_server.admin_username, crawl_server.admin_password)

    base = crawl_server.url
    seen = {base + "/"}
    queue = deque([(base + "/", 0, "(start)")])
    broken: list[str] = []
    visited = 0
    while queue:
        url, depth, came_from = queue.popleft()
        visited += 1
        assert visited <= MAX_PAGES, f"more than {MAX_PAGES} pages: links without end?"
        answer = context.request.get(url, max_redirects=5)
        if answer.status >= 400:
            broken.append(f"{answer.status} {url} (linked from {came_from})")
            continue
        if "text/html" not in answer.headers.get("content-type", "") or depth == DEPTH:
            continue
        current["url"] = url
        page.goto(url)
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for href in hrefs:
            target, _fragment = urldefrag(urljoin(url, href))
            if not target.startswith(("http://", "https://")) or not _same_site(base, target):
                continue
            if target not in seen:
                seen.add(target)
                queue.append((target, depth + 1, url))
    page.goto("/app")
    page.screenshot(path=str(screenshots / "crawl-summary.png"), full_page=True)
    context.close()
    print(f"crawled {visited} URLs")
    assert not broken, "\n".join(broken)
    script_errors = [e for e in errors if "Failed to load resource" not in e]
    assert not script_errors, "\n".join(script_errors)
    assert visited > 30  # the seeded site was really walked
