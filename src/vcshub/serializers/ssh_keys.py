"""A user's SSH key as the API and the pages show it (never more than the public key)."""

from __future__ import annotations

from vcshub.db.models import UserSshKey
from vcshub.serializers.datetimes import format_datetime


def ssh_key_data(key: UserSshKey) -> dict:
    return {
        "ssh_key_id": key.ssh_key_id,
        "fingerprint": key.fingerprint,
        "key_type": key.algorithm,
        "public_key": key.public_key,
        "comment": key.comment,
        "created_on": format_datetime(key.created_on),
        "last_used": format_datetime(key.last_used) if key.last_used else None,
    }
