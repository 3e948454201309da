"""Grants on repositories (REFERENCE.md 4.4 and the legacy names of section 6):
grant/revoke_user_permission, grant/revoke_user_group_permission, add_user_to_repo,
add_users_group_to_repo, grant/revoke_users_group_permission — for Git and Mercurial."""

from __future__ import annotations

import pytest

from tests.factories import make_user, unique
from tests.factories.api import REPO_TYPES, create_repo

pytestmark = pytest.mark.parametrize("repo_type", REPO_TYPES)


def entry(repo: dict, name: str) -> dict | None:
    found = [m for m in repo["members"] if m["name"] == name and m["origin"] == "permission"]
    return found[0] if found else None


def user_group(admin_api, *members) -> dict:
    group = admin_api.result("create_user_group", group_name=unique("ug-"))["user_group"]
    for member in members:
        admin_api.result("add_user_to_user_group", usergroupid=group["users_group_id"],
                         userid=member.user_id)
    return group


# -- users -----------------------------------------------------------------------------------------


def test_grant_and_revoke_user_permission(admin_api, repo_type):
    name = create_repo(admin_api, repo_type, private=True)
    user = make_user(admin_api)
    hidden = f"repository `{name}` does not exist"
    assert user.api.error("get_repo", repoid=name) == hidden

    assert admin_api.result("grant_user_permission", repoid=name, userid=user.username,
                            perm="repository.read") == {
        "msg": f"Granted perm: `repository.read` for user: `{user.username}` in repo: `{name}`",
        "success": True,
    }
    assert user.api.result("get_repo", repoid=name)["repo_name"] == name
    assert entry(admin_api.result("get_repo", repoid=name), user.username) == {
        "name": user.username, "permission": "repository.read", "origin": "permission",
        "type": "user",
    }
    # Granting again replaces the row.
    repo_id = admin_api.result("get_repo", repoid=name)["repo_id"]
    admin_api.result("grant_user_permission", repoid=repo_id, userid=user.user_id,
                     perm="repository.write")
    assert entry(admin_api.result("get_repo", repoid=name), user.username)["permission"] == (
        "repository.write"
    )
    assert user.api.result("invalidate_cache", repoid=name)["repository"] == name  # write+

    assert admin_api.result("revoke_user_permission", repoid=repo_id,
                            userid=str(user.user_id)) == {
        "msg": f"Revoked perm for user: `{user.username}` in repo: `{name}`", "success": True,
    }
    assert entry(admin_api.result("get_repo", repoid=name), user.username) is None
    assert user.api.error("get_repo", repoid=name) == hidden
    # Revoking what is not there is not an error.
    admin_api.result("revoke_user_permission", repoid=name, userid=user.username)


def test_explicit_none_hides_a_public_repository(admin_api, repo_type):
    name = create_repo(admin_api, repo_type)
    user = make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=name, userid=user.user_id,
                     perm="repository.none")
    assert user.api.error("get_repo", repoid=name) == f"repository `{name}` does not exist"


def test_revoking_the_default_row(admin_api, repo_type):
    name = create_repo(admin_api, repo_type)
    user = make_user(admin_api)
    assert user.api.result("get_repo", repoid=name)["repo_name"] == name
    assert admin_api.result("revoke_user_permission", repoid=name, userid="default")["msg"] == (
        f"Revoked perm for user: `default` in repo: `{name}`"
    )
    assert entry(admin_api.result("get_repo", repoid=name), "default") is None
    assert user.api.error("get_repo", repoid=name) == f"repository `{name}` does not exist"
    admin_api.result("grant_user_permission", repoid=name, userid="default",
                     perm="repository.read")
    assert user.api.result("get_repo", repoid=name)["repo_name"] == name


def test_grant_user_permission_errors_in_order(admin_api, repo_type):
    name = create_repo(admin_api, repo_type)
    user = make_user(admin_api)
    assert admin_api.error("grant_user_permission", repoid="no-repo-x", userid="nobody-x",
                           perm="bad") == "repository `no-repo-x` does not exist"
    assert admin_api.error("grant_user_permission", repoid=name, userid="nobody-x",
                           perm="bad") == "user `nobody-x` does not exist"
    assert admin_api.error("grant_user_permission", repoid=name, userid=user.user_id,
                           perm="repository.superuser") == (
        "permission `repository.superuser` does not exist"
    )
    for other_family in ("group.read", "usergroup.admin", "hg.admin", "hg.create.repository"):
        assert admin_api.error("grant_user_permission", repoid=name, userid=user.user_id,
                               perm=other_family) == (
            f"permission `{other_family}` is invalid, should start with repository."
        )
    assert admin_api.error("grant_user_permission", repoid=name, userid=user.user_id,
                           perm=None) == "permission `None` does not exist"
    # A user without admin on the repository learns only after the other checks.
    assert user.api.error("grant_user_permission", repoid=name, userid=user.user_id,
                          perm="group.read") == (
        "permission `group.read` is invalid, should start with repository."
    )
    assert user.api.error("grant_user_permission", repoid=name, userid=user.user_id,
                          perm="repository.admin") == f"repository `{name}` does not exist"
    assert admin_api.error("grant_user_permission", repoid=name, userid=user.user_id) == (
        "Missing non optional `perm` arg in JSON DATA"
    )


def test_revoke_user_permission_errors_in_order(admin_api, repo_type):
    name = create_repo(admin_api, repo_type)
    user = make_user(admin_api)
    assert admin_api.error("revoke_user_permission", repoid="no-repo-x", userid="nobody-x") == (
        "repository `no-repo-x` does not exist"
    )
    assert admin_api.error("revoke_user_permission", repoid=name, userid="nobody-x") == (
        "user `nobody-x` does not exist"
    )
    assert user.api.error("revoke_user_permission", repoid=name, userid=user.user_id) == (
        f"repository `{name}` does not exist"
    )


def test_repository_admin_manages_permissions(admin_api, repo_type):
    name = create_repo(admin_api, repo_type, private=True)
    manager, member = make_user(admin_api), make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=name, userid=manager.user_id,
                     perm="repository.admin")
    assert manager.api.result("grant_user_permission", repoid=name, userid=member.username,
                              perm="repository.read")["success"] is True
    assert member.api.result("get_repo", repoid=name)["repo_name"] == name
    manager.api.result("revoke_user_permission", repoid=name, userid=member.username)
    assert member.api.error("get_repo", repoid=name) == f"repository `{name}` does not exist"
    # A writer is not enough.
    admin_api.result("grant_user_permission", repoid=name, userid=member.user_id,
                     perm="repository.write")
    assert member.api.error("grant_user_permission", repoid=name, userid=member.user_id,
                            perm="repository.admin") == f"repository `{name}` does not exist"
    # The owner always administers his repository.
    own = create_repo(member.api, repo_type)
    assert member.api.result("grant_user_permission", repoid=own, userid=manager.user_id,
                             perm="repository.write")["success"] is True


# -- user groups -----------------------------------------------------------------------------------


def test_grant_and_revoke_user_group_permission(admin_api, repo_type):
    name = create_repo(admin_api, repo_type, private=True)
    user = make_user(admin_api)
    group = user_group(admin_api, user)
    assert admin_api.result("grant_user_group_permission", repoid=name,
                            usergroupid=group["group_name"], perm="repository.read") == {
        "msg": f"Granted perm: `repository.read` for user group: `{group['group_name']}` "
               f"in repo: `{name}`",
        "success": True,
    }
    assert user.api.result("get_repo", repoid=name)["repo_name"] == name
    repo = admin_api.result("get_repo", repoid=name)
    assert repo["members"][-1] == {
        "name": group["group_name"], "permission": "repository.read", "origin": "permission",
        "type": "user_group",
    }
    assert admin_api.result("revoke_user_group_permission", repoid=repo["repo_id"],
                            usergroupid=group["users_group_id"]) == {
        "msg": f"Revoked perm for user group: `{group['group_name']}` in repo: `{name}`",
        "success": True,
    }
    assert user.api.error("get_repo", repoid=name) == f"repository `{name}` does not exist"
    assert all(m["type"] == "user" for m in admin_api.result("get_repo", repoid=name)["members"])


def test_user_row_beats_user_group_row(admin_api, repo_type):
    name = create_repo(admin_api, repo_type)
    user = make_user(admin_api)
    group = user_group(admin_api, user)
    admin_api.result("grant_user_group_permission", repoid=name,
                     usergroupid=group["users_group_id"], perm="repository.write")
    assert user.api.result("invalidate_cache", repoid=name)["repository"] == name
    admin_api.result("grant_user_permission", repoid=name, userid=user.user_id,
                     perm="repository.read")
    assert user.api.error("invalidate_cache", repoid=name) == (
        f"repository `{name}` does not exist"
    )


def test_grant_user_group_permission_errors_in_order(admin_api, repo_type):
    name = create_repo(admin_api, repo_type)
    group = user_group(admin_api)
    assert admin_api.error("grant_user_group_permission", repoid="no-repo-x",
                           usergroupid="no-group-x", perm="bad") == (
        "repository `no-repo-x` does not exist"
    )
    assert admin_api.error("grant_user_group_permission", repoid=name,
                           usergroupid="no-group-x", perm="repository.bad") == (
        "permission `repository.bad` does not exist"
    )
    assert admin_api.error("grant_user_group_permission", repoid=name,
                           usergroupid="no-group-x", perm="group.read") == (
        "permission `group.read` is invalid, should start with repository."
    )
    assert admin_api.error("grant_user_group_permission", repoid=name,
                           usergroupid="no-group-x", perm="repository.read") == (
        "user group `no-group-x` does not exist"
    )
    user = make_user(admin_api)
    assert user.api.error("grant_user_group_permission", repoid=name,
                          usergroupid="no-group-x", perm="repository.read") == (
        f"repository `{name}` does not exist"
    )
    # A repository admin also needs read on the user group.
    own = create_repo(user.api, repo_type)
    assert user.api.result("grant_user_group_permission", repoid=own,
                           usergroupid=group["group_name"], perm="repository.read")["success"]
    hidden = user_group(admin_api)
    admin_api.result("revoke_user_permission_from_user_group",
                     usergroupid=hidden["users_group_id"], userid="default")
    assert user.api.error("grant_user_group_permission", repoid=own,
                          usergroupid=hidden["group_name"], perm="repository.read") == (
        f"user group `{hidden['group_name']}` does not exist"
    )
    assert user.api.error("revoke_user_group_permission", repoid=own,
                          usergroupid=hidden["users_group_id"]) == (
        f"user group `{hidden['users_group_id']}` does not exist"
    )


def test_revoke_user_group_permission_errors_in_order(admin_api, repo_type):
    name = create_repo(admin_api, repo_type)
    assert admin_api.error("revoke_user_group_permission", repoid="no-repo-x",
                           usergroupid="no-group-x") == "repository `no-repo-x` does not exist"
    assert admin_api.error("revoke_user_group_permission", repoid=name,
                           usergroupid="no-group-x") == "user group `no-group-x` does not exist"
    user = make_user(admin_api)
    assert user.api.error("revoke_user_group_permission", repoid=name,
                          usergroupid="no-group-x") == f"repository `{name}` does not exist"


# -- legacy names ----------------------------------------------------------------------------------


def test_add_user_to_repo(admin_api, repo_type):
    name = create_repo(admin_api, repo_type, private=True)
    user = make_user(admin_api)
    reply = admin_api.call("add_user_to_repo", repo_name=name, user_name=user.username,
                           perm="repository.write")
    assert reply["result"] == {
        "msg": f"Granted perm: `repository.write` for user: `{user.username}` in repo: `{name}`",
        "success": True,
    }
    assert "DEPRECATION_WARNING" not in reply
    assert entry(admin_api.result("get_repo", repoid=name), user.username)["permission"] == (
        "repository.write"
    )
    assert admin_api.result("add_user_to_repo", repoid=name, userid=user.user_id,
                            perm=None) == {
        "msg": f"Revoked perm for user: `{user.username}` in repo: `{name}`", "success": True,
    }
    assert entry(admin_api.result("get_repo", repoid=name), user.username) is None
    assert admin_api.result("add_user_to_repo", repoid=name, userid=user.user_id)["msg"].startswith(
        "Revoked perm"
    )
    assert admin_api.error("add_user_to_repo", repo_name=name, user_name=user.username,
                           perm="group.admin") == (
        "permission `group.admin` is invalid, should start with repository."
    )


def test_legacy_user_group_names(admin_api, repo_type):
    name = create_repo(admin_api, repo_type)
    group = user_group(admin_api)
    granted = f"Granted perm: `repository.write` for user group: `{group['group_name']}` " \
              f"in repo: `{name}`"
    reply = admin_api.call("grant_users_group_permission", repo_name=name,
                           group_name=group["group_name"], perm="repository.write")
    assert reply["result"] == {"msg": granted, "success": True}
    assert "DEPRECATION_WARNING" not in reply
    assert admin_api.result("grant_users_group_permission", repoid=name,
                            usersgroupid=group["users_group_id"],
                            perm="repository.write")["msg"] == granted
    assert entry(admin_api.result("get_repo", repoid=name), group["group_name"])[
        "type"] == "user_group"
    revoked = f"Revoked perm for user group: `{group['group_name']}` in repo: `{name}`"
    assert admin_api.result("revoke_users_group_permission", repo_name=name,
                            usersgroupid=group["users_group_id"])["msg"] == revoked
    assert admin_api.result("add_users_group_to_repo", repo_name=name,
                            group_name=group["group_name"], perm="repository.read")["msg"] == (
        granted.replace("repository.write", "repository.read")
    )
    assert admin_api.result("add_users_group_to_repo", repo_name=name,
                            group_name=group["group_name"], perm=None)["msg"] == revoked
    assert entry(admin_api.result("get_repo", repoid=name), group["group_name"]) is None
