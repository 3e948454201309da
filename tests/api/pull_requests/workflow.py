"""Steps of a review workflow the tests repeat: push a branch, open and read a pull request."""

from __future__ import annotations

from tests.factories.commits import WorkingCopy

MAIN = {"git": "master", "hg": "default"}


def push_to(work: WorkingCopy, kind: str, branch: str, files: dict, message: str = "work") -> str:
    """Commit on ``branch`` (created from the current commit if new) and push it; the commit id."""
    commit = work.commit(files, message, branch=branch)
    work.push(branch if kind == "git" else None)
    return commit


def back_to_main(work: WorkingCopy, kind: str) -> None:
    if kind == "git":
        work.git("checkout", "--quiet", "master")
    else:
        work.hg("update", "--quiet", "default")


def open_pr(api, name: str, kind: str, branch: str = "feature", **extra) -> int:
    created = api.result(
        "create_pull_request", source_repo=name, target_repo=name,
        source_ref=f"branch:{branch}", target_ref=f"branch:{MAIN[kind]}",
        title=extra.pop("title", f"pull {branch}"), **extra,
    )
    return created["pull_request_id"]


def get_pr(api, name: str, prid: int) -> dict:
    return api.result("get_pull_request", repoid=name, pullrequestid=prid)
