"""Reading the journal: a user's journal (followed repositories and his own actions) and the
public journal show only entries of repositories the reader may read."""

from __future__ import annotations

import pytest

from tests.factories import people
from tests.factories import repos as repo_factory
from vcshub.db.models import UserFollowing
from vcshub.services import journal, journal_view, repo_permissions, repo_settings


@pytest.fixture(params=["git", "hg"])
def kind(request) -> str:
    return request.param


def push(uow, repo, user, *changes) -> list[str]:
    """Commits pushed as ``user`` and journaled as the transport does after a push."""
    before = journal.snapshot(uow, repo)
    ids = repo_factory.add_commits(uow, repo, *changes)
    journal.record_push(uow, repo, user, before)
    return ids


def names(found) -> list[str]:
    return [item.repo_name for item in found.items]


def test_a_private_push_is_in_its_owners_journal_only(uow, root, kind):
    owner = people.user(uow)
    other = people.user(uow)
    private = repo_factory.repo(uow, root, kind=kind, owner=owner, private=True)
    ids = push(uow, private, owner, {"a.txt": "1\n"}, {"a.txt": "2\n"})

    mine = journal_view.user_journal(uow, owner)  # the owner follows what he creates
    item = mine.items[0]
    assert (item.repo_name, item.username, item.action) == (private.repo_name, owner.username, "push")
    assert item.commit_ids == ids or set(item.commit_ids) == set(ids)
    assert [(r.kind, r.new) for r in item.refs] == [("branch", ids[-1])]
    assert item.created_on.tzinfo is not None

    uow.db.add(UserFollowing(user_id=other.user_id, follows_repo_id=private.repo_id))
    uow.db.flush()  # following a repository does not open it
    assert private.repo_name not in names(journal_view.user_journal(uow, other))
    assert private.repo_name not in names(journal_view.public_journal(uow))

    repo_permissions.grant_user(uow, root, private, other, "repository.read")
    assert private.repo_name in names(journal_view.user_journal(uow, other))


def test_public_journal_shows_public_repositories(uow, root):
    owner = people.user(uow)
    public = repo_factory.repo(uow, root, owner=owner)
    private = repo_factory.repo(uow, root, owner=owner, private=True)
    push(uow, public, owner, {"p.txt": "p\n"})
    push(uow, private, owner, {"s.txt": "s\n"})
    shown = names(journal_view.public_journal(uow, per_page=1000))
    assert public.repo_name in shown and private.repo_name not in shown


def test_own_actions_show_without_following_and_pages(uow, root):
    pusher = people.user(uow)
    target = repo_factory.repo(uow, root)  # root's repository, public: pusher does not follow it
    for i in range(3):
        push(uow, target, pusher, {"n.txt": f"{i}\n"})
    first = journal_view.user_journal(uow, pusher, page=1, per_page=2)
    second = journal_view.user_journal(uow, pusher, page=2, per_page=2)
    assert (len(first.items), first.has_next) == (2, True)
    assert (len(second.items), second.has_next) == (1, False)
    ids = [i.entry_id for i in first.items + second.items]
    assert ids == sorted(ids, reverse=True)  # newest first
    stranger = people.user(uow)
    assert target.repo_name not in names(journal_view.user_journal(uow, stranger))


def test_entries_link_to_the_repositorys_name_now(uow, root):
    owner = people.user(uow)
    repo = repo_factory.repo(uow, root, owner=owner)
    push(uow, repo, owner, {"a.txt": "1\n"})
    new_name = repo.repo_name + "-renamed"
    repo_settings.update_repo(uow, root, repo.repo_name, {"name": new_name})
    item = journal_view.user_journal(uow, owner).items[0]
    assert (item.repo_name, item.repo_exists) == (new_name, True)


def test_many_readable_repositories_are_filtered_while_reading(uow, root, monkeypatch):
    """Past _FEW readable repositories the rows are filtered in Python, page by page: the
    same answers as the SQL filter."""
    owner = people.user(uow)
    public = [repo_factory.repo(uow, root, owner=owner) for _ in range(3)]
    private = repo_factory.repo(uow, root, owner=owner, private=True)
    for repo in (*public, private):
        push(uow, repo, owner, {"x.txt": "x\n"})
    in_sql = [journal_view.public_journal(uow, page, per_page=2) for page in (1, 2, 3)]
    monkeypatch.setattr(journal_view, "_FEW", 0)
    monkeypatch.setattr(journal_view, "_SCAN", 3)
    scanned = [journal_view.public_journal(uow, page, per_page=2) for page in (1, 2, 3)]
    assert scanned == in_sql
    shown = [name for found in scanned for name in names(found)]
    assert private.repo_name not in shown and {r.repo_name for r in public} <= set(shown)
