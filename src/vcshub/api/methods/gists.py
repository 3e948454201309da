"""Gist methods (REFERENCE.md 4.8)."""

from __future__ import annotations

from typing import Annotated

from vcshub.api.call import Call
from vcshub.api.coercion import AsInt, Bool, Text
from vcshub.api.errors import ApiError
from vcshub.api.registry import MethodSet
from vcshub.serializers.gists import gist_data
from vcshub.services import gists
from vcshub.services.errors import DomainError

methods = MethodSet()


@methods.method(writes=False)
def get_gist(call: Call, gistid, content: Bool = False):
    gist = gists.get_gist(call.uow, call.caller, gistid)
    files = gists.file_contents(call.uow, gist) if content else None
    return gist_data(gist, base_url=call.base_url, content=files)


@methods.method(writes=False)
def get_gists(call: Call, userid=None):
    return [
        gist_data(g, base_url=call.base_url)
        for g in gists.list_gists(call.uow, call.caller, userid)
    ]


@methods.method(failure="failed to create gist")
def create_gist(
    call: Call,
    files,
    owner=None,
    gist_type: Text = "public",
    lifetime: Annotated[int, AsInt(fallback=-1)] = -1,
    acl_level: Text = "acl_public",
    description: Text = "",
):
    gist = gists.create_gist(
        call.uow, call.caller, files, owner, gist_type, lifetime, acl_level, description
    )
    return {"msg": "created new gist", "gist": gist_data(gist, base_url=call.base_url)}


@methods.method()
def delete_gist(call: Call, gistid):
    gist = gists.get_gist(call.uow, call.caller, gistid)
    access_id = gist.access_id
    try:
        gists.delete_gist(call.uow, call.caller, gist)
    except DomainError:
        raise ApiError(f"failed to delete gist ID:{access_id}") from None
    return {"msg": f"deleted gist ID:{access_id}", "gist": None}
