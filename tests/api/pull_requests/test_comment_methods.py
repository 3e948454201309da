"""RC-later's comment methods (REFERENCE.md section 5): get_repo_comments, get_comment,
edit_comment with its kept history and version check, get_pull_request_comments — result
shapes and every error text, against a live server on both databases."""

from __future__ import annotations

from tests.api.pull_requests.workflow import open_pr, push_to
from tests.factories import make_user

COMMENT_KEYS = {
    "comment_id", "comment_type", "comment_text", "comment_status", "comment_f_path",
    "comment_lineno", "comment_author", "comment_created_on", "comment_resolved_by",
    "comment_commit_id", "comment_pull_request_id", "comment_last_version",
}


def test_comment_reads_and_versioned_edits(admin_api, project, kind):
    name, work = project
    commit = push_to(work, kind, "feature", {"f.txt": "feature\n"})
    bob = make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=name, userid=bob.user_id,
                     perm="repository.read")
    prid = open_pr(admin_api, name, kind, reviewers=[bob.username])
    todo = bob.api.result("comment_pull_request", repoid=name, pullrequestid=prid,
                          message="a *todo*", comment_type="todo", f_path="f.txt",
                          line="n1")["comment_id"]
    fix = bob.api.result("comment_pull_request", repoid=name, pullrequestid=prid, message="fixed",
                         status="approved", resolves_comment_id=todo)["comment_id"]
    admin_api.result("comment_commit", repoid=name, commit_id=commit, message="on the commit")

    one = bob.api.result("get_comment", comment_id=todo)
    assert set(one) == COMMENT_KEYS
    assert one["comment_type"] == "todo" and one["comment_text"] == "a *todo*"
    assert (one["comment_f_path"], one["comment_lineno"]) == ("f.txt", "n1")
    assert one["comment_pull_request_id"] == prid and one["comment_commit_id"] is None
    assert one["comment_resolved_by"]["comment_id"] == fix
    assert one["comment_last_version"] == 0
    author = one["comment_author"]
    assert author["username"] == bob.username
    assert {"full_name", "full_name_or_username", "short_contact", "full_contact"} <= set(author)
    voted = bob.api.result("get_comment", comment_id=fix)
    assert [s["status"] for s in voted["comment_status"]] == ["approved"]

    everything = admin_api.result("get_repo_comments", repoid=name)
    assert {todo, fix} <= {c["comment_id"] for c in everything}
    todos = admin_api.result("get_repo_comments", repoid=name, comment_type="todo")
    assert [c["comment_id"] for c in todos] == [todo]
    on_commit = admin_api.result("get_repo_comments", repoid=name, commit_id=commit)
    assert [c["comment_text"] for c in on_commit] == ["on the commit"]
    by_bob = admin_api.result("get_repo_comments", repoid=name, userid=bob.username)
    assert {c["comment_id"] for c in by_bob} == {todo, fix}
    assert admin_api.error("get_repo_comments", repoid=name, comment_type="memo") == (
        "comment_type must be one of `['note', 'todo']` got memo")

    # Versioned edits: the version seen is sent back; a stale one is refused.
    edited = bob.api.result("edit_comment", message="a *TODO*", comment_id=todo, version=0)
    assert edited["version"] == 1 and edited["comment"]["comment_text"] == "a *TODO*"
    assert edited["comment"]["comment_last_version"] == 1
    assert bob.api.error("edit_comment", message="again", comment_id=todo, version=0) == (
        f"comment ({todo}) version (0) mismatch")
    assert bob.api.error("edit_comment", message="", comment_id=todo, version=1) == (
        f"comment ({todo}) can't be changed with empty string")
    assert bob.api.result("edit_comment", message="v2", comment_id=todo, version=1)["version"] == 2
    carol = make_user(admin_api)
    admin_api.result("grant_user_permission", repoid=name, userid=carol.user_id,
                     perm="repository.read")
    assert carol.api.error("edit_comment", message="mine", comment_id=todo, version=2) == (
        "you don't have access to edit this comment")
    assert carol.api.error("edit_comment", message="x", comment_id=todo, version=2,
                           userid=bob.username) == "userid is not the same as your user"
    # The admin edits as bob (impersonation) and the history keeps every earlier text.
    assert admin_api.result("edit_comment", message="v3", comment_id=todo, version=2,
                            userid=bob.username)["version"] == 3
    assert admin_api.error("edit_comment", message="x", comment_id=999999, version=0) == (
        "comment `999999` does not exist")

    listed = bob.api.result("get_pull_request_comments", pullrequestid=prid)
    first = next(c for c in listed if c["comment_id"] == todo)
    assert first["comment_text"] == "v3" and first["pull_request_version"] is None
    assert set(first["comment_author"]) == {"username", "full_name_or_username", "active"}
    assert first["comment_status"] == {}
    second = next(c for c in listed if c["comment_id"] == fix)
    assert second["comment_status"] == {"status": "approved", "status_lbl": "Approved"}
    assert admin_api.result("get_pull_request_comments", pullrequestid=prid, repoid=name)
    assert admin_api.error("get_pull_request_comments", pullrequestid=999999, repoid=name) == (
        f"repository `{name}` or pull request `999999` does not exist")

    # After Update commits, the earlier comments belong to version 1.
    push_to(work, kind, "feature", {"f.txt": "feature, fixed\n"})
    admin_api.result("update_pull_request", repoid=name, pullrequestid=prid, update_commits=True)
    listed = admin_api.result("get_pull_request_comments", pullrequestid=prid)
    assert next(c for c in listed if c["comment_id"] == todo)["pull_request_version"] == "v1"

    # A private repository's comments do not exist for an outsider.
    admin_api.result("update_repo", repoid=name, private=True)
    outsider = make_user(admin_api)
    assert outsider.api.error("get_comment", comment_id=todo) == f"comment `{todo}` does not exist"
    assert outsider.api.error("get_pull_request_comments", pullrequestid=prid) == (
        f"repository `None` or pull request `{prid}` does not exist")
