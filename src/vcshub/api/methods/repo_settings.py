"""A repository's VCS settings (REFERENCE.md section 5: get_repo_settings, set_repo_settings).

Both are for super-admins; past that check, every failure (an unknown repository, a key or
value that is not one) answers the method's one failure text, as RC4's do.
"""

from __future__ import annotations

from vcshub.api.call import Call
from vcshub.api.errors import ApiError
from vcshub.api.registry import MethodSet
from vcshub.services import repo_vcs_settings
from vcshub.services.errors import Invalid, NotFound

methods = MethodSet()


@methods.method(writes=False)
def get_repo_settings(call: Call, repoid, key=None):
    try:
        return repo_vcs_settings.get_repo_settings(call.uow, call.caller, repoid, key)
    except NotFound:
        raise ApiError(f"Failed to fetch settings for repository `{repoid}`") from None


@methods.method()
def set_repo_settings(call: Call, repoid, settings):
    try:
        repo_vcs_settings.set_repo_settings(call.uow, call.caller, repoid, settings)
    except Invalid as exc:
        if exc.reason == repo_vcs_settings.NOT_AN_OBJECT:
            raise ApiError(exc.reason) from None
        raise ApiError(f"Failed to update settings for repository `{repoid}`") from None
    except NotFound:
        raise ApiError(f"Failed to update settings for repository `{repoid}`") from None
    return True
