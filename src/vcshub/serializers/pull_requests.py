"""The pull request object (3.6)."""

from __future__ import annotations

from vcshub.db.models import PullRequest
from vcshub.serializers.datetimes import format_datetime
from vcshub.serializers.users import user_basic


def _side(base_url: str, repo, ref_text: str) -> dict:
    ref_type, name, commit_id = ref_text.split(":", 2)
    return {
        "clone_url": f"{base_url}/{repo.repo_name}",
        "repository": repo.repo_name,
        "reference": {"name": name, "type": ref_type, "commit_id": commit_id},
    }


def pull_request_data(
    pr: PullRequest,
    *,
    base_url: str,
    votes: dict[int, str],
    review_status: str,
    mergeable: dict,
) -> dict:
    """``votes`` maps user ids to their latest vote on this pull request."""
    return {
        "pull_request_id": pr.pull_request_id,
        "url": f"{base_url}/{pr.target_repo.repo_name}/pull-request/{pr.pull_request_id}",
        "title": pr.title,
        "description": pr.description,
        "status": pr.status,
        "created_on": format_datetime(pr.created_on),
        "updated_on": format_datetime(pr.updated_on),
        "commit_ids": list(pr.revisions),
        "review_status": review_status,
        "mergeable": mergeable,
        "source": _side(base_url, pr.source_repo, pr.source_ref),
        "target": _side(base_url, pr.target_repo, pr.target_ref),
        "author": user_basic(pr.author),
        # ``reasons`` is what the reviewer objects of create/update_pull_request carried (RC's
        # later API returns it the same way); a plain id or name gives none.
        "reviewers": [
            {
                "user": user_basic(r.user),
                "reasons": list(r.reasons or []),
                "review_status": votes.get(r.user_id, "not_reviewed"),
            }
            for r in pr.reviewers
        ],
    }
