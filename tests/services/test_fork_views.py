"""services.fork_views: which forks and which parent a viewer sees, and where he may fork to.
Visibility is the permission maps' (private forks hidden unless granted), in a fixed number of
statements however many forks there are."""

from __future__ import annotations

from tests.factories import people
from tests.factories import repos as make
from tests.services.test_permission_query_count import _StatementCounter
from vcshub.db.models import Repository
from vcshub.services import fork_views, grants, repo_group_permissions, repo_permissions, repo_settings


def _fork(uow, root, source: Repository, **spec) -> Repository:
    """A repository recorded as a fork of ``source`` (no clone: only the relation matters)."""
    made = make.repo(uow, root, **spec)
    repo_settings.update_repo(uow, root, made.repo_id, {"fork_of": source.repo_id})
    return made


def test_forks_are_listed_to_who_may_read_each_one(uow, root):
    alice = people.user(uow)
    source = make.repo(uow, root)
    public = _fork(uow, root, source, description="open <b>fork</b>")
    hidden = _fork(uow, root, source, private=True)
    granted = _fork(uow, root, source, private=True)
    repo_permissions.grant_user(uow, root, granted, alice, "repository.read")
    make.repo(uow, root)  # not a fork: never listed

    def names(user):
        return [row.repo_name for row in fork_views.visible_forks(uow, user, source)]

    assert names(None) == [public.repo_name]  # anonymous: the default user's rights
    assert names(alice) == sorted([public.repo_name, granted.repo_name])
    assert names(root.user) == sorted([public.repo_name, hidden.repo_name, granted.repo_name])
    row = fork_views.visible_forks(uow, None, source)[0]
    assert (row.description, row.repo_type, row.private) == ("open <b>fork</b>", "git", False)
    assert row.owner == root.user.username


def test_a_fork_hidden_by_revoking_the_default_row_is_not_listed(uow, root):
    alice = people.user(uow)
    source = make.repo(uow, root)
    fork = _fork(uow, root, source)
    grants.set_user(uow, grants.REPO, fork.repo_id, people.default_user(uow).user_id,
                    "repository.none")
    assert fork_views.visible_forks(uow, alice, source) == []
    assert fork_views.visible_forks(uow, None, source) == []


def test_listing_forks_costs_the_same_statements_for_3_or_30(uow, root):
    alice = people.user(uow)

    def statements(count: int) -> int:
        source = make.repo(uow, root)
        rows = [Repository(repo_name=f"{source.repo_name}-f{n}", repo_type="git",
                           owner_id=root.user_id, fork_id=source.repo_id, private=n % 2 == 0)
                for n in range(count)]
        uow.db.add_all(rows)
        uow.db.flush()
        grants.set_user_many(uow, grants.REPO, [r.repo_id for r in rows if not r.private],
                             people.default_user(uow).user_id, "repository.read")
        viewer = uow.db.merge(alice)
        with _StatementCounter(uow.db.get_bind()) as counter:
            shown = fork_views.visible_forks(uow, viewer, source)
        assert len(shown) == count // 2
        return len(counter.statements)

    assert statements(3) == statements(30)


def test_the_parent_is_shown_only_to_who_may_read_it(uow, root):
    alice = people.user(uow)
    parent = make.repo(uow, root, private=True)
    fork = _fork(uow, root, parent)
    assert fork_views.visible_parent(uow, alice, fork) is None
    assert fork_views.visible_parent(uow, None, fork) is None
    assert fork_views.visible_parent(uow, root.user, fork).repo_id == parent.repo_id
    repo_permissions.grant_user(uow, root, parent, alice, "repository.read")
    assert fork_views.visible_parent(uow, alice, fork).repo_id == parent.repo_id
    assert fork_views.visible_parent(uow, alice, parent) is None  # not a fork


def test_fork_places_follow_the_global_rights_and_group_admin(uow, root):
    anywhere, in_group, none = people.user(uow), people.user(uow), people.user(uow)
    mine = make.repo_group(uow, root)
    other = make.repo_group(uow, root)
    people.global_rights(uow, in_group, "hg.create.none", "hg.fork.repository")
    repo_group_permissions.grant_user(uow, root, mine, in_group, "group.admin")
    people.global_rights(uow, none, "hg.fork.none")

    everywhere = fork_views.fork_places(uow, anywhere)
    assert everywhere.may_fork and everywhere.top_level
    assert {mine.group_name, other.group_name} <= set(everywhere.groups)
    only = fork_views.fork_places(uow, in_group)
    assert (only.may_fork, only.top_level, only.groups) == (True, False, [mine.group_name])
    assert fork_views.fork_places(uow, none) == fork_views.ForkPlaces(False, False, [])
