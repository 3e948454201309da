"""services.registration and services.password_reset: sign-up in each of the site's modes, and
reset keys that expire and work once."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import update

from tests.factories import people
from tests.services.state import unchanged
from vcshub.auth.passwords import verify_password
from vcshub.db.models import UserGlobalPermission
from vcshub.services import errors, password_reset, registration, site_policy
from vcshub.services.errors import Invalid

NOW = 5_000_000.0


def _site(uow, family: str, value: str) -> None:
    """The default user's row of ``family`` becomes ``value`` (no service sets site rows)."""
    default = people.default_user(uow)
    uow.db.execute(
        update(UserGlobalPermission)
        .where(UserGlobalPermission.user_id == default.user_id,
               UserGlobalPermission.permission.like(f"{family}.%"))
        .values(permission=value)
    )


def _form(**fields):
    name = people.unique("signup")
    return {"username": name, "email": f"{name}@example.com", "password": "secret-1",
            "password_confirmation": "secret-1", **fields}


@pytest.mark.parametrize("mode, active", [(site_policy.MANUAL_ACTIVATION, False),
                                          (site_policy.AUTO_ACTIVATION, True)])
def test_sign_up_in_each_open_mode(uow, mode, active):
    _site(uow, "hg.register", mode)
    user = registration.register(uow, **_form(firstname=" Ann "))
    assert user.active is active and not user.admin and user.firstname == "Ann"
    assert verify_password(user.password_hash, "secret-1")


def test_sign_up_closed(uow):
    _site(uow, "hg.register", site_policy.REGISTRATION_CLOSED)
    with unchanged(uow), pytest.raises(errors.RegistrationClosed):
        registration.register(uow, **_form())


@pytest.mark.parametrize("fields, field", [
    ({"username": "bad name"}, "username"),
    ({"username": "admin"}, "username"),
    ({"email": "no-at-sign"}, "email"),
    ({"password": "short", "password_confirmation": "short"}, "password"),
    ({"password_confirmation": "other-1"}, "password_confirmation"),
])
def test_sign_up_refusals_name_the_field(uow, fields, field):
    _site(uow, "hg.register", site_policy.AUTO_ACTIVATION)
    with unchanged(uow), pytest.raises(Invalid) as refused:
        registration.register(uow, **_form(**fields))
    assert refused.value.field == field


def test_a_taken_name_or_email_is_refused(uow):
    _site(uow, "hg.register", site_policy.AUTO_ACTIVATION)
    other = people.user(uow)
    for fields, field in (({"username": other.username.upper()}, "username"),
                          ({"email": other.email.upper()}, "email")):
        with unchanged(uow), pytest.raises(Invalid) as refused:
            registration.register(uow, **_form(**fields))
        assert refused.value.field == field


@pytest.fixture
def mailing(uow):
    uow.settings = dataclasses.replace(uow.settings, smtp_server="127.0.0.1", smtp_port=1)
    uow.clock = lambda: NOW
    _site(uow, "hg.password_reset", site_policy.RESET_ENABLED)
    return uow


def test_a_reset_key_works_once(mailing):
    uow = mailing
    user = people.user(uow, password="old-password")
    session_key = user.session_key
    assert password_reset.request_reset(uow, user.email.upper(), "http://x") is user
    assert len(uow._after_commit) == 1  # the mail goes after commit, never before
    key = password_reset.issue_key(uow, user)
    assert password_reset.user_for_key(uow, key) is user
    password_reset.reset_password(uow, key, "new-password", "new-password")
    assert verify_password(user.password_hash, "new-password")
    assert user.session_key != session_key  # his browser sessions end
    with pytest.raises(Invalid, match="already used"):
        password_reset.reset_password(uow, key, "third-password", "third-password")


def test_a_reset_key_expires(mailing):
    uow = mailing
    user = people.user(uow, password="old-password")
    key = password_reset.issue_key(uow, user)
    uow.clock = lambda: NOW + password_reset.LIFETIME_SECONDS
    assert password_reset.user_for_key(uow, key) is user
    uow.clock = lambda: NOW + password_reset.LIFETIME_SECONDS + 1
    with unchanged(uow), pytest.raises(Invalid, match="expired"):
        password_reset.reset_password(uow, key, "new-password", "new-password")


@pytest.mark.parametrize("mangle", [
    lambda k: k[:-1] + ("0" if k[-1] != "0" else "1"),  # the MAC
    lambda k: "999999." + k.split(".", 1)[1],  # another user
    lambda k: "", lambda k: "x.y.z",
])
def test_a_forged_key_is_refused(mailing, mangle):
    uow = mailing
    user = people.user(uow, password="old-password")
    with unchanged(uow), pytest.raises(Invalid):
        password_reset.reset_password(uow, mangle(password_reset.issue_key(uow, user)), "n-password", "n-password")


def test_unknown_inactive_or_external_accounts_get_no_mail(mailing):
    uow = mailing
    inactive = people.user(uow, active=False)
    external = people.user(uow, extern_name="ldap", extern_type="ldap")
    for email in ("nobody@example.com", inactive.email, external.email):
        assert password_reset.request_reset(uow, email, "http://x") is None
    assert uow._after_commit == []


def test_without_mail_or_when_disabled_nothing_is_issued(uow):
    user = people.user(uow)
    _site(uow, "hg.password_reset", site_policy.RESET_ENABLED)
    with pytest.raises(errors.MailNotConfigured):
        password_reset.request_reset(uow, user.email, "http://x")
    uow.settings = dataclasses.replace(uow.settings, smtp_server="127.0.0.1")
    _site(uow, "hg.password_reset", site_policy.RESET_DISABLED)
    with pytest.raises(errors.ResetDisabled):
        password_reset.request_reset(uow, user.email, "http://x")
