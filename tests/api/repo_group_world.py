"""Building repository groups, user groups and repositories for the tests, and reading rights."""

from __future__ import annotations

from tests.factories import unique
from tests.factories.api import create_repo


def new_group(api, name: str | None = None, **fields) -> dict:
    return api.result("create_repo_group", group_name=name or unique("rg"), **fields)["repo_group"]


def entry(name, permission, origin="permission", kind="user") -> dict:
    return {"name": name, "permission": permission, "origin": origin, "type": kind}


def explicit(api, group) -> list[dict]:
    members = api.result("get_repo_group", repogroupid=group)["members"]
    return [m for m in members if m["origin"] == "permission"]


def group_perms(admin_api, user) -> dict:
    perms = admin_api.result("get_user", userid=user.user_id)["permissions"]
    return perms["repositories_groups"]


def repo_perms(admin_api, user) -> dict:
    return admin_api.result("get_user", userid=user.user_id)["permissions"]["repositories"]


def new_user_group(admin_api) -> str:
    result = admin_api.result("create_user_group", group_name=unique("ug"))
    return result["user_group"]["group_name"]


def new_repo(admin_api, name: str, **fields) -> None:
    create_repo(admin_api, "git", name, **fields)


def _tree(admin_api) -> tuple[str, list[str]]:
    top = new_group(admin_api)["group_name"]
    subs = [f"{top}/s1", f"{top}/s1/s2"]
    for sub in subs:
        new_group(admin_api, sub)
    return top, subs
