"""services.repo_index called directly: what one level of the group tree shows to whom, its
filter and its pages (the home page and /<group> render exactly this)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import people
from tests.factories import repos as make
from vcshub.services import repo_group_permissions, repo_index, repo_permissions
from vcshub.services.errors import NotFound


@pytest.fixture
def tree(uow, root):
    """top/ holding inner/ (one private repository) and 52 public repositories."""
    top = make.repo_group(uow, root)
    inner = make.repo_group(uow, root, parent=top, description="inside")
    hidden = make.repo(uow, root, group=inner, private=True)
    public = [make.repo(uow, root, f"{top.group_name}/r{i:02d}") for i in range(52)]
    return top, inner, hidden, public


def test_a_group_level_lists_subgroups_then_repositories_in_pages(uow, root, tree):
    top, inner, hidden, public = tree
    admin = people.admin(uow)
    first = repo_index.level(uow, admin, top.group_name)
    assert [g.name for g in first.groups] == [inner.short_name]
    assert first.groups[0].repo_count == 1 and first.groups[0].description == "inside"
    assert (first.page, first.pages, first.total) == (1, 2, 53)
    assert len(first.repos) == repo_index.PAGE_SIZE  # groups and repositories page side by side
    second = repo_index.level(uow, admin, top.group_name, page=2)
    assert (second.groups, len(second.repos)) == ([], 2)
    shown = {r.repo_name for r in first.repos + second.repos}
    assert shown == {r.repo_name for r in public}  # one level: not the inner repository
    assert repo_index.level(uow, admin, top.group_name, page=99).page == 2  # past the end
    assert [p for p, _ in first.parents] == top.group_name.split("/")


def test_anonymous_sees_no_private_repository_and_no_closed_group(uow, root, tree):
    top, inner, hidden, public = tree
    anonymous = repo_index.level(uow, None, top.group_name, filter_text=hidden.repo_name.split("/")[-1])
    assert anonymous.repos == []
    assert repo_index.level(uow, None, inner.group_name).repos == []
    repo_group_permissions.grant_user(uow, root, inner, people.default_user(uow), "group.none")
    uow.db.flush()
    assert [g.name for g in repo_index.level(uow, None, top.group_name).groups] == []
    with pytest.raises(NotFound) as closed:
        repo_index.level(uow, None, inner.group_name)
    assert str(closed.value) == f"repository `{inner.group_name}` does not exist"


def test_a_reader_sees_the_private_repository_and_its_groups(uow, root, tree):
    top, inner, hidden, public = tree
    reader = people.user(uow)
    repo_permissions.grant_user(uow, root, hidden, reader, "repository.read")
    uow.db.flush()
    found = repo_index.level(uow, reader, None, filter_text=hidden.repo_name.split("/")[-1])
    assert [r.repo_name for r in found.repos] == [hidden.repo_name]
    assert [r.repo_name for r in repo_index.level(uow, reader, inner.group_name).repos] == [hidden.repo_name]


def test_a_missing_group_is_not_found_as_a_missing_repository(uow, root):
    with pytest.raises(NotFound) as missing:
        repo_index.level(uow, None, "no-such-group-here")
    assert str(missing.value) == "repository `no-such-group-here` does not exist"
    assert not repo_index.group_exists(uow, "x\0y")


def test_last_change_is_the_tip_time_in_utc(uow, root):
    """The stored tip date is the VCS's local time: shown and compared as UTC, like the
    creation time of an empty repository beside it."""
    started = dt.datetime.now(dt.UTC)
    group = make.repo_group(uow, root)
    made = make.repo(uow, root, group=group, commits=({"a.txt": "a\n"},))
    empty = make.repo(uow, root, group=group)
    rows = {r.repo_name: r for r in repo_index.level(uow, people.admin(uow), group.group_name).repos}
    for repo in (made, empty):
        changed = rows[repo.repo_name].last_change
        assert changed.utcoffset() == dt.timedelta(0)
        assert abs(changed - started) < dt.timedelta(minutes=5)
