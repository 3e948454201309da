"""Sealed tokens (issue 14 with REFERENCE.md 3.1): the database holds digests and sealed copies
only, the instance's secret key (kept outside it) opens the copies for "with secrets" answers,
and a copy that cannot be opened is shown by its prefix."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from vcshub.auth.identity import find_token_owner
from vcshub.auth.token_seal import TokenSeal
from vcshub.auth.tokens import token_digest
from vcshub.db.models import Base, User
from vcshub.permissions.caller import CONSOLE
from vcshub.serializers.users import MASK, user_data
from vcshub.services import auth_tokens, installation, users
from vcshub.services.unit_of_work import UnitOfWork


def new_user(uow, name: str) -> tuple[int, list[str]]:
    """A user with a main, a feed and an extra token; returns its id and the clear tokens."""
    user = users.create_user(uow, CONSOLE, username=name, email=f"{name}@example.com")
    extra = auth_tokens.create_token(uow, user, "api")
    clear = [user.revealed_api_key, user.tokens[0].revealed_token, extra.revealed_token]
    user_id = user.user_id
    uow.db.flush()
    uow.db.expunge_all()  # what later requests see: rows, no clear token in memory
    return user_id, clear


def test_with_secrets_shows_the_real_tokens_opened_from_their_sealed_copies(uow):
    user_id, clear = new_user(uow, "sealed1")
    user = uow.db.get(User, user_id)
    assert user.revealed_api_key is None
    shown = user_data(user, secrets=True)
    assert shown["api_key"] == clear[0]
    assert shown["api_keys"] == clear
    masked = user_data(user, secrets=False)
    assert (masked["api_key"], masked["api_keys"]) == (MASK, [MASK])
    for token in clear:
        assert find_token_owner(uow.db, token, 0.0)[0].user_id == user_id


def test_a_copy_of_the_database_holds_neither_a_token_nor_the_key(uow):
    _, clear = new_user(uow, "sealed2")
    secret = installation.secret_key(uow.settings)
    values = [
        str(value)
        for table in Base.metadata.sorted_tables
        for row in uow.db.execute(select(table)).all()
        for value in row
    ]
    for needle in (*clear, *(token[8:] for token in clear), secret):
        assert not any(needle in value for value in values)


def test_another_secret_key_shows_prefixes_and_the_tokens_keep_working(uow):
    user_id, clear = new_user(uow, "sealed3")
    changed = dataclasses.replace(uow.settings, secret_key="another secret key")
    # the same transaction, seen by a unit of work of an instance whose secret key changed
    with Session(bind=uow.db.connection()) as db:
        other = UnitOfWork(db=db, settings=changed)
        user = other.db.get(User, user_id)
        shown = user_data(user, secrets=True)
        assert shown["api_key"] == clear[0][:8] + "\u2026"
        assert shown["api_keys"] == [token[:8] + "\u2026" for token in clear]
        for token in clear:
            assert find_token_owner(other.db, token, 0.0)[0].user_id == user_id


def test_a_sealed_copy_opens_only_on_its_own_row_and_with_its_key():
    seal = TokenSeal("k" * 64)
    token, other = "a" * 40, "b" * 40
    sealed = seal.seal(token, token_digest(token))
    assert seal.open(sealed, token_digest(token)) == token
    assert seal.open(sealed, token_digest(other)) is None  # copied onto another token's row
    assert TokenSeal("j" * 64).open(sealed, token_digest(token)) is None
    assert seal.open(sealed[:-4] + "AAAA", token_digest(token)) is None
    assert seal.open("garbage", token_digest(token)) is None
    assert seal.open(None, token_digest(token)) is None
