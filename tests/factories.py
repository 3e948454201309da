"""Factories for test data, made through the public API as a user would."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from tests.api_client import ApiClient

_seq = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_seq)}"


@dataclass
class MadeUser:
    user_id: int
    username: str
    password: str
    token: str
    data: dict
    api: ApiClient


def make_user(admin: ApiClient, **fields) -> MadeUser:
    """A new user with a password, and an API client authenticated as him."""
    username = fields.pop("username", None) or unique("user")
    password = fields.pop("password", "pw-" + username)
    result = admin.result(
        "create_user",
        username=username,
        email=fields.pop("email", f"{username}@example.com"),
        password=password,
        **fields,
    )
    user = result["user"]
    return MadeUser(
        user_id=user["user_id"],
        username=username,
        password=password,
        token=user["api_key"],
        data=user,
        api=ApiClient(admin.api_url, user["api_key"]),
    )
