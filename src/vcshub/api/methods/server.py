"""Server and administration methods (REFERENCE.md 4.1, 5)."""

from __future__ import annotations

import fnmatch
from typing import Annotated

from vcshub.api.call import Call
from vcshub.api.coercion import AsInt, Text
from vcshub.api.errors import ApiError
from vcshub.api.registry import MethodSet
from vcshub.services import (
    exception_store,
    ip_addresses,
    server_info,
    session_cleanup,
    site_settings,
)
from vcshub.services.errors import Invalid
from vcshub.services.users import require_admin

methods = MethodSet()


@methods.method(writes=False)
def get_server_info(call: Call):
    return server_info.server_info(call.uow, call.caller, call.server_address)


@methods.method(writes=False)
def get_ip(call: Call, userid=None):
    return ip_addresses.describe_ip(call.uow, call.caller, call.client_ip, userid)


@methods.method("show_ip", deprecated_for="get_ip", writes=False)
def show_ip(call: Call, userid=None):
    return ip_addresses.describe_ip(call.uow, call.caller, call.client_ip, userid)


@methods.method(writes=False)
def get_license_info(call: Call):
    return site_settings.license_info(call.uow, call.caller)


@methods.method(failure="license key is not valid")
def set_license_key(call: Call, key: Text):
    stored = site_settings.set_license_key(call.uow, call.caller, key)
    return {"msg": "updated license information", "key": stored}


@methods.method(writes=False)
def get_method(call: Call, pattern="*"):
    """RhodeCode 4.x+: method names matching a glob; with one match, also its arguments."""
    require_admin(call.caller)
    pattern = "*" if pattern is None else str(pattern)
    matches = [name for name in call.registry.names() if fnmatch.fnmatchcase(name, pattern)]
    if len(matches) == 1:
        return [matches[0], call.registry.describe(matches[0])]
    return matches


@methods.method(writes=False)
def get_repo_store(call: Call):
    return {"path": server_info.repo_store(call.uow, call.caller)}


@methods.method(failure="Error occurred during session cleanup")
def cleanup_sessions(call: Call, older_then: Annotated[int, AsInt()] = 60):
    removed = session_cleanup.cleanup_sessions(call.uow, call.caller, older_then)
    return {"sessions_removed": removed, "backend": session_cleanup.BACKEND}


@methods.method(writes=False)  # a file in the data directory, no database row
def store_exception(call: Call, exc_data_json, prefix: Text = "rhodecode"):
    try:
        exc_id = exception_store.store_client_exception(
            call.uow.settings, call.caller, exc_data_json, prefix
        )
    except Invalid as exc:
        raise ApiError(exc.reason) from None
    return {"exc_id": int(exc_id), "exc_url": f"{call.base_url}/_admin/settings/exceptions/{exc_id}"}
