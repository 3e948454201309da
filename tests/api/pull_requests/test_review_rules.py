"""The review rules a merge obeys (approval when the repository asks for it, open TODOs,
merging switched off), set through get_repo_settings/set_repo_settings (REFERENCE.md
section 5), and reopening a closed pull request — through the API of a live server."""

from __future__ import annotations

from tests.api.pull_requests.workflow import get_pr, open_pr, push_to
from tests.factories import make_user

APPROVAL = "vcshub_pr_approval_required"
MERGING = "rhodecode_pr_merge_enabled"
PENDING = "Pull request reviewer approval is pending."


def test_repo_settings_follow_the_site_until_set_and_refuse_with_the_exact_texts(admin_api, project):
    name, _work = project
    settings = admin_api.result("get_repo_settings", repoid=name)
    assert settings[APPROVAL] is False and settings[MERGING] is True
    assert settings["inherit_global_settings"] is True
    assert settings["rhodecode_use_outdated_comments"] is True
    assert settings["landing_rev"].startswith(("branch:", "rev:", "book:", "tag:"))
    assert admin_api.result("set_repo_settings", repoid=name, settings={APPROVAL: True}) is True
    assert admin_api.result("get_repo_settings", repoid=name, key=APPROVAL) is True
    assert admin_api.result("get_repo_settings", repoid=name, key="inherit_global_settings") is False
    assert admin_api.result("get_repo_settings", repoid=name, key="no_such_key") is None
    admin_api.result("set_repo_settings", repoid=name, settings={"inherit_global_settings": True})
    assert admin_api.result("get_repo_settings", repoid=name, key=APPROVAL) is False

    assert admin_api.error("get_repo_settings", repoid="nope/none") == (
        "Failed to fetch settings for repository `nope/none`")
    assert admin_api.error("set_repo_settings", repoid=name, settings=[APPROVAL]) == (
        "Settings have to be a JSON Object.")
    for bad in ({"hooks_changegroup_push_logger": True}, {APPROVAL: "yes"},
                {"landing_rev": "nonsense"}):
        assert admin_api.error("set_repo_settings", repoid=name, settings=bad) == (
            f"Failed to update settings for repository `{name}`")
    outsider = make_user(admin_api)
    denied = "Access was denied to this resource."
    assert outsider.api.error("get_repo_settings", repoid=name) == denied
    assert outsider.api.error("set_repo_settings", repoid=name, settings={APPROVAL: False}) == denied
    assert admin_api.result("get_repo_settings", repoid=name, key=APPROVAL) is False


def test_merge_waits_for_approval_and_resolved_todos(admin_api, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "feature\n"})
    bob = make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=name, userid=bob.user_id,
                     perm="repository.read")
    prid = open_pr(admin_api, name, kind, reviewers=[bob.username])
    admin_api.result("set_repo_settings", repoid=name, settings={APPROVAL: True})
    todo = bob.api.result("comment_pull_request", repoid=name, pullrequestid=prid,
                          message="rename it", comment_type="todo")["comment_id"]

    refused = admin_api.error("merge_pull_request", repoid=name, pullrequestid=prid)
    assert refused == ("merge not possible for following reasons: " + PENDING
                       + ",Cannot merge, 1 TODO still not resolved.")
    assert get_pr(admin_api, name, prid)["mergeable"]["status"] is False

    bob.api.result("comment_pull_request", repoid=name, pullrequestid=prid, status="approved")
    assert admin_api.error("merge_pull_request", repoid=name, pullrequestid=prid) == (
        "merge not possible for following reasons: Cannot merge, 1 TODO still not resolved.")
    bob.api.result("comment_pull_request", repoid=name, pullrequestid=prid, message="done",
                   resolves_comment_id=todo)
    admin_api.result("set_repo_settings", repoid=name, settings={MERGING: False})
    assert admin_api.error("merge_pull_request", repoid=name, pullrequestid=prid) == (
        "merge not possible for following reasons: Server-side pull request merging is disabled.")
    admin_api.result("set_repo_settings", repoid=name, settings={MERGING: True})
    assert get_pr(admin_api, name, prid)["mergeable"]["status"] is True
    merged = admin_api.result("merge_pull_request", repoid=name, pullrequestid=prid)
    assert merged["executed"] is True and merged["merge_commit_id"]
