"""The ``search`` method through the live server: a word pushed with a real git client is found
moments later (the index is updated off the request path), private repositories stay hidden,
renames and deletions show at once; the result's shape and the argument errors."""

from __future__ import annotations

import time

import pytest

from tests.factories import make_user, unique
from tests.factories.api import create_repo
from tests.transport.clients import Clients, Credentials

POLL_SECONDS = 120  # an upper bound for a busy machine (the index queue may be behind other
# repositories, and each worker process catches up at its start); the loop ends at the first hit


def pushed(live_server, tmp_path, repo_name: str, files: dict[str, str], message: str) -> str:
    clients = Clients(live_server.url, tmp_path)
    admin = Credentials(live_server.admin_username, live_server.admin_password)
    _result, copy = clients.clone("git", repo_name, admin)
    for name, content in files.items():
        commit = copy.commit(name, content, message)
    copy.push(admin).check()
    return commit


def eventually(api, **args) -> dict:
    """Ask until the index has caught up with a push (it is updated in the background)."""
    deadline = time.monotonic() + POLL_SECONDS
    while True:
        result = api.result("search", **args)
        if result["item_count"] or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


@pytest.fixture
def word() -> str:
    return unique("okapi").replace("-", "")


def test_a_pushed_word_is_found(live_server, admin_api, tmp_path, word):
    name = create_repo(admin_api, "git")
    commit = pushed(live_server, tmp_path, name, {"src/zoo.py": f"animal = '{word}'\n"},
                    f"adds the {word}")
    found = eventually(admin_api, search_query=word, search_type="content", repo_name=name)
    assert found["item_count"] == 1
    hit = found["results"][0]
    assert hit["repository"] == name and hit["f_path"] == "src/zoo.py"
    assert hit["extension"] == "py" and hit["commit_id"] == commit
    assert hit["matched_lines"] == [{"line_number": 1, "text": f"animal = '{word}'",
                                     "highlights": [[10, 10 + len(word)]]}]
    assert f'<span class="match">{word}</span>' in hit["content_short_hl"]
    assert set(found) == {"execution_time", "search_type", "results", "page", "item_count",
                          "items_per_page"}
    commits = eventually(admin_api, search_query=word, search_type="commit")
    assert [c["commit_id"] for c in commits["results"]] == [commit]
    assert commits["results"][0]["message"].strip() == f"adds the {word}"
    paths = admin_api.result("search", search_query="zoo extension:py", search_type="path",
                             repo_name=name)
    assert [p["f_path"] for p in paths["results"]] == ["src/zoo.py"]


def test_private_repository_never_shown_to_an_outsider(live_server, admin_api, tmp_path, word):
    secret = create_repo(admin_api, "git", private=True)
    pushed(live_server, tmp_path, secret, {"plan.txt": f"{word}\n"}, "secret plan")
    assert eventually(admin_api, search_query=word, search_type="content")["item_count"] == 1
    outsider = make_user(admin_api)
    for kind in ("content", "path", "commit"):
        seen = outsider.api.result("search", search_query=word, search_type=kind)
        assert (seen["item_count"], seen["results"]) == (0, [])
    assert outsider.api.error("search", search_query=word, search_type="content",
                              repo_name=secret) == f"repository `{secret}` does not exist"


def test_rename_and_deletion(live_server, admin_api, tmp_path, word):
    name = create_repo(admin_api, "git")
    pushed(live_server, tmp_path, name, {"a.txt": f"{word}\n"}, "one")
    assert eventually(admin_api, search_query=word, search_type="content")["item_count"] == 1
    admin_api.result("update_repo", repoid=name, name=name + "-moved")
    found = admin_api.result("search", search_query=word, search_type="content")
    assert [h["repository"] for h in found["results"]] == [name + "-moved"]
    admin_api.result("delete_repo", repoid=name + "-moved")
    gone = admin_api.result("search", search_query=word, search_type="content")
    assert (gone["item_count"], gone["results"]) == (0, [])


@pytest.mark.parametrize("args, error", [
    ({"search_type": "nope"}, {"search_type": '"nope" is not one of content, path, commit'}),
    ({"page_limit": 0}, {"page_limit": "0 is less than minimum value 1"}),
    ({"page_limit": 501}, {"page_limit": "501 is greater than maximum value 500"}),
    ({"search_sort": "sideways"},
     {"search_sort": '"sideways" is not one of desc:date, asc:date, newfirst, oldfirst'}),
    ({"search_query": "?!"}, {"search_query": "Invalid search query. Try quoting it."}),
    ({"page_limit": "many"}, "page_limit must be an integer"),
    ({"repo_name": "no-such-repo"}, "repository `no-such-repo` does not exist"),
    ({"repo_group_name": "no-such-group"}, "repository group `no-such-group` does not exist"),
])
def test_argument_errors(admin_api, args, error):
    call = {"search_query": "anything", "search_type": "content", **args}
    assert admin_api.error("search", **call) == error


def test_required_arguments_and_empty_query(admin_api):
    assert admin_api.error("search", search_query="x") == (
        "Missing non optional `search_type` arg in JSON DATA")
    assert admin_api.result("search", search_query="  ", search_type="content") == {
        "execution_time": ""}
