"""services.own_account and services.auth_tokens' list/revoke: a user changes only his own
profile and tokens; refusals change nothing. And permission_origins names each rule."""

from __future__ import annotations

import pytest

from tests.factories import people, repos
from tests.services.state import unchanged
from vcshub.services import auth_tokens, own_account, permission_origins, repo_permissions
from vcshub.services.errors import AccessDenied, Invalid, NotFound


def test_profile_names_and_e_mail(uow):
    me = people.user(uow)
    own_account.update_profile(uow, me, firstname=" Ada ", lastname="Lovelace", email="ADA@Example.com ")
    assert (me.firstname, me.lastname, me.email) == ("Ada", "Lovelace", "ada@example.com")


@pytest.mark.parametrize("fields", [
    {"email": "nope"}, {"firstname": "x" * 256}, {"email": "TAKEN"},
])
def test_profile_refusals_change_nothing(uow, fields):
    other = people.user(uow)
    me = people.user(uow)
    values = {"firstname": "A", "lastname": "B", "email": me.email, **fields}
    if values["email"] == "TAKEN":
        values["email"] = other.email.upper()
    with unchanged(uow), pytest.raises(Invalid):
        own_account.update_profile(uow, me, **values)


def test_an_external_account_keeps_its_e_mail(uow):
    me = people.user(uow, extern_name="ldap", extern_type="ldap")
    with unchanged(uow), pytest.raises(Invalid, match="external"):
        own_account.update_profile(uow, me, firstname="", lastname="", email="new@example.com")


def test_extra_e_mails(uow):
    me, other = people.user(uow), people.user(uow)
    extra = own_account.add_email(uow, me, "Second@Example.com")
    assert [e.email for e in me.emails] == ["second@example.com"]
    for taken in (other.email, "second@example.com", me.email):
        with unchanged(uow), pytest.raises(Invalid):
            own_account.add_email(uow, me, taken)
    with unchanged(uow), pytest.raises(NotFound):
        own_account.remove_email(uow, other, extra.email_id)  # not his
    own_account.remove_email(uow, me, str(extra.email_id))
    assert me.emails == []


def test_the_default_user_has_no_account_to_change(uow):
    with unchanged(uow), pytest.raises(AccessDenied):
        own_account.add_email(uow, people.default_user(uow), "x@example.com")


def test_tokens_listed_and_revoked_by_their_owner_only(uow):
    me, other = people.user(uow), people.user(uow)
    made = auth_tokens.create_token(uow, me, "api", 60, "script")
    assert [t.description for t in auth_tokens.list_tokens(uow, me)] == ["Generated feed token", "script"]
    with unchanged(uow), pytest.raises(NotFound):
        auth_tokens.revoke_token(uow, other, made.token_id)
    for missing in ("nope", 10**9, None):
        with unchanged(uow), pytest.raises(NotFound):
            auth_tokens.revoke_token(uow, me, missing)
    assert auth_tokens.revoke_token(uow, me, str(made.token_id)) is made
    assert [t.description for t in auth_tokens.list_tokens(uow, me)] == ["Generated feed token"]


def test_a_token_description_fits_its_column(uow):
    me = people.user(uow)
    with unchanged(uow), pytest.raises(Invalid):
        auth_tokens.create_token(uow, me, "api", None, "x" * 256)


def test_permission_origins_name_the_deciding_rule(uow, root):
    me = people.user(uow)
    mine = repos.repo(uow, root, owner=me)
    granted = repos.repo(uow, root, private=True)
    via_group = repos.repo(uow, root, private=True)
    public = repos.repo(uow, root)
    repo_permissions.grant_user(uow, root, granted, me, "repository.write")
    group = people.user_group(uow, root, me)
    repo_permissions.grant_user_group(uow, root, via_group, group, "repository.read")
    report = permission_origins.permission_origins(uow, me)["repositories"]
    assert (report[mine.repo_name].permission, report[mine.repo_name].source) == ("repository.admin", "owner")
    assert (report[granted.repo_name].permission, report[granted.repo_name].source) == ("repository.write", "granted to you")
    assert report[via_group.repo_name].source == f"user group {group.group_name}"
    assert report[public.repo_name].source == "default permission"
    assert permission_origins.permission_origins(uow, root.user)["repositories"][public.repo_name].source == "super-administrator"


def test_global_permission_origins(uow, root):
    me = people.user(uow)
    report = {o.permission: o.source for o in permission_origins.permission_origins(uow, me)["global"]}
    assert report["hg.create.repository"] == "default permission"
    assert report["hg.password_reset.enabled"] == "site default"
    group = people.user_group(uow, root, me)
    group.inherit_default_permissions = False
    from vcshub.db.models import UserGroupGlobalPermission
    uow.db.add(UserGroupGlobalPermission(users_group_id=group.users_group_id,
                                         permission="hg.create.none"))
    uow.db.flush()
    report = {o.permission: o.source for o in permission_origins.permission_origins(uow, me)["global"]}
    assert report["hg.create.none"] == f"user group {group.group_name}"
    people.global_rights(uow, me, "hg.fork.none")
    report = {o.permission: o.source for o in permission_origins.permission_origins(uow, me)["global"]}
    assert report["hg.fork.none"] == "set on your account"
