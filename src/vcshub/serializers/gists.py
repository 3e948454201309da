"""The gist object (3.9)."""

from __future__ import annotations

from vcshub.db.models import Gist
from vcshub.serializers.datetimes import format_datetime


def gist_url(base_url: str, gist: Gist) -> str:
    return f"{base_url}/_admin/gists/{gist.access_id}"


def gist_data(gist: Gist, *, base_url: str, content: dict[str, str] | None = None) -> dict:
    return {
        "gist_id": gist.gist_id,
        "access_id": gist.access_id,
        "type": gist.gist_type,
        "description": gist.description,
        "url": gist_url(base_url, gist),
        "expires": gist.expires,
        "created_on": format_datetime(gist.created_on),
        "modified_at": format_datetime(gist.modified_at),
        "content": content,
        "acl_level": gist.acl_level,
    }
