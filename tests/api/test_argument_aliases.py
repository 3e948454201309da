"""Arguments of later and earlier versions take effect instead of being dropped (REFERENCE.md
5): ``update_repo(repo_name)``, ``get_repos(root, traverse)``, ``pull(remote_uri)`` and
Kallithea's ``pull(clone_uri)``, ``create_repo_group(parent)``."""

from __future__ import annotations

import pytest

from tests.factories import make_user, unique
from tests.factories.api import REPO_TYPES, create_repo, hosted_folder
from tests.factories.commits import log_ids, make_source_repository
from tests.remote_servers import SilentServer


def _names(repos: list[dict]) -> set[str]:
    return {r["repo_name"] for r in repos}


@pytest.mark.parametrize("repo_type", REPO_TYPES)
def test_update_repo_renames_with_repo_name(admin_api, repos_dir, repo_type):
    group = unique("rn-group")
    admin_api.result("create_repo_group", group_name=group)
    name = create_repo(admin_api, repo_type, f"{group}/{unique('old')}")
    short = unique("new")
    updated = admin_api.result("update_repo", repoid=name, repo_name=short)
    assert updated["repository"]["repo_name"] == f"{group}/{short}"  # the group part is kept
    assert (repos_dir / group / short).is_dir() and not (repos_dir / name).exists()
    # RC-later's full name moves the repository as well.
    other = unique("other-group")
    admin_api.result("create_repo_group", group_name=other)
    moved = admin_api.result("update_repo", repoid=f"{group}/{short}", repo_name=f"{other}/{short}")
    assert moved["repository"]["repo_name"] == f"{other}/{short}"
    # Both sent: the current name wins.
    both = admin_api.result("update_repo", repoid=f"{other}/{short}", name="kept", repo_name="lost")
    assert both["repository"]["repo_name"] == f"{other}/kept"
    missing = unique("nogroup")
    assert admin_api.error("update_repo", repoid=f"{other}/kept", repo_name=f"{missing}/x") == (
        f"repository group `{missing}` does not exist"
    )


def test_get_repos_filters_by_root_and_traverse(admin_api):
    top = unique("root")
    admin_api.result("create_repo_group", group_name=top)
    admin_api.result("create_repo_group", group_name=f"{top}/sub")
    direct = create_repo(admin_api, "git", f"{top}/{unique('direct')}")
    deep = create_repo(admin_api, "hg", f"{top}/sub/{unique('deep')}")
    outside = create_repo(admin_api, "git", unique("outside"))

    assert _names(admin_api.result("get_repos", root=top)) == {direct, deep}
    assert _names(admin_api.result("get_repos", root=top, traverse=True)) == {direct, deep}
    assert _names(admin_api.result("get_repos", root=top, traverse=False)) == {direct}
    assert _names(admin_api.result("get_repos", root=f"{top}/sub", traverse="false")) == {deep}
    top_level = _names(admin_api.result("get_repos", traverse=False))
    assert outside in top_level and not top_level & {direct, deep}
    assert {outside, direct, deep} <= _names(admin_api.result("get_repos"))
    missing = unique("nosuch")
    assert admin_api.error("get_repos", root=missing) == (
        f"Root repository group `{missing}` does not exist"
    )


def test_get_repos_root_hides_a_private_group(admin_api):
    private = unique("hidden-root")
    admin_api.result("create_repo_group", group_name=private)
    inside = create_repo(admin_api, "git", f"{private}/{unique('r')}")
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=private,
                     userid="default", perm="group.none")
    user = make_user(admin_api)
    assert user.api.error("get_repos", root=private) == (
        f"Root repository group `{private}` does not exist"
    )
    # Readable repositories in a group the user may read are listed, the others not.
    public = unique("open-root")
    admin_api.result("create_repo_group", group_name=public)
    shown = create_repo(admin_api, "git", f"{public}/{unique('shown')}")
    secret = create_repo(admin_api, "git", f"{public}/{unique('secret')}", private=True)
    assert _names(user.api.result("get_repos", root=public)) == {shown}
    assert _names(admin_api.result("get_repos", root=public)) == {shown, secret}
    assert inside in _names(admin_api.result("get_repos", root=private))


@pytest.mark.parametrize("repo_type", REPO_TYPES)
@pytest.mark.parametrize("argument", ["remote_uri", "clone_uri"])
def test_pull_from_a_given_url_once(admin_api, live_server, repo_type, argument, tmp_path):
    work, ids = make_source_repository(tmp_path / "upstream", repo_type, {"a": "1\n"})
    name = create_repo(admin_api, repo_type)  # no clone_uri of its own
    assert admin_api.result("pull", repoid=name, **{argument: str(work.path)}) == {
        "msg": f"Pulled from `{name}`", "repository": name,
    }
    assert log_ids(hosted_folder(live_server, name), repo_type) == ids
    # Once: the repository's own remote is unchanged (still none).
    assert admin_api.result("get_repo", repoid=name)["clone_uri"] in (None, "")
    assert admin_api.error("pull", repoid=name) == f"Unable to pull changes from `{name}`"


@pytest.mark.parametrize("repo_type", REPO_TYPES)
@pytest.mark.parametrize("argument", ["remote_uri", "clone_uri"])
def test_pull_url_follows_the_clone_uri_rules(admin_api, repo_type, argument, tmp_path):
    """A repository admin may not make the server reach its own network, or its disk."""
    user = make_user(admin_api)
    own = create_repo(user.api, repo_type)
    work, _ids = make_source_repository(tmp_path / "upstream", repo_type, {"a": "1\n"})
    with SilentServer() as remote:
        for uri in (remote.url("http", "127.0.0.1"), remote.url("http", "localhost"),
                    str(work.path), f"file://{work.path}"):
            assert user.api.error("pull", repoid=own, **{argument: uri}) == (
                f"Unable to pull changes from `{own}`"
            )
        assert remote.count == 0


def test_create_repo_group_inside_a_parent(admin_api):
    parent = unique("parent")
    made = admin_api.result("create_repo_group", group_name=parent)["repo_group"]
    child = admin_api.result("create_repo_group", group_name="child", parent=parent)
    assert child["msg"] == f"Created new repo group `{parent}/child`"
    assert child["repo_group"]["group_name"] == f"{parent}/child"
    assert child["repo_group"]["parent_group"] == parent
    by_id = admin_api.result("create_repo_group", group_name="second", parent=made["group_id"])
    assert by_id["repo_group"]["group_name"] == f"{parent}/second"
    missing = unique("noparent")
    assert admin_api.error("create_repo_group", group_name="x", parent=missing) == (
        f"repository group `{missing}` does not exist"
    )
    # The right to create there is the parent's, as with a path.
    user = make_user(admin_api)
    assert user.api.error("create_repo_group", group_name="mine", parent=parent) == (
        "Access was denied to this resource."
    )
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=parent,
                     userid=user.username, perm="group.admin")
    mine = user.api.result("create_repo_group", group_name="mine", parent=parent)
    assert mine["repo_group"]["group_name"] == f"{parent}/mine"
