"""What the permission-map cache may keep and for whom: never a rolled-back change, never an
answer another process's commit made stale, always this unit's own changes; writes that change
nobody's permissions keep it (issue 17, item 2)."""

from __future__ import annotations

import pytest

from tests.concurrency import run_together
from tests.services.permission_cache_world import (  # noqa: F401 - fixtures
    Instance,
    StatementCounter,
    cache_db,
    instance,
    user_of,
)
from vcshub.db.engine import create_db_engine
from vcshub.permissions.caller import Caller
from vcshub.permissions.map_cache import MISSING, PermissionMapCache
from vcshub.services import locks, lookup, repo_permissions, repo_settings


class Refused(Exception):
    pass


def grant(uow, admin, repo_name: str, username: str, perm: str) -> None:
    repo_permissions.grant_user(
        uow, admin, lookup.repo(uow.db, repo_name), user_of(uow, username), perm
    )


def repo_perm(instance: Instance, username: str, repo_name: str) -> str | None:
    return instance.report(username)["repositories"].get(repo_name)


def test_a_rolled_back_change_leaves_no_stale_entry(instance):
    me, other, private = instance.user(), instance.user(), instance.repo(private=True)
    elsewhere = instance.repo(private=True)
    instance.warm(me)

    with pytest.raises(Refused), instance.unit() as uow:
        admin = Caller(uow.db, lookup.user(uow.db, "admin"))
        grant(uow, admin, private, me, "repository.write")
        repo_id = lookup.repo(uow.db, private).repo_id
        # The unit sees its own change; those maps are uncommitted and must not be shared.
        assert Caller(uow.db, user_of(uow, me)).perms.repos()[repo_id] == "repository.write"
        raise Refused
    assert repo_perm(instance, me, private) == "repository.none"

    # The next committed change reaches the generation the rolled-back unit had read.
    instance.act(lambda uow, admin: grant(uow, admin, elsewhere, other, "repository.read"))
    assert repo_perm(instance, me, private) == "repository.none"
    assert repo_perm(instance, other, elsewhere) == "repository.read"


def test_two_processes_see_each_others_changes_at_once(instance, cache_db):
    settings, _engine = cache_db
    second_engine = create_db_engine(settings.effective_database_url)
    try:
        first, second = instance, Instance(settings, second_engine)
        me, private = first.user(), first.repo(private=True)
        for process in (first, second):
            assert process.warm(me)["repositories"][private] == "repository.none"

        first.act(lambda uow, admin: grant(uow, admin, private, me, "repository.read"))
        assert repo_perm(second, me, private) == "repository.read"

        for process in (first, second):
            process.warm(me)
        second.act(lambda uow, admin: grant(uow, admin, private, me, "repository.admin"))
        assert repo_perm(first, me, private) == "repository.admin"
        assert repo_perm(second, me, private) == "repository.admin"
    finally:
        second_engine.dispose()


def test_a_unit_sees_its_own_changes_in_maps_it_had_already_read(instance):
    me, private = instance.user(), instance.repo(private=True)
    instance.warm(me)
    with instance.unit() as uow:
        perms = Caller(uow.db, user_of(uow, me)).perms
        repo_id = lookup.repo(uow.db, private).repo_id
        assert perms.repos()[repo_id] == "repository.none"  # from the cache
        grant(uow, Caller(uow.db, lookup.user(uow.db, "admin")), private, me, "repository.read")
        assert perms.repos()[repo_id] == "repository.read"
        assert perms.repo(repo_id) == "repository.read"
    assert repo_perm(instance, me, private) == "repository.read"


def test_concurrent_changes_each_bump_once_and_all_are_seen(instance):
    """Writers changing permissions at the same moment all commit, none loses its bump."""
    people = [instance.user() for _ in range(4)]
    private = instance.repo(private=True)
    for person in people:
        instance.warm(person)
    before = instance.generation()
    outcomes = run_together(len(people), lambda i: instance.act(
        lambda uow, admin: grant(uow, admin, private, people[i], "repository.read")
    ))
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert instance.generation() == before + len(people)
    assert [repo_perm(instance, p, private) for p in people] == ["repository.read"] * 4


def test_changes_to_nobodys_permissions_keep_the_cache(instance):
    """A lock, a description, a flag: the generation stays, the next unit uses the cache."""
    me = instance.user()
    name = instance.repo(owner=me)
    instance.warm(me)
    before = instance.generation()

    def unrelated(uow, admin):
        repo_settings.update_repo(uow, admin, name, {"description": "new", "enable_locking": True})
        locks.set_lock(uow, lookup.repo(uow.db, name), user_of(uow, me), locks.REASON_PULL)

    instance.act(unrelated)
    assert instance.generation() == before
    assert len(instance.permission_statements(me)) == 1


def test_a_single_repository_check_never_computes_the_whole_map(instance):
    me, private = instance.user(), instance.repo(private=True)
    instance.act(lambda uow, admin: grant(uow, admin, private, me, "repository.write"))
    with instance.unit(writes=False) as uow:
        repo_id = lookup.repo(uow.db, private).repo_id
        assert Caller(uow.db, user_of(uow, me)).perms.repo(repo_id) == "repository.write"
    assert len(instance.permission_statements(me)) > 1  # nothing was cached by the check
    # Once the full map is cached, the check is answered from it: the generation query only.
    with instance.unit(writes=False) as uow:
        perms = Caller(uow.db, user_of(uow, me)).perms
        with StatementCounter(instance.engine) as counter:
            assert perms.repo(repo_id) == "repository.write"
        assert len(counter.statements) == 1


def test_shared_maps_cannot_be_changed_by_a_caller(instance):
    me = instance.user()
    instance.warm(me)
    with instance.unit(writes=False) as uow:
        repos = Caller(uow.db, user_of(uow, me)).perms.repos()
        with pytest.raises(TypeError):
            repos[0] = "repository.admin"


# -- the cache itself ----------------------------------------------------------------------------


def test_the_cache_drops_older_generations_and_refuses_late_values():
    cache = PermissionMapCache()
    cache.put("u", 5, "repos", {1: "repository.read"}, 1)
    assert cache.get("u", 5, "repos") == {1: "repository.read"}
    assert cache.get("u", 6, "repos") is MISSING  # a newer generation: everything went
    cache.put("u", 5, "repos", {1: "repository.read"}, 1)  # computed late, at an older one
    assert cache.get("u", 5, "repos") is MISSING and cache.get("u", 6, "repos") is MISSING


def test_the_cache_is_bounded_by_users_and_by_map_items():
    cache = PermissionMapCache(max_users=2, max_items=100)
    for user in ("a", "b", "c"):
        cache.put(user, 1, "repos", {}, 0)
    assert cache.get("a", 1, "repos") is MISSING and len(cache) == 2
    assert cache.get("b", 1, "repos") == {}  # b is now the most recently used
    cache.put("d", 1, "repos", {}, 60)
    cache.put("e", 1, "repos", {}, 60)  # b goes (three users), then d (122 items)
    assert [u for u in "bcde" if cache.get(u, 1, "repos") is not MISSING] == ["e"]
    cache.put("f", 1, "repos", {}, 100)  # larger than the whole cache: not kept
    assert cache.get("f", 1, "repos") is MISSING
