"""Users' SSH keys: add, list, remove (the user himself or a super-admin), and the look-ups the
SSH transports make (which key, whose, when last used).

A key belongs to one user: adding a key that is already stored, for anyone, is refused (the
fingerprint is unique), otherwise one key could log in as two users.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select, update

from vcshub.auth import ssh_public_keys
from vcshub.db.models import User, UserSshKey
from vcshub.db.models.base import utcnow
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import lookup, users
from vcshub.services.errors import AlreadyExists, Invalid, NotFound
from vcshub.services.unit_of_work import UnitOfWork

USE_PRECISION = dt.timedelta(minutes=1)


def list_keys(uow: UnitOfWork, caller: Caller, userid: object = None) -> tuple[User, list[UserSshKey]]:
    """The keys of ``userid`` (None: the caller), oldest first."""
    user = users.target_user(uow, caller, userid)
    return user, keys_of(uow, user)


def keys_of(uow: UnitOfWork, user: User) -> list[UserSshKey]:
    return list(uow.db.scalars(
        select(UserSshKey).where(UserSshKey.user_id == user.user_id).order_by(UserSshKey.ssh_key_id)
    ))


def add_key(
    uow: UnitOfWork, caller: Caller, userid: object, key_text: object, comment: object = None
) -> UserSshKey:
    """Store the public key in ``key_text`` for ``userid`` (None: the caller).

    ``comment`` None takes the key's own comment (what follows it on its line).
    """
    user = users.target_user(uow, caller, userid)
    if user.username == DEFAULT_USERNAME:
        raise Invalid("userid", "the default user (anonymous access) cannot have SSH keys")
    if not isinstance(key_text, str):
        raise Invalid("key", "must be text: an OpenSSH public key line")
    try:
        key = ssh_public_keys.parse(key_text)
    except ssh_public_keys.UnusableKey as exc:
        raise Invalid("key", str(exc)) from None
    if comment is not None:
        comment = users.validate_text("comment", comment, 255)
        if "\x00" in comment:
            raise Invalid("comment", "must not contain NUL")
    if uow.db.scalar(select(UserSshKey.ssh_key_id).where(UserSshKey.fingerprint == key.fingerprint)):
        raise AlreadyExists("ssh key", key.fingerprint)
    row = UserSshKey(
        user_id=user.user_id,
        fingerprint=key.fingerprint,
        algorithm=key.algorithm,
        public_key=key.openssh,
        comment=key.comment if comment is None else comment,
    )
    uow.db.add(row)
    uow.db.flush()
    return row


def delete_key(uow: UnitOfWork, caller: Caller, userid: object, key_id: object) -> UserSshKey:
    """Remove one of the keys of ``userid`` (None: the caller). Another user's key is NotFound,
    exactly like a missing one. The key stops working at once: every SSH session looks it up."""
    user = users.target_user(uow, caller, userid)
    if isinstance(key_id, str) and key_id.isdigit():  # a form's field
        key_id = int(key_id)
    number = lookup.possible_id(key_id)
    row = uow.db.get(UserSshKey, number) if number is not None else None
    if row is None or row.user_id != user.user_id:
        raise NotFound("ssh key", key_id)
    uow.db.delete(row)
    uow.db.flush()
    return row


# The SSH transports' look-ups: the system asks, after the client proved it holds the key.


def by_id(uow: UnitOfWork, key_id: int) -> UserSshKey | None:
    return uow.db.get(UserSshKey, key_id)


def by_fingerprint(uow: UnitOfWork, fingerprint: str) -> UserSshKey | None:
    return uow.db.scalar(select(UserSshKey).where(UserSshKey.fingerprint == fingerprint))


def mark_used(uow: UnitOfWork, key_id: int) -> None:
    """Note the key's use, to the minute: a burst of sessions (a CI's clones) writes once."""
    now = utcnow()
    uow.db.execute(
        update(UserSshKey)
        .where(UserSshKey.ssh_key_id == key_id)
        .where(or_(UserSshKey.last_used.is_(None), UserSshKey.last_used < now - USE_PRECISION))
        .values(last_used=now)
        .execution_options(synchronize_session=False)
    )
