"""services.ssh_keys: which keys are accepted, one user per key, and who may change whose keys."""

from __future__ import annotations

import asyncssh
import pytest

from tests.factories import people
from tests.services.state import unchanged
from vcshub.auth import ssh_public_keys
from vcshub.services import ssh_keys
from vcshub.services.errors import AlreadyExists, Invalid, NotFound, NotYourUser


def public_key(algorithm: str = "ssh-ed25519", comment: str = "me@laptop", **options) -> str:
    key = asyncssh.generate_private_key(algorithm, comment=comment, **options)
    return key.export_public_key("openssh").decode()


@pytest.mark.parametrize("algorithm, options", [
    ("ssh-ed25519", {}),
    ("ecdsa-sha2-nistp256", {}),
    ("ecdsa-sha2-nistp384", {}),
    ("ssh-rsa", {"key_size": 2048}),
    ("ssh-rsa", {"key_size": 3072}),
])
def test_accepted_keys(uow, algorithm, options):
    me = people.user(uow)
    text = public_key(algorithm, **options)
    row = ssh_keys.add_key(uow, people.caller(uow, me), None, text)
    assert (row.user_id, row.algorithm, row.comment) == (me.user_id, algorithm, "me@laptop")
    parsed = asyncssh.import_public_key(text)
    assert row.fingerprint == parsed.get_fingerprint("sha256")
    assert row.public_key == " ".join(text.split()[:2])
    assert ssh_public_keys.fingerprint(text.split()[1]) == row.fingerprint
    assert row.last_used is None and row.created_on is not None


@pytest.mark.parametrize("text, reason", [
    ("", "no key given"),
    ("ssh-ed25519 AAAAnotbase64!!", "not an OpenSSH public key"),
    ("hello world", "not an OpenSSH public key"),
    (public_key("ssh-rsa", key_size=1024), "at least 2048 bits"),
    (public_key("ssh-ed448"), "not accepted"),
    (public_key() + "\n" + public_key(), "exactly one public key"),
])
def test_refused_keys_change_nothing(uow, text, reason):
    me = people.user(uow)
    with unchanged(uow), pytest.raises(Invalid) as refused:
        ssh_keys.add_key(uow, people.caller(uow, me), None, text)
    assert refused.value.field == "key" and reason in refused.value.reason


def test_a_key_belongs_to_one_user(uow):
    me, other = people.user(uow), people.user(uow)
    text = public_key()
    ssh_keys.add_key(uow, people.caller(uow, me), None, text)
    for who in (me, other):  # again for me, or for anybody else: refused
        with unchanged(uow), pytest.raises(AlreadyExists):
            ssh_keys.add_key(uow, people.caller(uow, who), None, text.replace("me@laptop", "x"))


def test_own_keys_or_a_super_admin(uow):
    me, other, admin = people.user(uow), people.user(uow), people.admin(uow)
    mine = ssh_keys.add_key(uow, people.caller(uow, me), me.user_id, public_key(), "work")
    assert mine.comment == "work"
    theirs = ssh_keys.add_key(uow, people.caller(uow, admin), other.username, public_key())
    assert theirs.user_id == other.user_id
    me_caller = people.caller(uow, me)
    with unchanged(uow), pytest.raises(NotYourUser):
        ssh_keys.add_key(uow, me_caller, other.user_id, public_key())
    with unchanged(uow), pytest.raises(NotYourUser):
        ssh_keys.list_keys(uow, me_caller, other.user_id)
    with unchanged(uow), pytest.raises(NotYourUser):
        ssh_keys.delete_key(uow, me_caller, other.user_id, theirs.ssh_key_id)
    # another user's key named as one's own: as missing as a key that does not exist
    with unchanged(uow), pytest.raises(NotFound):
        ssh_keys.delete_key(uow, me_caller, None, theirs.ssh_key_id)
    assert [k.ssh_key_id for k in ssh_keys.list_keys(uow, me_caller)[1]] == [mine.ssh_key_id]
    ssh_keys.delete_key(uow, people.caller(uow, admin), other.user_id, str(theirs.ssh_key_id))
    assert ssh_keys.list_keys(uow, people.caller(uow, admin), other.user_id)[1] == []
    ssh_keys.delete_key(uow, me_caller, None, mine.ssh_key_id)
    assert ssh_keys.by_fingerprint(uow, mine.fingerprint) is None


def test_the_default_user_has_no_keys(uow):
    admin = people.admin(uow)
    with unchanged(uow), pytest.raises(Invalid):
        ssh_keys.add_key(uow, people.caller(uow, admin), "default", public_key())


def test_use_is_noted_to_the_minute(uow):
    me = people.user(uow)
    row = ssh_keys.add_key(uow, people.caller(uow, me), None, public_key())
    ssh_keys.mark_used(uow, row.ssh_key_id)
    uow.db.refresh(row)
    first = row.last_used
    assert first is not None
    ssh_keys.mark_used(uow, row.ssh_key_id)  # a moment later: not written again
    uow.db.refresh(row)
    assert row.last_used == first
