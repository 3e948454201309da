"""The SQL statements of one user's full permission computation: a handful, the same for 200
repositories as for 400 or 800 (REFERENCE.md 2.5); and in the next unit of work, when nothing
changed, the generation query alone (issue 17, item 2)."""

from __future__ import annotations

from sqlalchemy import event

from tests.services.permission_cache_world import (  # noqa: F401 - fixtures
    cache_db,
    instance,
    user_of,
)
from tests.services.permission_world import World
from vcshub.db.models import Repository
from vcshub.permissions.effective import EffectivePermissions
from vcshub.services import grants, lookup, repo_group_permissions, repo_permissions


class _StatementCounter:
    def __init__(self, engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _count(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


GROUPS, USER_GROUPS = 20, 5


def _add_repositories(w: World, groups, per_group: int, start: int) -> list[int]:
    """Repository rows inside the groups (no folders: only the permission maps are measured),
    with their default rows written by the grants service; every fifth one private."""
    db = w.uow.db
    created = []
    for group in groups:
        for n in range(start, start + per_group):
            created.append(
                Repository(
                    repo_name=f"{group.group_name}/r{n}", repo_type="git",
                    group_id=group.group_id, owner_id=w.other.user_id, private=n % 5 == 0,
                )
            )
    db.add_all(created)
    db.flush()
    public = [r.repo_id for r in created if not r.private]
    private = [r.repo_id for r in created if r.private]
    grants.set_user_many(w.uow, grants.REPO, public, w.default.user_id, "repository.read")
    grants.set_user_many(w.uow, grants.REPO, private, w.default.user_id, "repository.none")
    return [r.repo_id for r in created]


def _grant_everything(w: World, groups, ugs) -> None:
    """Each user group holds a level on four groups and everything below; ``me`` has explicit
    rows on two groups' repositories; the same calls again after adding repositories."""
    levels = ("group.read", "group.write", "group.admin", "group.none", "group.read")
    for i, ug in enumerate(ugs):
        for group in groups[i * 4:(i + 1) * 4]:
            w.grant_ug(group, ug, levels[i], "all")
    w.grant_user(groups[0], w.me, "group.none", "repos")
    w.grant_user(groups[7], w.me, "group.admin", "all")


def _measure(w: World) -> tuple[int, list[str], EffectivePermissions]:
    w.uow.db.flush()  # nothing pending may be flushed (and counted) while measuring
    perms = EffectivePermissions(w.uow.db, w.me)
    with _StatementCounter(w.uow.db.get_bind()) as counter:
        assert perms.global_perms
        perms.repos()
        perms.repo_groups()
        perms.user_groups()
    return len(counter.statements), counter.statements, perms


def test_bulk_permissions_use_a_constant_handful_of_queries(world):
    w = world
    groups = [w.group() for _ in range(GROUPS)]
    ugs = [w.user_group(f"ug{i}", w.me) for i in range(USER_GROUPS)]
    for ug in ugs[:3]:  # permissions on user groups too
        w.grant_ug_on_ug(w.user_group("", w.other), ug, "usergroup.write")
    first = _add_repositories(w, groups, 10, 0)
    _grant_everything(w, groups, ugs)

    count_200, statements_200, perms = _measure(w)
    repo_map = perms.repos()
    assert len(first) == 200 and set(first) <= set(repo_map)
    assert len(perms.repo_groups()) >= GROUPS

    second = _add_repositories(w, groups, 10, 10)
    _grant_everything(w, groups, ugs)
    count_400, statements_400, perms = _measure(w)
    repo_map = perms.repos()
    assert set(first + second) <= set(repo_map)

    # spot checks of the 400-repository map
    in_group = {g.group_id: [] for g in groups}
    for repo_id, group_id, private in w.uow.db.query(
        Repository.repo_id, Repository.group_id, Repository.private
    ).filter(Repository.repo_id.in_(first + second)):
        in_group[group_id].append((repo_id, private))
    for repo_id, private in in_group[groups[0].group_id]:
        assert repo_map[repo_id] == "repository.none"  # explicit none beats ug0's read
    for repo_id, private in in_group[groups[7].group_id]:
        assert repo_map[repo_id] == "repository.admin"  # explicit admin beats ug1's write
    for repo_id, private in in_group[groups[5].group_id]:
        assert repo_map[repo_id] == "repository.write"  # ug1, private or not
    for repo_id, private in in_group[groups[13].group_id]:
        assert repo_map[repo_id] == "repository.none"  # ug3's none replaces the default
    for repo_id, private in in_group[groups[19].group_id]:
        assert repo_map[repo_id] == "repository.read"  # ug4 (private ones too)

    # twice the groups and user groups (with their repositories and grants): still the same
    more_groups = [w.group() for _ in range(GROUPS)]
    more_ugs = [w.user_group(f"ug{USER_GROUPS + i}", w.me) for i in range(USER_GROUPS)]
    _add_repositories(w, more_groups, 20, 0)
    _grant_everything(w, more_groups, more_ugs)
    count_more, statements_more, perms = _measure(w)
    assert len(perms.repos()) >= 800 and len(perms.repo_groups()) >= 2 * GROUPS

    assert count_400 == count_200, (statements_200, statements_400)
    assert count_more == count_200, (statements_200, statements_more)
    assert count_200 <= 20, statements_200  # "a handful", never one per object


def test_the_next_unit_of_work_runs_only_the_generation_query(instance):
    """Cold, a handful of statements; warm, one: the generation, read before anything else."""
    me, admin = instance.user(), "admin"
    team, group = instance.user_group(me), instance.group()
    repos = [instance.repo(group=group, private=n % 3 == 0) for n in range(6)]

    def grant_some(uow, root):
        g, ug = lookup.repo_group(uow.db, group), lookup.user_group(uow.db, team)
        repo_group_permissions.grant_user_group(uow, root, g, ug, "group.write", "all")
        repo_permissions.grant_user(
            uow, root, lookup.repo(uow.db, repos[0]), user_of(uow, me), "repository.admin"
        )

    instance.act(grant_some)
    for username in (me, admin):
        cold = instance.permission_statements(username)
        assert 1 < len(cold) <= 20, cold
        assert "permission_generation" in cold[0], cold  # before any permission row
        warm = instance.permission_statements(username)
        assert len(warm) == 1 and "permission_generation" in warm[0], warm
    report = instance.report(me)
    assert report["repositories"][repos[0]] == "repository.admin"  # his own row
    assert report["repositories"][repos[3]] == "repository.write"  # the group's, private too
