"""services.pull_request_lists: a repository's pull requests by filter and mine across
repositories, a page at a time; never a pull request whose target or source the reader may not
read; a page costs the same number of queries whatever its length.

Most pull requests here are rows written directly (listing reads rows only: no commits needed);
one test lists a pull request made by the service from real commits.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.factories import people
from tests.factories import repos as make
from tests.factories import reviews as review
from tests.factories.naming import unique
from vcshub.db.models import PullRequest, PullRequestReviewer
from vcshub.services import pull_request_lists as lists
from vcshub.services import repo_permissions, reviews
from vcshub.services.errors import NotFound


def add_pr(uow, target, author, *, source=None, status="new", merged=False, reviewers=(),
           title=None) -> PullRequest:
    pr = PullRequest(
        title=title or unique("pr"), description="", status="closed" if merged else status,
        source_repo_id=(source or target).repo_id, source_ref="branch:feature:" + "a" * 40,
        target_repo_id=target.repo_id, target_ref="branch:master:" + "b" * 40,
        author_id=author.user_id, revisions=[], merge_commit_id="c" * 40 if merged else None,
    )
    pr.reviewers = [PullRequestReviewer(user_id=u.user_id, reasons=[]) for u in reviewers]
    uow.db.add(pr)
    uow.db.flush()
    return pr


def ids(found) -> list[int]:
    return [row.pull_request_id for row in found.rows]


@pytest.fixture
def world(uow, root):
    """A public repository with pull requests in every state; alice and bob open and review."""
    alice, bob = people.user(uow), people.user(uow)
    repo = make.repo(uow, root)
    w = type("World", (), {})()
    w.repo, w.alice, w.bob = repo, alice, bob
    w.alice_open = add_pr(uow, repo, alice, reviewers=[bob])
    w.bob_open = add_pr(uow, repo, bob, reviewers=[alice])
    w.alice_closed = add_pr(uow, repo, alice, status="closed", reviewers=[bob])
    w.bob_merged = add_pr(uow, repo, bob, merged=True)
    w.approved = add_pr(uow, repo, alice, reviewers=[bob])  # bob has approved it
    reviews.vote(uow, repo, bob, "approved", pull_request=w.approved)
    w.reconsidered = add_pr(uow, repo, alice, reviewers=[bob])  # rejected, then under review
    reviews.vote(uow, repo, bob, "rejected", pull_request=w.reconsidered)
    reviews.vote(uow, repo, bob, "under_review", pull_request=w.reconsidered)
    return w


def test_each_filter_of_a_repository(uow, world):
    w = world
    listed = lambda who, which: ids(lists.repo_pull_requests(uow, who, w.repo, which))  # noqa: E731
    newest_first = lambda *prs: sorted((p.pull_request_id for p in prs), reverse=True)  # noqa: E731
    assert listed(w.alice, "open") == newest_first(w.alice_open, w.bob_open, w.approved,
                                                   w.reconsidered)
    assert listed(None, "closed") == newest_first(w.alice_closed)
    assert listed(None, "merged") == newest_first(w.bob_merged)
    assert listed(w.alice, "mine") == newest_first(w.alice_open, w.alice_closed, w.approved,
                                                   w.reconsidered)
    assert listed(w.bob, "mine") == newest_first(w.bob_open, w.bob_merged)
    # open, bob a reviewer, his newest vote neither approval nor rejection
    assert listed(w.bob, "awaiting") == newest_first(w.alice_open, w.reconsidered)
    assert listed(w.alice, "awaiting") == newest_first(w.bob_open)
    # anonymous visitors are nobody's "me"; an unknown filter is the default one
    assert listed(None, "mine") == [] and listed(None, "awaiting") == []
    assert listed(None, "nonsense") == listed(None, "open")


def test_rows_carry_state_refs_comments_and_review_status(uow, world):
    w = world
    reviews.add_comment(uow, w.repo, w.bob, "one", pull_request=w.approved)
    reviews.add_comment(uow, w.repo, w.alice, "two", pull_request=w.approved)
    rows = {r.pull_request_id: r for r in lists.repo_pull_requests(uow, None, w.repo, "open").rows}
    row = rows[w.approved.pull_request_id]
    assert (row.title, row.author, row.state, row.comments) == (w.approved.title,
                                                               w.alice.username, "open", 2)
    assert (row.source_ref.name, row.target_ref.name) == ("feature", "master")
    assert row.source_repo == row.target_repo == w.repo.repo_name
    assert row.review_status == "approved"  # its only reviewer approved, as the API says
    assert rows[w.reconsidered.pull_request_id].review_status == "under_review"
    assert rows[w.alice_open.pull_request_id].comments == 0
    merged = lists.repo_pull_requests(uow, None, w.repo, "merged").rows[0]
    closed = lists.repo_pull_requests(uow, None, w.repo, "closed").rows[0]
    assert (merged.state, closed.state) == ("merged", "closed")


def test_pages_of_twenty_newest_first(uow, root):
    repo, author = make.repo(uow, root), people.user(uow)
    made = [add_pr(uow, repo, author).pull_request_id for _ in range(45)]
    pages = [lists.repo_pull_requests(uow, author, repo, "mine", n) for n in (1, 2, 3, 4)]
    assert [(p.page, p.pages, p.total, len(p.rows)) for p in pages] == [
        (1, 3, 45, 20), (2, 3, 45, 20), (3, 3, 45, 5), (4, 3, 45, 0)]
    assert sum((ids(p) for p in pages), []) == sorted(made, reverse=True)
    empty = lists.repo_pull_requests(uow, author, make.repo(uow, root))
    assert (empty.pages, empty.total, empty.rows) == (1, 0, [])


def test_a_private_repository_list_is_missing_to_whoever_may_not_read_it(uow, root):
    private = make.repo(uow, root, private=True)
    author, outsider, allowed = people.user(uow), people.user(uow), people.user(uow)
    repo_permissions.grant_user(uow, root, private, allowed, "repository.read")
    pr = add_pr(uow, private, author)
    for who in (None, outsider, author):  # the author lost his access since
        with pytest.raises(NotFound):
            lists.repo_pull_requests(uow, who, private)
    assert ids(lists.repo_pull_requests(uow, allowed, private)) == [pr.pull_request_id]
    assert ids(lists.my_pull_requests(uow, author)) == []
    assert ids(lists.my_pull_requests(uow, people.admin(uow), "all")) == []  # not his


def test_a_pull_request_from_a_source_the_reader_may_not_read_is_not_listed(uow, root):
    target, fork = make.repo(uow, root), make.repo(uow, root, private=True)
    reader, fork_reader, author = people.user(uow), people.user(uow), people.user(uow)
    repo_permissions.grant_user(uow, root, fork, fork_reader, "repository.read")
    repo_permissions.grant_user(uow, root, fork, author, "repository.write")
    from_fork = add_pr(uow, target, author, source=fork, reviewers=[reader, fork_reader])
    inside = add_pr(uow, target, author, reviewers=[reader])

    seen = lists.repo_pull_requests(uow, reader, target)
    assert (ids(seen), seen.total) == ([inside.pull_request_id], 1)  # the count agrees
    assert ids(lists.my_pull_requests(uow, reader, "awaiting")) == [inside.pull_request_id]
    assert ids(lists.repo_pull_requests(uow, None, target)) == [inside.pull_request_id]
    both = sorted([from_fork.pull_request_id, inside.pull_request_id], reverse=True)
    assert ids(lists.repo_pull_requests(uow, fork_reader, target)) == both
    assert ids(lists.my_pull_requests(uow, fork_reader, "awaiting")) == [from_fork.pull_request_id]
    assert ids(lists.repo_pull_requests(uow, people.admin(uow), target)) == both
    row = lists.my_pull_requests(uow, author).rows[-1]
    assert (row.source_repo, row.target_repo) == (fork.repo_name, target.repo_name)


def test_my_pull_requests_across_repositories(uow, root, world):
    w = world
    other = make.repo(uow, root)
    elsewhere = add_pr(uow, other, w.bob, reviewers=[w.alice])
    elsewhere_mine = add_pr(uow, other, w.alice)
    newest_first = lambda *prs: sorted((p.pull_request_id for p in prs), reverse=True)  # noqa: E731
    mine = newest_first(w.alice_open, w.alice_closed, w.approved, w.reconsidered, elsewhere_mine)
    awaiting = newest_first(w.bob_open, elsewhere)
    assert ids(lists.my_pull_requests(uow, w.alice, "mine")) == mine
    assert ids(lists.my_pull_requests(uow, w.alice, "awaiting")) == awaiting
    assert ids(lists.my_pull_requests(uow, w.alice, "all")) == sorted(mine + awaiting, reverse=True)
    assert ids(lists.my_pull_requests(uow, w.alice, "bogus")) == ids(
        lists.my_pull_requests(uow, w.alice, "all"))
    rows = lists.my_pull_requests(uow, w.alice, "awaiting").rows
    assert {r.target_repo for r in rows} == {w.repo.repo_name, other.repo_name}


def test_a_pull_request_made_from_real_commits_is_listed(uow, root):
    proj = review.project(uow, root, "git")
    pr = review.pull_request(uow, root, proj, title="Real change")
    row = lists.repo_pull_requests(uow, root.user, proj.repo).rows[0]
    assert (row.pull_request_id, row.title, row.state) == (pr.pull_request_id, "Real change",
                                                           "open")
    assert row.source_ref.commit_id == proj.feature[-1] and row.target_ref.commit_id == proj.base


STATEMENTS: list[str] = []


class _Statements:
    def __init__(self, engine) -> None:
        self.engine, self.seen = engine, []

    def _count(self, conn, cursor, statement, *args) -> None:
        self.seen.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


def test_a_page_costs_the_same_queries_for_three_rows_as_for_twenty(uow, root):
    """No query per row: rows, counts, reviewers and votes are read for the whole page."""
    reviewer = people.user(uow)
    forks = [make.repo(uow, root, private=True) for _ in range(3)]
    for fork in forks:
        repo_permissions.grant_user(uow, root, fork, reviewer, "repository.read")

    def measure(count: int) -> tuple[int, int]:
        repo = make.repo(uow, root)
        for n in range(count):
            pr = add_pr(uow, repo, people.user(uow), source=forks[n % 3], reviewers=[reviewer])
            reviews.add_comment(uow, repo, reviewer, "note", pull_request=pr)
            reviews.vote(uow, repo, reviewer, "under_review", pull_request=pr)
        uow.db.flush()
        uow.db.expire_all()  # nothing read before may spare a query
        with _Statements(uow.db.get_bind()) as statements:
            found = lists.repo_pull_requests(uow, reviewer, repo, "awaiting")
            mine = lists.my_pull_requests(uow, reviewer, "awaiting")
        assert len(found.rows) == count and mine.total >= count
        STATEMENTS[:] = statements.seen
        return len(statements.seen), len(found.rows)

    few, many = measure(3), measure(20)
    assert few[0] == many[0], (few, many)
    # about 17 a list, most of them the permission computation's (the repository, then the
    # repositories involved: a fixed handful, see test_permission_query_count.py)
    assert few[0] <= 40, "\n".join(s[:110].replace("\n", " ") for s in STATEMENTS)
