"""What the repository-group settings pages share: who may see them, their tabs, and the
answer after a change (the group counterpart of web/settings_forms.py, whose ``text``,
``checked`` and ``choice`` read these pages' forms too: they need only ``.form``).

Only the group's administrators (``group.admin``, super-admins) see ``/<group>/_settings/...``;
everyone else gets the 404 of an address naming nothing. Each change is made by a service that
checks the caller again itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from vcshub.db.models import RepoGroup
from vcshub.permissions.caller import Caller
from vcshub.services import repo_group_access
from vcshub.services.errors import NotFound
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.page_requests import PageRequest

READING = frozenset({"GET", "HEAD"})
WRITING = frozenset({"POST"})
# (path after the group's settings URL, tab name)
TABS = (("", "Settings"), ("/permissions", "Permissions"), ("/advanced", "Advanced"))


@dataclass(frozen=True)
class GroupView:
    """One page: ``names`` are the ``Controller:view`` names whitelist entries match
    (Kallithea's, then RhodeCode 4's); ``handler(uow, page, group)``."""

    names: tuple[str, ...]
    handler: Callable[..., Response]
    methods: frozenset[str]


def settings_url(group: RepoGroup) -> str:
    return f"/{quote(group.group_name)}/_settings"


def group_url(group: RepoGroup) -> str:
    return "/" + quote(group.group_name)


def administered(uow: UnitOfWork, page: PageRequest, group_name: str) -> tuple[RepoGroup, Caller]:
    """The group and the viewer as a caller, if he administers it; the unknown address's 404
    otherwise (the same words the repository pages use for a path naming nothing)."""
    group = repo_group_access.administered_by(uow, page.viewer, group_name)
    if group is None:
        raise NotFound("repository", page.path.strip("/"))
    return group, Caller(uow.db, page.viewer)


def render(page: PageRequest, group: RepoGroup, template: str, tab: str, status: int = 200,
           **values: object) -> Response:
    """A settings page: the group's crumbs, the tabs, the forms' CSRF token (PageRequest)."""
    parts = group.group_name.split("/")
    crumbs = [(part, "/" + quote("/".join(parts[:i + 1]))) for i, part in enumerate(parts)]
    return page.render(template, status, group=group, crumbs=crumbs, tabs=TABS, tab=tab,
                       settings_url=settings_url(group), group_url=group_url(group), **values)


def done(page: PageRequest, location: str, message: str) -> Response:
    """After a change: say what was done on the next page, and go there (POST-redirect-GET)."""
    page.flash(message)
    return RedirectResponse(location, status_code=303)
