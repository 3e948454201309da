"""What every view under a repository's URL shares: the :class:`View` a keyword names, the
:class:`Context` it gets, the parsers of the path after the keyword, and :func:`render`.

A page module (summary_pages, file_pages, ...) declares ``KEYWORDS``: keyword → parser; a parser
turns the path segments after the keyword into ``(View, args)`` or None (not this view).
:mod:`vcshub.web.repo_pages` joins the modules' tables, identifies the viewer, checks read
permission, and calls ``view.handler(uow, repo, args, context)``.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.responses import Response

from vcshub.db.models import Repository, User
from vcshub.web import sessions

if TYPE_CHECKING:
    from starlette.datastructures import FormData

    from vcshub.services.unit_of_work import UnitOfWork
    from vcshub.web.templating import Templates

READING = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class View:
    """One view: ``names`` are the ``Controller:view`` names ``api_access_controllers_whitelist``
    entries match (Kallithea / RhodeCode 3 first, then RhodeCode 4). ``html``: errors answer as a
    page in the layout. ``methods``: a view that takes POST gets the form, its CSRF token
    already checked, and a unit of work that writes."""

    kind: str
    names: tuple[str, ...]
    handler: Callable[..., Any]
    html: bool = True
    feed: bool = False
    methods: frozenset[str] = READING


Parser = Callable[[list[str]], "tuple[View, tuple] | None"]


def exact(view: View) -> Parser:
    """``<keyword>`` alone."""
    return lambda rest: (view, ()) if not rest else None


def one(view: View) -> Parser:
    """``<keyword>/<one segment>``."""
    return lambda rest: (view, (rest[0],)) if len(rest) == 1 and rest[0] else None


def rev_and_path(view: View) -> Parser:
    """``<keyword>/<rev>/<path>``, the path required."""
    return lambda rest: (view, (rest[0], "/".join(rest[1:]))) if len(rest) >= 2 and rest[0] else None


def rev_and_optional_path(view: View) -> Parser:
    """``<keyword>/<rev>`` (the root) or ``<keyword>/<rev>/<path>``."""
    return lambda rest: (view, (rest[0], "/".join(rest[1:]))) if rest and rest[0] else None


@dataclass(frozen=True)
class Context:
    """What the views need from the request besides the credentials."""

    base_url: str
    path: str
    query: Mapping[str, str] = dataclasses.field(default_factory=dict)
    templates: Templates | None = None
    viewer: User | None = None  # set once identified
    csrf: str | None = None  # the session's CSRF token (the layout's sign-out form, page forms)
    method: str = "GET"
    form: FormData | None = None  # a POST's fields, CSRF already checked
    flashes: tuple[tuple[str, str], ...] = ()  # (kind, text) shown once by the layout
    session: dict | None = None  # the request's session, e.g. to flash after a POST
    following: bool = False  # the viewer follows the repository (the header's button)
    administers: bool = False  # the viewer may change its settings (the menu's Settings link)


def render(context: Context, repo: Repository, template: str, status: int = 200,
           **values: object) -> Response:
    """A page of ``repo``: every template gets the layout's values, the repository and its URL."""
    return context.templates.page(
        template,
        status=status,
        viewer=context.viewer,
        here=context.path,
        csrf=context.csrf,
        flashes=context.flashes,
        repo=repo,
        repo_url=repo_url(repo),
        following=context.following,  # the h1's follow button
        administers=context.administers,
        **values,
    )


def form_token(context: Context) -> str:
    """The session's CSRF token for a page's form (a Basic-auth visit may not have one yet)."""
    if context.csrf:
        return context.csrf
    token = context.session.get(sessions.CSRF_KEY) if context.session is not None else None
    if not token and context.session is not None:
        token = context.session[sessions.CSRF_KEY] = secrets.token_urlsafe(24)
    return token or ""


def repo_url(repo: Repository) -> str:
    return "/" + quote(repo.repo_name)


def crumbs(path: str) -> list[tuple[str, str]]:
    """(name, path) of every directory on the way to ``path``, the last one included."""
    parts = path.split("/") if path else []
    return [(part, "/".join(parts[: i + 1])) for i, part in enumerate(parts)]
