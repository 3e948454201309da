"""Pull requests on the live server for the list pages' tests: real ones opened, closed and
merged through the API from real branches, and, for long lists, rows written directly into the
server's database (a list reads rows only, and opening 45 through the API would take long)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import MadeUser, make_user, unique
from tests.factories.api import create_repo, hosted_folder, push_commits
from tests.factories.commits import commit_into
from tests.transport.clients import database
from vcshub.db.models import PullRequest, PullRequestReviewer, Repository


@dataclass
class ReviewSite:
    """``repo`` (git, public) with: ``opened`` by alice for bob's review, ``waiting`` by bob for
    alice's review, ``closed`` by bob, ``merged`` by the admin."""

    repo: str
    alice: MadeUser
    bob: MadeUser
    opened: int
    waiting: int
    closed: int
    merged: int


def _open(api, repo: str, branch: str, title: str, reviewers: list[str] = ()) -> int:
    return api.result(
        "create_pull_request", source_repo=repo, target_repo=repo,
        source_ref=f"branch:{branch}", target_ref="branch:master", title=title,
        reviewers=list(reviewers),
    )["pull_request_id"]


def review_site(live_server, admin_api) -> ReviewSite:
    alice, bob = make_user(admin_api), make_user(admin_api)
    repo = create_repo(admin_api, "git", unique("prlist-"))
    push_commits(live_server, repo, "git", {"base.txt": "base\n"})
    for branch in ("one", "two", "three", "four"):
        commit_into(hosted_folder(live_server, repo), "git", {f"{branch}.txt": f"{branch}\n"},
                    branch=branch)
    opened = _open(alice.api, repo, "one", "Alice's <change>", [bob.username])
    waiting = _open(bob.api, repo, "two", "Bob asks Alice", [alice.username])
    closed = _open(bob.api, repo, "three", "Bob gives up")
    bob.api.result("close_pull_request", repoid=repo, pullrequestid=closed)
    merged = _open(admin_api, repo, "four", "Merged one")
    assert admin_api.result("merge_pull_request", repoid=repo, pullrequestid=merged)["executed"]
    alice.api.result("comment_pull_request", repoid=repo, pullrequestid=opened, message="hi")
    return ReviewSite(repo, alice, bob, opened, waiting, closed, merged)


def add_rows(live_server, target: str, author_id: int, count: int, *, source: str | None = None,
             reviewer_ids: tuple[int, ...] = (), title: str = "row",
             status: str = "new") -> list[int]:
    """``count`` pull requests (open unless ``status`` says) into ``target`` (from ``source``,
    default itself), titled ``<title> <n>``; their ids, oldest first."""
    with Session(database(live_server)) as db:
        repo_ids = dict(db.execute(select(Repository.repo_name, Repository.repo_id).where(
            Repository.repo_name.in_([target, source or target]))).all())
        made = []
        for n in range(count):
            pr = PullRequest(
                title=f"{title} {n}", description="", status=status,
                source_repo_id=repo_ids[source or target], source_ref="branch:f:" + "a" * 40,
                target_repo_id=repo_ids[target], target_ref="branch:master:" + "b" * 40,
                author_id=author_id, revisions=[],
            )
            pr.reviewers = [PullRequestReviewer(user_id=u, reasons=[]) for u in reviewer_ids]
            db.add(pr)
            db.flush()
            made.append(pr.pull_request_id)
        db.commit()
    return made
