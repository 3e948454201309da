"""Changing and deleting users (REFERENCE.md 4.2): update_user and delete_user."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.api.user_objects import DENIED, stored
from tests.api_client import ApiClient
from tests.factories import make_user, unique
from vcshub.auth.passwords import verify_password
from vcshub.db.models import AuthToken, RepoGroup, UserEmail, UserIpAddress


def token_count(db, user_id: int) -> int:
    with db() as session:
        return session.scalar(select(func.count()).where(AuthToken.user_id == user_id))


# -- update_user -----------------------------------------------------------------------------------

def test_update_with_only_userid_changes_nothing(admin_api):
    user = make_user(admin_api, firstname="F", lastname="L")
    result = admin_api.result("update_user", userid=user.user_id)
    assert result["msg"] == f"updated user ID:{user.user_id} {user.username}"
    assert result["user"] == user.data


def test_update_changes_only_supplied_fields(admin_api):
    user = make_user(admin_api, firstname="F", lastname="L")
    updated = admin_api.result("update_user", userid=user.username, lastname="New")["user"]
    assert updated == {**user.data, "lastname": "New"}


def test_update_firstname_null(admin_api):
    user = make_user(admin_api, firstname="F", lastname="L")
    updated = admin_api.result("update_user", userid=user.user_id, firstname=None)["user"]
    assert updated["firstname"] is None and updated["lastname"] == "L"
    assert admin_api.result("get_user", userid=user.user_id)["firstname"] is None


def test_update_bools_from_strings(admin_api):
    user = make_user(admin_api)
    updated = admin_api.result("update_user", userid=user.user_id, active="false",
                               admin="yes")["user"]
    assert updated["active"] is False and updated["admin"] is True
    updated = admin_api.result("update_user", userid=user.user_id, active="1", admin="0")["user"]
    assert updated["active"] is True and updated["admin"] is False


def test_update_admin_flag_grants_super_admin(admin_api):
    user = make_user(admin_api)
    assert user.api.error("get_users") == DENIED
    admin_api.result("update_user", userid=user.user_id, admin=True)
    assert user.api.result("get_users")


def test_rename(admin_api):
    user = make_user(admin_api)
    new_name = unique("renamed")
    result = admin_api.result("update_user", userid=user.user_id, username=new_name)
    assert result["msg"] == f"updated user ID:{user.user_id} {new_name}"
    assert result["user"]["username"] == new_name
    assert admin_api.result("get_user", userid=new_name)["user_id"] == user.user_id
    assert admin_api.error("get_user", userid=user.username) == (
        f"user `{user.username}` does not exist")
    assert user.api.result("get_user")["username"] == new_name  # tokens still work


def test_rename_changing_only_case(admin_api):
    user = make_user(admin_api, username=unique("casey"))
    result = admin_api.result("update_user", userid=user.user_id, username=user.username.upper())
    assert result["user"]["username"] == user.username.upper()


@pytest.mark.parametrize("ident_kind", ["id", "name"])
def test_rename_to_a_taken_name_fails(admin_api, plain, ident_kind):
    user = make_user(admin_api)
    ident = user.user_id if ident_kind == "id" else user.username
    error = admin_api.error("update_user", userid=ident, username=plain.username.upper())
    assert error == f"failed to update user `{ident}`"
    assert admin_api.result("get_user", userid=user.user_id)["username"] == user.username


def test_email_change(admin_api):
    user = make_user(admin_api)
    new_email = f"{unique('moved')}@Example.com"
    updated = admin_api.result("update_user", userid=user.user_id, email=new_email)["user"]
    assert updated["email"] == new_email.lower()
    assert updated["emails"] == [new_email.lower()]
    # the user's own address, in another case, is not a clash
    again = admin_api.result("update_user", userid=user.user_id, email=new_email.upper())
    assert again["user"]["email"] == new_email.lower()


def test_email_taken_fails(admin_api, db, plain):
    user = make_user(admin_api)
    error = admin_api.error("update_user", userid=user.user_id, email=plain.data["email"].upper())
    assert error == f"failed to update user `{user.user_id}`"
    extra = f"{unique('extra')}@example.com"
    with db.begin() as session:
        session.add(UserEmail(user_id=plain.user_id, email=extra))
    error = admin_api.error("update_user", userid=str(user.user_id), email=extra)
    assert error == f"failed to update user `{user.user_id}`"


@pytest.mark.parametrize("username", ["", "bad name", "new_user", None])
def test_rename_to_an_invalid_name_fails(admin_api, username):
    user = make_user(admin_api)
    error = admin_api.error("update_user", userid=user.username, username=username)
    assert error == f"failed to update user `{user.username}`"


def test_password_is_rehashed_only_when_it_changes(admin_api, db):
    user = make_user(admin_api, password="first-pw")
    before = stored(db, user.user_id).password_hash
    admin_api.result("update_user", userid=user.user_id, password="first-pw")
    assert stored(db, user.user_id).password_hash == before
    admin_api.result("update_user", userid=user.user_id, password="second-pw")
    after = stored(db, user.user_id).password_hash
    assert after != before
    assert verify_password(after, "second-pw") and not verify_password(after, "first-pw")


def test_extern_fields_reset_to_internal(admin_api):
    user = make_user(admin_api)
    updated = admin_api.result("update_user", userid=user.user_id, extern_type="ldap",
                               extern_name="uid=x")["user"]
    assert (updated["extern_type"], updated["extern_name"]) == ("ldap", "uid=x")
    updated = admin_api.result("update_user", userid=user.user_id, extern_type=None,
                               extern_name="")["user"]
    assert (updated["extern_type"], updated["extern_name"]) == ("rhodecode", "rhodecode")


def test_update_legacy_ldap_dn(admin_api):
    user = make_user(admin_api)
    updated = admin_api.result("update_user", userid=user.user_id, ldap_dn="cn=x")["user"]
    assert (updated["extern_type"], updated["extern_name"]) == ("ldap", "cn=x")


def test_update_default_user_is_forbidden(admin_api):
    assert admin_api.error("update_user", userid="default", firstname="x") == (
        "editing default user is forbidden")


def test_update_unknown_user(admin_api):
    assert admin_api.error("update_user", userid="ghost", firstname="x") == (
        "user `ghost` does not exist")


def test_update_user_needs_super_admin(plain):
    assert plain.api.error("update_user", userid=plain.user_id, firstname="x") == DENIED
    assert plain.api.error("update_user", userid="ghost") == DENIED


# -- delete_user -----------------------------------------------------------------------------------

def test_delete_user(admin_api, live_server, db):
    user = make_user(admin_api)
    extra_token = live_server.cli("token", "create", user.username, "--role", "api").stdout.strip()
    with db.begin() as session:
        session.add(UserEmail(user_id=user.user_id, email=f"{unique('gone')}@example.com"))
        session.add(UserIpAddress(user_id=user.user_id, ip_addr="127.0.0.1"))
    assert ApiClient(admin_api.api_url, extra_token).result("get_user")["user_id"] == user.user_id
    result = admin_api.result("delete_user", userid=user.username)
    assert result == {"msg": f"deleted user ID:{user.user_id} {user.username}", "user": None}
    assert admin_api.error("get_user", userid=user.user_id) == (
        f"user `{user.user_id}` does not exist")
    # his tokens, emails and whitelist went with him
    assert user.api.error("get_user") == "Invalid API KEY"
    assert ApiClient(admin_api.api_url, extra_token).error("get_user") == "Invalid API KEY"
    assert token_count(db, user.user_id) == 0
    with db() as session:
        assert session.scalar(select(func.count()).where(UserEmail.user_id == user.user_id)) == 0
        assert session.scalar(
            select(func.count()).where(UserIpAddress.user_id == user.user_id)) == 0


def test_delete_user_by_digit_string(admin_api):
    user = make_user(admin_api)
    result = admin_api.result("delete_user", userid=str(user.user_id))
    assert result["msg"] == f"deleted user ID:{user.user_id} {user.username}"


def test_deleted_name_can_be_reused(admin_api):
    user = make_user(admin_api)
    admin_api.result("delete_user", userid=user.user_id)
    again = make_user(admin_api, username=user.username, email=user.data["email"])
    assert again.token != user.token
    assert user.api.error("get_user") == "Invalid API KEY"


def test_delete_default_user_is_refused(admin_api):
    default = admin_api.result("get_user", userid="default")
    assert admin_api.error("delete_user", userid="default") == (
        f"failed to delete user ID:{default['user_id']} default")


def test_delete_owner_of_a_repo_group_is_refused(admin_api, db):
    user = make_user(admin_api)
    with db.begin() as session:
        group = RepoGroup(group_name=unique("owned-group"), owner_id=user.user_id)
        session.add(group)
    try:
        error = admin_api.error("delete_user", userid=user.user_id)
        assert error == f"failed to delete user ID:{user.user_id} {user.username}"
        assert user.api.result("get_user")["user_id"] == user.user_id  # still there, token works
    finally:
        with db.begin() as session:
            session.delete(session.get(RepoGroup, group.group_id))
    admin_api.result("delete_user", userid=user.user_id)


def test_delete_unknown_user(admin_api):
    assert admin_api.error("delete_user", userid="ghost") == "user `ghost` does not exist"
    assert admin_api.error("delete_user", userid=424242) == "user `424242` does not exist"


def test_delete_user_needs_super_admin(plain, admin_api):
    victim = make_user(admin_api)
    assert plain.api.error("delete_user", userid=victim.user_id) == DENIED
    assert plain.api.error("delete_user", userid="ghost") == DENIED


def test_delete_owner_of_a_user_group_or_a_repository_is_refused(admin_api):
    user = make_user(admin_api)
    refused = f"failed to delete user ID:{user.user_id} {user.username}"
    group = unique("owned-ug")
    admin_api.result("create_user_group", group_name=group, owner=user.user_id)
    assert admin_api.error("delete_user", userid=user.user_id) == refused
    admin_api.result("delete_user_group", usergroupid=group)
    repo = unique("owned-repo")
    admin_api.result("create_repo", repo_name=repo, repo_type="git", owner=user.username)
    assert admin_api.error("delete_user", userid=user.username) == refused
    admin_api.result("delete_repo", repoid=repo)
    assert admin_api.result("delete_user", userid=user.user_id)["user"] is None


def test_delete_user_removes_memberships_and_permission_rows(admin_api):
    user = make_user(admin_api)
    group = unique("members-ug")
    admin_api.result("create_user_group", group_name=group)
    admin_api.result("add_user_to_user_group", usergroupid=group, userid=user.user_id)
    admin_api.result("grant_user_permission_to_user_group", usergroupid=group,
                     userid=user.user_id, perm="usergroup.write")
    admin_api.result("delete_user", userid=user.user_id)
    described = admin_api.result("get_user_group", usergroupid=group)
    assert user.username not in [u["username"] for u in described["users"]]
    assert user.username not in [m["name"] for m in described["members"]]
    admin_api.result("delete_user_group", usergroupid=group)
