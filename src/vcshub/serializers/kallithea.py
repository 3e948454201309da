"""Kallithea 0.7's shapes of a changeset and a pull request, for its own method names
(REFERENCE.md 6): what its ``__json__``/``as_dict`` give, filled with vcshub's data."""

from __future__ import annotations

import datetime as dt

from vcshub import vcs
from vcshub.db.models import Comment, PullRequest
from vcshub.serializers.datetimes import to_local
from vcshub.vcs.authors import split_author


def _iso(value: dt.datetime) -> str:
    """Kallithea's JSON encoder: ISO-8601, milliseconds only when there are some."""
    return value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")


def _stored(value: dt.datetime) -> str:
    """A stored (naive UTC) time in the server's local time, whole seconds as Kallithea does."""
    return _iso(to_local(value).replace(microsecond=0))


def _files(commit: vcs.Commit) -> dict[str, list[str]]:
    by_op: dict[str, list[str]] = {"A": [], "M": [], "D": []}
    for change in commit.changes(with_diff=False):
        by_op[change.op].append(change.path)
    return {"added": by_op["A"], "changed": by_op["M"], "removed": by_op["D"]}


def changeset_entry(commit: vcs.Commit, with_file_list: bool = False) -> dict:
    """One entry of ``get_changesets``."""
    data = {
        "short_id": commit.short_id,
        "raw_id": commit.raw_id,
        "revision": commit.index,
        "message": commit.message,
        "date": _iso(commit.date),
        "author": commit.author,
    }
    if with_file_list:
        data.update(_files(commit))
    return data


def changeset_data(commit: vcs.Commit) -> dict:
    """``get_changeset``: the author split into name and email, and the files touched."""
    name, email = split_author(commit.author)
    return {
        "raw_id": commit.raw_id,
        "short_id": commit.short_id,
        "revision": commit.index,
        "date": _iso(commit.date),
        "message": commit.message,
        "author": {"name": name, "email": email},
        **_files(commit),
    }


def vote_data(vote) -> dict:
    return {"status": vote.status, "modified_at": _stored(vote.created_on),
            "reviewer": vote.username}


def _comment(comment: Comment) -> dict:
    return {"comment_id": comment.comment_id, "username": comment.author.username,
            "text": comment.text}


def pull_request_data(pr: PullRequest, *, base_url: str, comments: list[Comment],
                      votes: list) -> dict:
    """``get_pullrequest``. ``org`` is Kallithea's source side, ``other`` its target; the URL
    is the pull request's page in RhodeCode's form."""
    return {
        "pull_request_id": pr.pull_request_id,
        "url": f"{base_url}/{pr.target_repo.repo_name}/pull-request/{pr.pull_request_id}",
        "reviewers": [{"username": r.user.username} for r in pr.reviewers],
        "revisions": list(pr.revisions),
        "owner": pr.author.username,
        "title": pr.title,
        "description": pr.description,
        "org_repo_url": f"{base_url}/{pr.source_repo.repo_name}",
        "org_ref_parts": pr.source_ref.split(":", 2),
        "other_ref_parts": pr.target_ref.split(":", 2),
        "status": pr.status,
        "comments": [_comment(c) for c in comments],
        "statuses": [vote_data(v) for v in votes],
        "created_on": _stored(pr.created_on),
        "updated_on": _stored(pr.updated_on),
    }
