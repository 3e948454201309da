"""The search service: what it finds, how it ranks, and whom it shows what (both databases,
git and hg). Repositories are indexed by the indexer itself, as the queue would."""

from __future__ import annotations

import pytest

from tests.factories import people, repos
from tests.factories.commits import GIT, run
from vcshub.services import repo_settings
from vcshub.services import repos as repo_service
from vcshub.services import search
from vcshub.services.errors import Invalid, NotFound
from vcshub.services.search import indexer, query

CODE = "import os\n\n\ndef parse_config(path):\n    return open(path).read()  # zebrafish\n"


def index(uow, repo, rebuild: bool = True) -> indexer.Report:
    target = search.target_of(uow, repo.repo_id)
    return indexer.update(uow.settings.search_index_dir, target,
                          uow.settings.search_max_file_bytes, rebuild=rebuild)


def found(uow, caller, text, search_type="content", **scope):
    return query.search(uow, caller, text, search_type, **scope)


@pytest.fixture
def owner(uow):
    return people.caller(uow, people.user(uow))


@pytest.mark.parametrize("kind", ["git", "hg"])
def test_finds_words_phrases_with_line_numbers(uow, owner, kind):
    repo = repos.repo(uow, owner, kind=kind, commits=({"src/app.py": CODE, "README": "hello\n",
                                                       "logo.png": b"\x89PNG\0\0binary"},))
    index(uow, repo)
    results = found(uow, owner, "zebrafish", repo_name=repo.repo_name)
    assert results.count == 1
    hit = results.hits[0]
    assert (hit.repository, hit.f_path, hit.extension) == (repo.repo_name, "src/app.py", "py")
    assert [(m.number, m.text[m.spans[0][0]:m.spans[0][1]]) for m in hit.matches] == [
        (5, "zebrafish")]
    assert found(uow, owner, '"open(path).read"', repo_name=repo.repo_name).count == 1
    assert found(uow, owner, '"read open"', repo_name=repo.repo_name).count == 0
    assert found(uow, owner, "binary", repo_name=repo.repo_name).count == 0  # by path only
    assert [h.f_path for h in found(uow, owner, "logo", "path").hits] == ["logo.png"]


def test_path_and_extension_filters(uow, owner):
    repo = repos.repo(uow, owner, commits=({"src/a.py": "token\n", "docs/a.md": "token\n",
                                            "src/b.txt": "token\n"},))
    index(uow, repo)
    paths = lambda text: sorted(h.f_path for h in found(uow, owner, text).hits)  # noqa: E731
    assert paths("token extension:py") == ["src/a.py"]
    assert paths("token extension:py extension:md") == ["docs/a.md", "src/a.py"]
    assert paths("token path:src") == ["src/a.py", "src/b.txt"]
    assert paths("path:docs") == ["docs/a.md"]
    assert [h.f_path for h in found(uow, owner, "b", "path").hits] == ["src/b.txt"]


def test_a_path_match_ranks_first(uow, owner):
    body = "\n".join(f"line {i} mentions the lexer" for i in range(3)) + "\n"
    repo = repos.repo(uow, owner, commits=({"a/one.txt": body, "b/lexer.txt": "the lexer\n",
                                            "c/two.txt": body},))
    index(uow, repo)
    assert found(uow, owner, "lexer").hits[0].f_path == "b/lexer.txt"


def test_private_repository_hidden_from_outsider_counts_included(uow, owner):
    public = repos.repo(uow, owner, commits=({"f.txt": "quokka\n"},))
    secret = repos.repo(uow, owner, private=True, commits=({"f.txt": "quokka secret\n"},),)
    index(uow, public), index(uow, secret)
    outsider = people.caller(uow, people.user(uow))
    mine = found(uow, owner, "quokka")
    assert {h.repository for h in mine.hits} >= {public.repo_name, secret.repo_name}
    theirs = found(uow, outsider, "quokka")
    assert secret.repo_name not in {h.repository for h in theirs.hits}
    assert theirs.count == mine.count - 1
    assert found(uow, outsider, "secret").count == 0
    with pytest.raises(NotFound):
        found(uow, outsider, "quokka", repo_name=secret.repo_name)


def test_commits_by_message_and_author_newest_first(uow, owner):
    repo = repos.repo(uow, owner, commits=({"a": "1\n"}, {"a": "2\n"}))
    index(uow, repo)
    messages = found(uow, owner, "commit", "commit", repo_name=repo.repo_name)
    assert messages.count == 2
    assert messages.hits[0].date >= messages.hits[1].date
    oldest = found(uow, owner, "commit", "commit", repo_name=repo.repo_name, sort="asc:date")
    assert oldest.hits[0].commit_id == messages.hits[-1].commit_id


@pytest.mark.parametrize("kind", ["git", "hg"])
def test_incremental_update_follows_new_commits(uow, owner, kind):
    repo = repos.repo(uow, owner, kind=kind, commits=({"keep.txt": "stays\n", "gone.txt": "walrus\n"},))
    index(uow, repo)
    repos.add_commits(uow, repo, {"gone.txt": None, "new.txt": "narwhal\n"})
    report = index(uow, repo, rebuild=False)
    assert (report.files_indexed, report.files_removed, report.commits_indexed) == (1, 1, 1)
    assert found(uow, owner, "walrus").count == 0
    assert [h.f_path for h in found(uow, owner, "narwhal").hits] == ["new.txt"]
    assert index(uow, repo, rebuild=False).files_indexed == 0  # nothing new: nothing read


def test_survives_rename_and_deletion(uow, owner):
    repo = repos.repo(uow, owner, commits=({"f.txt": "axolotl\n"},))
    index(uow, repo)
    repo_settings.update_repo(uow, owner, repo.repo_name, {"name": repo.repo_name + "-renamed"})
    assert [h.repository for h in found(uow, owner, "axolotl").hits] == [repo.repo_name]
    assert repo.repo_name.endswith("-renamed")
    repo_service.delete_repo(uow, owner, repo)
    uow.db.flush()
    assert found(uow, owner, "axolotl").count == 0
    indexer.drop(uow.settings.search_index_dir, repo.repo_id)
    assert repo.repo_id not in indexer.indexed_repo_ids(uow.settings.search_index_dir)


def test_group_scope(uow, owner, root):
    group = repos.repo_group(uow, root)
    inside = repos.repo(uow, root, group=group, commits=({"f.txt": "capybara\n"},))
    outside = repos.repo(uow, root, commits=({"f.txt": "capybara\n"},))
    index(uow, inside), index(uow, outside)
    hits = found(uow, root, "capybara", repo_group_name=group.group_name).hits
    assert [h.repository for h in hits] == [inside.repo_name]
    with pytest.raises(NotFound):
        found(uow, root, "capybara", repo_group_name="no/such/group")


@pytest.mark.parametrize("text, kind, field", [
    ("x", "nonsense", "search_type"),
    ("!!! ???", "content", "search_query"),
])
def test_bad_queries(uow, owner, text, kind, field):
    with pytest.raises(Invalid) as raised:
        found(uow, owner, text, kind)
    assert raised.value.field == field


def test_annotated_tags_and_branches_are_followed(uow, owner):
    repo = repos.repo(uow, owner, commits=({"a.txt": "one\n"},))
    index(uow, repo)
    folder = repos.folder(uow, repo)
    run([GIT, "--git-dir", str(folder), "tag", "-a", "-m", "release", "v1", "master"])
    repos.add_commits(uow, repo, {"b.txt": "elsewhere\n"}, branch="side")
    report = index(uow, repo, rebuild=False)
    assert (report.commits_indexed, report.files_indexed) == (1, 0)  # landing is master
    assert found(uow, owner, "elsewhere").count == 0
    assert found(uow, owner, "commit", "commit", repo_name=repo.repo_name).count == 2


def test_forced_push_back_to_an_older_commit(uow, owner):
    repo = repos.repo(uow, owner)
    first, _second = repos.add_commits(uow, repo, {"f.txt": "ibis\n", "old.txt": "kept\n"},
                                       {"f.txt": "heron\n", "old.txt": None})
    index(uow, repo)
    assert found(uow, owner, "heron").count == 1
    run([GIT, "--git-dir", str(repos.folder(uow, repo)), "update-ref", "refs/heads/master", first])
    report = index(uow, repo, rebuild=False)
    assert (report.files_indexed, report.files_removed) == (2, 0)
    assert found(uow, owner, "heron").count == 0
    assert [h.f_path for h in found(uow, owner, "kept").hits] == ["old.txt"]
    assert [h.f_path for h in found(uow, owner, "ibis").hits] == ["f.txt"]
