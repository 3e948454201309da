"""Names with a trailing newline, too long or too deep are refused over the API (issue 14,
defect 11), with the methods' failure texts and nothing left behind."""

from __future__ import annotations

from tests.factories import unique
from tests.factories.api import hosted_folder


def test_trailing_newline_is_refused(admin_api, live_server):
    top = unique("team")
    admin_api.result("create_repo_group", group_name=top)
    admin_api.result("create_repo", repo_name=f"{top}/inner", repo_type="git", private=True)

    look_alike = f"{top}\n/inner"
    assert admin_api.error("create_repo", repo_name=look_alike, repo_type="git") == (
        f"failed to create repository `{look_alike}`"
    )
    assert admin_api.error("create_repo", repo_name=f"{top}-r\n", repo_type="hg") == (
        f"failed to create repository `{top}-r\n`"
    )
    assert admin_api.error("create_repo_group", group_name=f"{top}-g\n") == (
        f"failed to create repo group `{top}-g\n`"
    )
    assert admin_api.error(
        "create_user", username=f"{top}u\n", email=f"{top}u@example.com"
    ) == f"failed to create user `{top}u\n`"
    assert admin_api.error("create_user_group", group_name=f"{top}ug\n") == (
        f"failed to create group `{top}ug\n`"
    )

    assert admin_api.error("get_repo_group", repogroupid=f"{top}\n") == (
        f"repository group `{top}\n` does not exist"
    )
    names = {r["repo_name"] for r in admin_api.result("get_repos")}
    assert {n for n in names if n.startswith(top)} == {f"{top}/inner"}
    assert not hosted_folder(live_server, f"{top}\n").exists()
    for missing in (f"{top}u", f"{top}u\n"):
        assert admin_api.error("get_user", userid=missing) == f"user `{missing}` does not exist"


def test_too_deep_and_too_long_names_are_refused(admin_api, live_server):
    for depth, width in ((40, 2), (5, 250), (2100, 1)):
        top = unique("big")
        name = "/".join([top] + ["s" * width] * depth)
        assert admin_api.error("create_repo", repo_name=name, repo_type="git") == (
            f"failed to create repository `{name}`"
        )
        assert admin_api.error("get_repo_group", repogroupid=top) == (
            f"repository group `{top}` does not exist"
        )
        assert not hosted_folder(live_server, top).exists()
