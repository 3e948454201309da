"""Who may act on a pull request, judged on the repository it belongs to — through the API.

Regression tests of issue 14: a user who administers a repository of his own could merge,
close or vote on any pull request, anywhere, as anyone, by naming his repository as ``repoid``;
and a private repository answered differently from a missing one.
"""

from __future__ import annotations

import pytest

from tests.factories import make_user, unique
from tests.api.pull_requests.workflow import get_pr, open_pr, push_to


@pytest.fixture
def private_pr(admin_api, project, kind):
    """A pull request in a private repository, opened by the admin."""
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "feature\n"})
    admin_api.result("update_repo", repoid=name, private=True)
    return name, open_pr(admin_api, name, kind)


@pytest.fixture
def dave(admin_api):
    """A user who creates a repository of his own, and so administers it."""
    user = make_user(admin_api)
    own = unique("dave-own")
    user.api.result("create_repo", repo_name=own, repo_type="git")
    return user, own


def test_own_repository_grants_nothing_on_other_pull_requests(admin_api, private_pr, dave):
    name, prid = private_pr
    user, own = dave
    missing = f"pull request `{prid}` does not exist"
    assert user.api.error("merge_pull_request", repoid=own, pullrequestid=prid, userid="admin") == missing
    assert user.api.error("close_pull_request", repoid=own, pullrequestid=prid, userid="admin") == missing
    assert user.api.error(
        "comment_pull_request", repoid=own, pullrequestid=prid, status="approved", userid="admin"
    ) == missing
    assert user.api.error("update_pull_request", repoid=own, pullrequestid=prid, title="mine") == missing
    assert user.api.error("get_pull_request", repoid=own, pullrequestid=prid) == missing
    pr = get_pr(admin_api, name, prid)
    assert (pr["status"], pr["title"]) == ("new", "pull feature")
    assert [r for r in pr["reviewers"] if r.get("review_status") == "approved"] == []


def test_a_pull_request_answers_only_under_its_own_repository(admin_api, private_pr, project):
    """Even a super-admin: ``repoid`` must be the pull request's target (RhodeCode checks it)."""
    name, prid = private_pr
    other = unique("other-repo")
    admin_api.result("create_repo", repo_name=other, repo_type="git")
    assert admin_api.error("get_pull_request", repoid=other, pullrequestid=prid) == (
        f"pull request `{prid}` does not exist"
    )
    assert admin_api.result("get_pull_request", repoid=name, pullrequestid=prid)["pull_request_id"] == prid


@pytest.mark.parametrize("method", ["get_pull_request", "merge_pull_request", "close_pull_request",
                                    "update_pull_request", "comment_pull_request"])
def test_a_private_repository_answers_like_a_missing_one(admin_api, private_pr, method):
    name, prid = private_pr
    outsider = make_user(admin_api)
    missing = unique("missing")
    for repoid, ident in ((name, prid), (name, 10**6), (missing, prid), (missing, 10**6)):
        args = {"message": "hi"} if method == "comment_pull_request" else {}
        assert outsider.api.error(method, repoid=repoid, pullrequestid=ident, **args) == (
            f"repository `{repoid}` does not exist"
        )


def test_impersonation_needs_admin_of_the_pull_requests_repository(admin_api, project, kind):
    name, work = project
    push_to(work, kind, "feature", {"f.txt": "feature\n"})
    writer, repo_admin = make_user(admin_api), make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=name, userid=writer.username, perm="repository.write")
    admin_api.result("grant_user_permission", repoid=name, userid=repo_admin.username, perm="repository.admin")
    prid = open_pr(admin_api, name, kind)
    assert writer.api.error(
        "comment_pull_request", repoid=name, pullrequestid=prid, message="x", userid="admin"
    ) == "userid is not the same as your user"
    made = repo_admin.api.result(
        "comment_pull_request", repoid=name, pullrequestid=prid, message="for the writer",
        userid=writer.username,
    )
    assert made["pull_request_id"] == prid


def test_resolving_a_comment_of_another_repository_is_refused(admin_api, private_pr, dave, kind):
    name, prid = private_pr
    todo = admin_api.result(
        "comment_pull_request", repoid=name, pullrequestid=prid, message="secret todo",
        comment_type="todo",
    )["comment_id"]
    user, own = dave
    error = user.api.error(
        "comment_commit", repoid=own, commit_id="tip", message="resolved", resolves_comment_id=todo
    )
    assert error in (f"comment `{todo}` to resolve does not exist",
                     f"failed to set comment on repository `{own}`")


def test_changeset_comment_names_its_own_missing_argument(admin_api, project):
    name, _work = project
    assert admin_api.error("changeset_comment", repoid=name, message="hi") == (
        "Missing non optional `revision` arg in JSON DATA"
    )


def test_create_repo_group_under_a_private_group_looks_missing(admin_api):
    user = make_user(admin_api)
    private = unique("privgroup")
    admin_api.result("create_repo_group", group_name=private)
    admin_api.result("grant_user_permission_to_repo_group", repogroupid=private,
                     userid="default", perm="group.none")
    admin_api.result("create_repo_group", group_name=f"{private}/inner")
    missing = unique("nogroup")
    for parent in (private, missing):
        for child in ("x", "inner"):
            assert user.api.error("create_repo_group", group_name=f"{parent}/{child}") == (
                f"repository group `{parent}` does not exist"
            )
    # A visible group he may not create in still says so.
    public = unique("pubgroup")
    admin_api.result("create_repo_group", group_name=public)
    assert user.api.error("create_repo_group", group_name=f"{public}/x") == (
        "Access was denied to this resource."
    )


@pytest.mark.parametrize("owner", ["default", "1"])
def test_default_user_owns_nothing(admin_api, owner):
    default_id = admin_api.result("get_user", userid="default")["user_id"]
    owner = owner if owner == "default" else default_id
    name, group, ug = unique("defowned"), unique("defgroup"), unique("defug")
    assert admin_api.error("create_repo", repo_name=name, repo_type="git", owner=owner) == (
        f"failed to create repository `{name}`"
    )
    admin_api.result("create_repo", repo_name=name, repo_type="git")
    admin_api.error("update_repo", repoid=name, owner=owner)
    assert admin_api.result("get_repo", repoid=name)["owner"] == "admin"
    assert admin_api.error("create_repo_group", group_name=group, owner=owner) == (
        f"failed to create repo group `{group}`"
    )
    admin_api.result("create_user_group", group_name=ug)
    admin_api.error("update_user_group", usergroupid=ug, owner=owner)
    assert admin_api.result("get_user_group", usergroupid=ug)["owner"] == "admin"
