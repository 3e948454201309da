"""A pull request's state as the tests read it: reviewers' votes, stored versions and comments.

What the contract keeps server-side only (the versions a pull request had and which version a
comment was made on) is read from the server's database, as tests/factories/api.py does for global
permissions: the API has no method that returns it.
"""

from __future__ import annotations

from contextlib import contextmanager

NOTHING_CHANGED = {
    "updated_commits": {"added": [], "common": [], "removed": []},
    "updated_reviewers": {"added": [], "removed": []},
}


def reviewer_votes(pr: dict) -> dict[str, str]:
    """username → that reviewer's review_status (the order of reviewers is not part of 3.6)."""
    return {r["user"]["username"]: r["review_status"] for r in pr["reviewers"]}


@contextmanager
def server_db(live_server):
    from sqlalchemy.orm import Session

    from vcshub.db.engine import create_db_engine

    engine = create_db_engine(live_server.database_url)
    try:
        with Session(engine) as db:
            yield db
    finally:
        engine.dispose()


def stored_versions(live_server, prid: int) -> list[dict]:
    """The stored versions of a pull request, oldest first."""
    from sqlalchemy import select

    from vcshub.db.models import PullRequestVersion

    with server_db(live_server) as db:
        rows = db.scalars(
            select(PullRequestVersion)
            .where(PullRequestVersion.pull_request_id == prid)
            .order_by(PullRequestVersion.version_id)
        ).all()
        return [
            {"version_id": v.version_id, "source_ref": v.source_ref, "revisions": list(v.revisions),
             "title": v.title}
            for v in rows
        ]


def stored_comments(live_server, *, prid: int | None = None, commit_id: str | None = None) -> dict:
    """comment_id → its stored facts, for the comments of a pull request or of a commit."""
    from sqlalchemy import select

    from vcshub.db.models import Comment

    query = select(Comment)
    if prid is not None:
        query = query.where(Comment.pull_request_id == prid)
    if commit_id is not None:
        query = query.where(Comment.commit_id == commit_id)
    with server_db(live_server) as db:
        return {
            c.comment_id: {
                "version_id": c.pull_request_version_id,
                "text": c.text,
                "type": c.comment_type,
                "resolves": c.resolves_comment_id,
                "f_path": c.f_path,
                "line": c.line_no,
                "user_id": c.user_id,
            }
            for c in db.scalars(query)
        }
