"""Building repository groups, user groups and repositories for the tests, and reading rights."""

from __future__ import annotations

from sqlalchemy import insert, update

from tests.factories import unique
from vcshub.db.models import User, UserGlobalPermission


def give_global(db_engine, user_id: int, *perms: str) -> None:
    """Make a user stop inheriting the default globals and hold ``perms`` instead (2.4)."""
    with db_engine.begin() as conn:
        conn.execute(
            update(User.__table__)
            .where(User.__table__.c.user_id == user_id)
            .values(inherit_default_permissions=False)
        )
        for perm in perms:
            conn.execute(
                insert(UserGlobalPermission.__table__).values(user_id=user_id, permission=perm)
            )


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
    admin_api.result("create_repo", repo_name=name, repo_type="git", **fields)


def _tree(admin_api) -> tuple[str, list[str]]:
    top = new_group(admin_api)["group_name"]
    subs = [f"{top}/s1", f"{top}/s1/s2"]
    for sub in subs:
        new_group(admin_api, sub)
    return top, subs
