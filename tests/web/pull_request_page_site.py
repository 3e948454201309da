"""A pull request to review on the live server, for the pull request page's tests: a public
repository (git or hg) with a base commit and a branch ``feature`` that changes a file, a pull
request by alice with bob as reviewer; carol only reads, walter may write."""

from __future__ import annotations

from dataclasses import dataclass

from tests.factories import MadeUser, make_user, unique
from tests.factories.api import create_repo, hosted_folder, push_commits
from tests.factories.commits import commit_into
from tests.web.conftest import reader

MAIN = {"git": "master", "hg": "default"}
BASE = "one\ntwo\nthree\nfour\nfive\n"
CHANGED = "one\ntwo\nTHREE\nfour\nfive\nsix\n"


@dataclass
class PullRequestSite:
    kind: str
    repo: str
    alice: MadeUser  # the author
    bob: MadeUser  # the reviewer
    carol: MadeUser  # reads only
    walter: MadeUser  # may write (merge)
    pr: int

    @property
    def url(self) -> str:
        return f"/{self.repo}/pull-request/{self.pr}"


def pull_request_site(live_server, admin_api, kind: str, *, private: bool = False,
                      prefix: str = "prpage-") -> PullRequestSite:
    repo = create_repo(admin_api, kind, unique(prefix), **({"private": True} if private else {}))
    push_commits(live_server, repo, kind, {"story.txt": BASE})
    commit_into(hosted_folder(live_server, repo), kind, {"story.txt": CHANGED,
                                                         "new.txt": "brand new\n"},
                branch="feature")
    alice, bob = (reader(admin_api, repo) for _ in range(2))
    carol = reader(admin_api, repo) if private else make_user(admin_api)
    walter = reader(admin_api, repo, "repository.write")
    pr = alice.api.result(
        "create_pull_request", source_repo=repo, target_repo=repo,
        source_ref="branch:feature", target_ref=f"branch:{MAIN[kind]}",
        title="Make <three> loud", description="Why: **emphasis**\n\n<script>x</script>",
        reviewers=[bob.username],
    )["pull_request_id"]
    return PullRequestSite(kind, repo, alice, bob, carol, walter, pr)
