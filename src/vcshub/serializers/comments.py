"""The comment object of REFERENCE.md section 5 (RC-later's ``ChangesetComment`` API data),
and the reduced form ``get_pull_request_comments`` gives."""

from __future__ import annotations

from vcshub.db.models import Comment, ReviewStatus, User
from vcshub.serializers.datetimes import format_datetime
from vcshub.serializers.users import user_basic
from vcshub.services.comment_reads import CommentDetails
from vcshub.services.reviews import STATUS_LABELS


def comment_author(user: User) -> dict:
    return {
        **user_basic(user),
        "active": user.active,
        "full_name": user.full_name,
        "full_name_or_username": user.full_name or user.username,
        "short_contact": f"{user.full_name} <{user.email}>",
        "full_contact": f"{user.full_name} <{user.email}>",
    }


def status_data(status: ReviewStatus) -> dict:
    return {
        "status": status.status,
        "status_lbl": STATUS_LABELS.get(status.status, status.status),
        "modified_at": format_datetime(status.created_on),
    }


def _plain(comment: Comment, last_version: int = 0) -> dict:
    return {
        "comment_id": comment.comment_id,
        "comment_type": comment.comment_type,
        "comment_text": comment.text,
        "comment_f_path": comment.f_path,
        "comment_lineno": comment.line_no,
        "comment_author": comment_author(comment.author),
        "comment_created_on": format_datetime(comment.created_on),
        "comment_commit_id": comment.commit_id,
        "comment_pull_request_id": comment.pull_request_id,
        "comment_last_version": last_version,
    }


def comment_data(found: CommentDetails) -> dict:
    resolver = found.resolved_by
    return {
        **_plain(found.comment, found.last_version),
        "comment_status": [status_data(s) for s in found.statuses],
        "comment_resolved_by": _plain(resolver) if resolver is not None else None,
    }


def pull_request_comment_data(found: CommentDetails) -> dict:
    """``get_pull_request_comments``' entry: the author reduced, one status (or ``{}``), and
    the pull-request version the comment was made on (``v<n>``; null for the current one)."""
    data = comment_data(found)
    author = found.comment.author
    data["comment_author"] = {"username": author.username,
                              "full_name_or_username": author.full_name or author.username,
                              "active": author.active}
    statuses = data["comment_status"]
    data["comment_status"] = ({"status": statuses[-1]["status"],
                               "status_lbl": statuses[-1]["status_lbl"]} if statuses else {})
    number = found.pull_request_version
    data["pull_request_version"] = f"v{number}" if number is not None else None
    return data
