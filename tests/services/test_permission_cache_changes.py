"""Every kind of change that can alter a user's permissions is seen by the very next unit of
work, although the maps before it were served from the process's cache (issue 17, item 2).

Each test warms the cache in one unit (and checks that a further unit would be answered by the
cache alone), makes the change in a second unit through the real service, and reads the answer
in a third.
"""

from __future__ import annotations

import time

import orjson
import pytest
from sqlalchemy import select

from tests.factories import people
from tests.services.permission_cache_world import (  # noqa: F401 - fixtures
    Instance,
    StatementCounter,
    cache_db,
    instance,
    user_of,
)
from vcshub.api.methods import build_registry
from vcshub.api.protocol import ApiRequest, Dispatcher
from vcshub.auth.errors import InactiveUser, IpNotAllowed
from vcshub.auth.identity import check_user_access, find_token_owner
from vcshub.db.models import UserGlobalPermission
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import (
    auth_tokens,
    lookup,
    repo_group_permissions,
    repo_groups,
    repo_permissions,
    repo_settings,
    repos,
    user_accounts,
    user_groups,
    users,
)
from vcshub.services.permission_report import permission_report


def repo_perm(instance: Instance, username: str, repo_name: str) -> str | None:
    return instance.report(username)["repositories"].get(repo_name)


def grant(instance: Instance, repo_name: str, username: str, perm: str) -> None:
    instance.act(lambda uow, admin: repo_permissions.grant_user(
        uow, admin, lookup.repo(uow.db, repo_name), user_of(uow, username), perm
    ))


def test_grant_and_revoke(instance):
    me, private = instance.user(), instance.repo(private=True)
    assert instance.warm(me)["repositories"][private] == "repository.none"

    grant(instance, private, me, "repository.write")
    assert repo_perm(instance, me, private) == "repository.write"

    instance.warm(me)
    instance.act(lambda uow, admin: repo_permissions.revoke_user(
        uow, admin, lookup.repo(uow.db, private), user_of(uow, me)
    ))
    assert repo_perm(instance, me, private) == "repository.none"


def test_user_group_grant_and_membership(instance):
    me, private = instance.user(), instance.repo(private=True)
    team = instance.user_group()
    instance.act(lambda uow, admin: repo_permissions.grant_user_group(
        uow, admin, lookup.repo(uow.db, private), lookup.user_group(uow.db, team), "repository.read"
    ))
    assert instance.warm(me)["repositories"][private] == "repository.none"

    instance.act(lambda uow, admin: user_groups.add_member(
        uow, admin, lookup.user_group(uow.db, team), user_of(uow, me)
    ))
    assert repo_perm(instance, me, private) == "repository.read"

    instance.warm(me)
    instance.act(lambda uow, admin: user_groups.remove_member(
        uow, admin, lookup.user_group(uow.db, team), user_of(uow, me)
    ))
    assert repo_perm(instance, me, private) == "repository.none"


def test_user_group_deactivation_and_activation(instance):
    me, private = instance.user(), instance.repo(private=True)
    team = instance.user_group(me)
    instance.act(lambda uow, admin: repo_permissions.grant_user_group(
        uow, admin, lookup.repo(uow.db, private), lookup.user_group(uow.db, team),
        "repository.admin",
    ))
    assert instance.warm(me)["repositories"][private] == "repository.admin"

    def set_active(active):
        instance.act(lambda uow, admin: user_groups.update_user_group(
            uow, admin, team, {"active": active}
        ))

    set_active(False)
    assert repo_perm(instance, me, private) == "repository.none"
    instance.warm(me)
    set_active(True)
    assert repo_perm(instance, me, private) == "repository.admin"


def test_repository_moved_into_a_group_whose_permissions_are_applied_to_children(instance):
    me, group = instance.user(), instance.group()
    outside = instance.repo(private=True)
    instance.act(lambda uow, admin: repo_group_permissions.grant_user(
        uow, admin, lookup.repo_group(uow.db, group), user_of(uow, me), "group.write"
    ))
    before = instance.warm(me)
    assert before["repositories"][outside] == "repository.none"
    assert before["repositories_groups"][group] == "group.write"

    moved = instance.act(lambda uow, admin: repo_settings.update_repo(
        uow, admin, outside, {"group": group}
    ).repo_name)
    # No inheritance through groups (rows are copied down, never implied): same level...
    assert repo_perm(instance, me, moved) == "repository.none"
    instance.warm(me)
    instance.act(lambda uow, admin: repo_group_permissions.grant_user(
        uow, admin, lookup.repo_group(uow.db, group), user_of(uow, me), "group.write", "repos"
    ))
    # ...until the group's permissions are applied to its children.
    assert repo_perm(instance, me, moved) == "repository.write"


def test_repository_group_owner_and_parent(instance):
    me, parent, group = instance.user(), instance.group(), instance.group()
    assert instance.warm(me)["repositories_groups"][group] == "group.read"
    instance.act(lambda uow, admin: repo_groups.update_repo_group(uow, admin, group, {"owner": me}))
    assert instance.report(me)["repositories_groups"][group] == "group.admin"

    instance.warm(me)
    moved = instance.act(lambda uow, admin: repo_groups.update_repo_group(
        uow, admin, group, {"parent": parent}
    ).group_name)
    report = instance.report(me)
    assert moved == f"{parent}/{group}" and report["repositories_groups"][moved] == "group.admin"


def test_privacy_change(instance):
    me, public = instance.user(), instance.repo()
    assert instance.warm(me)["repositories"][public] == "repository.read"

    instance.act(
        lambda uow, admin: repo_settings.update_repo(uow, admin, public, {"private": True})
    )
    assert repo_perm(instance, me, public) == "repository.none"


def test_owner_change(instance):
    me, private = instance.user(), instance.repo(private=True)
    assert instance.warm(me)["repositories"][private] == "repository.none"

    instance.act(lambda uow, admin: repo_settings.update_repo(uow, admin, private, {"owner": me}))
    assert repo_perm(instance, me, private) == "repository.admin"


def test_default_permission_on_a_repository(instance):
    me, public = instance.user(), instance.repo()
    assert instance.warm(me)["repositories"][public] == "repository.read"

    grant(instance, public, DEFAULT_USERNAME, "repository.write")
    assert repo_perm(instance, me, public) == "repository.write"


def test_site_default_global_permissions(instance):
    """The ``default`` user's global rows are the site defaults every inheriting user has."""
    me = instance.user()
    assert "hg.create.repository" in instance.warm(me)["global"]

    def forbid_creation(uow, _admin):
        default = people.default_user(uow)
        row = uow.db.scalar(select(UserGlobalPermission).where(
            UserGlobalPermission.user_id == default.user_id,
            UserGlobalPermission.permission == "hg.create.repository",
        ))
        row.permission = "hg.create.none"

    def allow_creation(uow, _admin):
        default = people.default_user(uow)
        row = uow.db.scalar(select(UserGlobalPermission).where(
            UserGlobalPermission.user_id == default.user_id,
            UserGlobalPermission.permission == "hg.create.none",
        ))
        row.permission = "hg.create.repository"

    instance.act(forbid_creation)
    try:
        assert "hg.create.none" in instance.report(me)["global"]
    finally:
        instance.act(allow_creation)
    assert "hg.create.repository" in instance.report(me)["global"]


def test_own_global_permissions_and_inheritance(instance):
    me = instance.user()
    assert "hg.create.repository" in instance.warm(me)["global"]

    instance.act(lambda uow, _: people.global_rights(uow, user_of(uow, me), "hg.create.none"))
    assert "hg.create.none" in instance.report(me)["global"]


def test_admin_flag(instance):
    me, private = instance.user(), instance.repo(private=True)
    assert instance.warm(me)["repositories"][private] == "repository.none"

    instance.act(lambda uow, admin: users.update_user(uow, admin, me, {"admin": True}))
    assert repo_perm(instance, me, private) == "repository.admin"
    instance.warm(me)
    instance.act(lambda uow, admin: users.update_user(uow, admin, me, {"admin": False}))
    assert repo_perm(instance, me, private) == "repository.none"


def test_user_deactivation(instance):
    """A deactivated user is refused before any map is read; the generation moves all the
    same, so that no answer computed for the active account outlives the change."""
    me = instance.user()
    token = instance.act(lambda uow, _: auth_tokens.create_token(
        uow, user_of(uow, me), "all"
    ).revealed_token)
    instance.warm(me)
    before = instance.generation()

    instance.act(lambda uow, admin: users.update_user(uow, admin, me, {"active": False}))
    assert instance.generation() > before
    statements = instance.permission_statements(me)
    assert len(statements) > 1  # computed again, not answered from the cache
    with instance.unit(writes=False) as uow:
        owner, _role, _whitelist = find_token_owner(uow.db, token, 0.0)
        with pytest.raises(InactiveUser):
            check_user_access(uow.db, owner, "127.0.0.1")


def test_repository_creation_and_deletion(instance):
    me = instance.user()
    instance.warm(me)

    made = instance.repo()
    assert repo_perm(instance, me, made) == "repository.read"

    with instance.unit(writes=False) as uow:
        repo_id = lookup.repo(uow.db, made).repo_id
    instance.warm(me)
    instance.act(lambda uow, admin: repos.delete_repo(uow, admin, lookup.repo(uow.db, made)))
    with instance.unit(writes=False) as uow:
        assert repo_id not in Caller(uow.db, user_of(uow, me)).perms.repos()


def test_renames_are_seen_in_the_report_by_name(instance):
    """get_user's report (by name) is cached with the maps: renaming a repository, a group
    (which renames the repositories in it) or a user group bumps the generation."""
    me, group = instance.user(), instance.group()
    inside, alone = instance.repo(group=group), instance.repo()
    team = instance.user_group(me)
    before = instance.warm(me)
    assert inside in before["repositories"] and team in before["user_groups"]

    instance.act(lambda uow, admin: repo_settings.update_repo(uow, admin, alone, {"name": alone + "-renamed"}))
    new_group = group + "-moved"
    instance.act(lambda uow, admin: repo_groups.update_repo_group(uow, admin, group, {"group_name": new_group}))
    instance.act(lambda uow, admin: user_groups.update_user_group(uow, admin, team, {"group_name": team + "-x"}))

    after = instance.report(me)
    moved = new_group + inside[len(group):]
    assert alone + "-renamed" in after["repositories"] and alone not in after["repositories"]
    assert moved in after["repositories"] and inside not in after["repositories"]
    assert new_group in after["repositories_groups"]
    assert team + "-x" in after["user_groups"] and team not in after["user_groups"]


def test_the_report_itself_comes_from_the_cache(instance):
    me = instance.user()
    instance.warm(me)
    with instance.unit(writes=False) as uow:
        user = lookup.user(uow.db, me)
        with StatementCounter(instance.engine) as counter:
            permission_report(uow, user)
    assert len(counter.statements) == 1 and "permission_generation" in counter.statements[0]


# -- the generation read along with the API's token lookup --------------------------------------
def _get_user_through_the_api(instance: Instance, token: str) -> dict:
    dispatcher = Dispatcher(build_registry(), instance.sessions, instance.settings, time.time)
    body = orjson.dumps({"id": 1, "auth_token": token, "method": "get_user", "args": {}})
    reply = dispatcher.handle(ApiRequest(
        http_method="POST", has_content_length=True, body=body, client_ip="127.0.0.1",
        base_url="http://vcshub.test", server_address="vcshub.test",
    ))
    assert reply["error"] is None, reply
    return reply["result"]


def _token_of(instance: Instance, username: str) -> str:
    return instance.act(lambda uow, _: auth_tokens.create_token(
        uow, user_of(uow, username), "all"
    ).revealed_token)


def test_an_api_call_reads_the_generation_and_the_whitelist_with_its_token(instance):
    me = instance.user()
    token = _token_of(instance, me)
    warmed = _get_user_through_the_api(instance, token)
    with StatementCounter(instance.engine) as counter:
        again = _get_user_through_the_api(instance, token)
    assert again == warmed
    selects = [s for s in counter.statements if s.lstrip().upper().startswith("SELECT")]
    # the token lookup (with the generation and whether any whitelist exists), then the user
    # object's e-mails and tokens (its addresses are known to be none): the maps and the report
    # come from the cache
    assert len(selects) == 3, selects
    assert "permission_generation" in selects[0] and "auth_tokens" in selects[0]


def test_a_whitelist_is_still_read_and_obeyed_when_there_is_one(instance):
    me = instance.user()
    token = _token_of(instance, me)
    instance.act(lambda uow, admin: user_accounts.add_user_ip(
        uow, admin, user_of(uow, me).user_id, "10.0.0.0/8"
    ))
    with instance.unit(writes=False) as uow:
        owner = find_token_owner(uow.db, token, 0.0)
        assert owner.whitelist is None  # not known empty: read, and it refuses
        with pytest.raises(IpNotAllowed):
            check_user_access(uow.db, owner.user, "192.168.1.1", owner.whitelist)
        check_user_access(uow.db, owner.user, "10.1.2.3", owner.whitelist)


def test_a_generation_read_along_is_not_used_after_the_unit_changes_permissions(instance):
    me, private = instance.user(), instance.repo(private=True)
    token = _token_of(instance, me)
    instance.warm(me)
    with instance.unit() as uow:
        find_token_owner(uow.db, token, 0.0)  # remembers the generation
        admin = Caller(uow.db, lookup.user(uow.db, "admin"))
        repo_permissions.grant_user(
            uow, admin, lookup.repo(uow.db, private), user_of(uow, me), "repository.write"
        )
        # within the unit: computed from its own rows, not the cache of the generation read
        assert permission_report(uow, user_of(uow, me))["repositories"][private] == \
            "repository.write"
        uow.commit()
        # after its commit (a new transaction of the same session): the bumped generation
        assert permission_report(uow, user_of(uow, me))["repositories"][private] == \
            "repository.write"
    assert repo_perm(instance, me, private) == "repository.write"
