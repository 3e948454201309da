"""Creating user groups for the tests, and reading a user's rights on them."""

from __future__ import annotations

from tests.factories import unique

MASK = "*" * 40


def new_group(api, **fields) -> dict:
    name = fields.pop("group_name", None) or unique("ug")
    return api.result("create_user_group", group_name=name, **fields)["user_group"]


def user_group_perms(admin_api, user) -> dict:
    return admin_api.result("get_user", userid=user.user_id)["permissions"]["user_groups"]
