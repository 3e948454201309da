"""Views under a repository's URL: ``/<repo>/<view keyword>/<rest>``.

Repository names contain ``/``, so the path is split at a view keyword; when a group happens to
be named like a keyword, the reading whose repository exists wins. A path without a keyword (or
none of whose readings exists) may be a repository's own URL: its summary. Each view has the
``Controller:view`` names that ``api_access_controllers_whitelist`` entries match (the
Kallithea / RhodeCode 3 name first, then RhodeCode 4's). The HTML pages are in
:mod:`vcshub.web.browse_pages`. Methods other than GET and HEAD on a path that can only be a
summary go to ``fallback``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from vcshub.db.models import User
from vcshub.serializers import feeds
from vcshub.services import archives, repo_contents, repo_index
from vcshub.services.unit_of_work import UnitOfWork, unit_of_work
from vcshub.web import browse_pages, pages, sessions, web_auth
from vcshub.web import download_responses as respond
from vcshub.web.error_pages import mark_page
from vcshub.web.request_info import base_url
from vcshub.web.templating import Templates

if TYPE_CHECKING:  # the application module imports this one
    from vcshub.app_state import AppState


@dataclass(frozen=True)
class View:
    kind: str
    names: tuple[str, ...]
    feed: bool = False


DIFF = View("diff", ("ChangesetController:changeset_raw", "RepoCommitsView:repo_commit_raw"))
DIFF_DOWNLOAD = View(
    "diff_download",
    ("ChangesetController:changeset_download", "RepoCommitsView:repo_commit_download"),
)
PATCH = View("patch", ("ChangesetController:changeset_patch", "RepoCommitsView:repo_commit_patch"))
RAW = View("raw", ("FilesController:raw", "RepoFilesView:repo_file_raw"))
RAW_DOWNLOAD = View("download", ("FilesController:rawfile", "RepoFilesView:repo_file_download"))
ARCHIVE = View("archive", ("FilesController:archivefile", "RepoFilesView:repo_archivefile"))
RSS = View("rss", ("FeedController:rss", "RepoFeedView:rss"), feed=True)
ATOM = View("atom", ("FeedController:atom", "RepoFeedView:atom"), feed=True)
SUMMARY = View("summary", ("SummaryController:index", "RepoSummaryView:summary"))
FILES = View("files", ("FilesController:index", "RepoFilesView:repo_files"))
CHANGELOG = View("changelog", ("ChangelogController:index", "RepoChangelogView:repo_changelog"))
CHANGESET = View("changeset", ("ChangesetController:index", "RepoCommitsView:repo_commit_show"))


def _one(view: View) -> Callable[[list[str]], tuple[View, tuple] | None]:
    return lambda rest: (view, (rest[0],)) if len(rest) == 1 and rest[0] else None


def _file(view: View) -> Callable[[list[str]], tuple[View, tuple] | None]:
    return lambda rest: (view, (rest[0], "/".join(rest[1:]))) if len(rest) >= 2 and rest[0] else None


def _tree(rest: list[str]) -> tuple[View, tuple] | None:
    """``files/<rev>`` (the root) or ``files/<rev>/<path>``."""
    return (FILES, (rest[0], "/".join(rest[1:]))) if rest and rest[0] else None


def _feed(rest: list[str]) -> tuple[View, tuple] | None:
    return {"rss": (RSS, ()), "atom": (ATOM, ())}.get(rest[0]) if len(rest) == 1 else None


KEYWORDS: dict[str, Callable[[list[str]], tuple[View, tuple] | None]] = {
    "changeset-diff": _one(DIFF),
    "raw-changeset": _one(DIFF),
    "changeset-download": _one(DIFF_DOWNLOAD),
    "changeset-patch": _one(PATCH),
    "raw": _file(RAW),
    "rawfile": _file(RAW_DOWNLOAD),
    "download": _file(RAW_DOWNLOAD),
    "archive": lambda rest: (ARCHIVE, ("/".join(rest),)) if rest and all(rest) else None,
    "feed": _feed,
    "feed-rss": lambda rest: (RSS, ()) if not rest else None,
    "feed-atom": lambda rest: (ATOM, ()) if not rest else None,
    "summary": lambda rest: (SUMMARY, ()) if not rest else None,
    "files": _tree,
    "changelog": lambda rest: (CHANGELOG, ()) if not rest else None,
    "changeset": _one(CHANGESET),
}


@dataclass(frozen=True)
class Wanted:
    repo_name: str
    view: View
    args: tuple


def readings(path: str) -> list[Wanted]:
    """Every way to read ``path`` as ``<repo>/<keyword>/<rest>``, leftmost keyword first, then
    as ``<repo>`` (its summary)."""
    stripped = path.strip("/")
    if not stripped:
        return []
    segments = stripped.split("/")
    found = []
    for index in range(1, len(segments)):
        parse = KEYWORDS.get(segments[index])
        parsed = parse(segments[index + 1:]) if parse else None
        if parsed is not None:
            found.append(Wanted("/".join(segments[:index]), parsed[0], parsed[1]))
    found.append(Wanted(stripped, SUMMARY, ()))
    return found


@dataclass(frozen=True)
class Context:
    """What the views need from the request besides the credentials."""

    base_url: str
    path: str
    query: Mapping[str, str] = dataclasses.field(default_factory=dict)
    templates: Templates | None = None
    viewer: User | None = None  # set once identified
    csrf: str | None = None  # the signed-in session's token, for the layout's sign-out form


class RepoPages:
    """ASGI app for the repository views; ``fallback`` gets every other path."""

    def __init__(self, fallback: ASGIApp) -> None:
        self.fallback = fallback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        wanted = readings(scope["path"]) if scope["type"] == "http" else []
        reading = scope.get("method") in ("GET", "HEAD")
        if not wanted or (not reading and all(w.view is SUMMARY for w in wanted)):
            await self.fallback(scope, receive, send)
            return
        request = Request(scope, receive)
        if not reading:
            response = PlainTextResponse("Method not allowed\n", 405, headers={"Allow": "GET, HEAD"})
            await response(scope, receive, send)
            return
        state: AppState = request.app.state.vcshub
        credentials = await web_auth.request_credentials(request, state.settings, state.login_throttle)
        context = Context(
            base_url(request, state.settings),
            request.url.path,
            dict(request.query_params),
            state.templates,
            csrf=sessions.layout_values(request)["csrf"],
        )
        response = await run_in_threadpool(_answer, state, wanted, credentials, context, scope)
        await response(scope, receive, send)


def _answer(state: AppState, wanted: list[Wanted], credentials, context: Context,
            scope: Scope) -> ASGIApp:
    """Authenticate, authorize and build the response, in one unit of work (a worker thread).
    Errors go to the handlers of web/error_pages.py: a page's in the layout, the others plain."""
    with unit_of_work(state.sessions, state.settings, writes=False) as uow:
        chosen = wanted[repo_contents.first_existing(uow, [w.repo_name for w in wanted])]
        view = chosen.view
        if view.kind in HTML_VIEWS:
            mark_page(scope)
        if view is SUMMARY and repo_index.group_exists(uow, chosen.repo_name):
            # /<group>: a group's page (a group and a repository never share a name)
            user = web_auth.identify(uow, credentials, pages.GROUP_VIEW_NAMES, False,
                                     state.login_throttle)
            layout = {"here": context.path, "csrf": context.csrf}
            return pages.level_page(uow, context.templates, user, chosen.repo_name,
                                    context.query, layout)
        user = web_auth.identify(uow, credentials, view.names, view.feed, state.login_throttle)
        repo = repo_contents.readable_repo(uow, user, chosen.repo_name)
        return _VIEWS[view.kind](uow, repo, chosen.args, dataclasses.replace(context, viewer=user))


# -- the views: (unit of work, readable repository, parsed arguments, context) → response --------
def _diff(uow: UnitOfWork, repo, args, context):
    commit, diff = repo_contents.commit_diff(uow, repo, args[0])
    return respond.text(diff)


def _diff_download(uow: UnitOfWork, repo, args, context):
    commit, diff = repo_contents.commit_diff(uow, repo, args[0])
    return respond.text(diff, attachment=f"{commit.raw_id}.diff")


def _patch(uow: UnitOfWork, repo, args, context):
    _commit, patch = repo_contents.commit_patch(uow, repo, args[0])
    return respond.text(patch)


def _raw(uow: UnitOfWork, repo, args, context):
    return respond.raw_file(repo_contents.raw_file(uow, repo, *args), download=False)


def _download(uow: UnitOfWork, repo, args, context):
    return respond.raw_file(repo_contents.raw_file(uow, repo, *args), download=True)


def _archive(uow: UnitOfWork, repo, args, context):
    return respond.ArchiveResponse(archives.prepare(uow, repo, args[0]))


def _feed_view(serialize, media_type: str):
    def view(uow: UnitOfWork, repo, args, context: Context):
        repo_url = f"{context.base_url}/{quote(repo.repo_name)}"
        document = serialize(
            repo_contents.feed(uow, repo),
            repo_url,
            context.base_url + quote(context.path),
            lambda raw_id: f"{repo_url}/changeset/{raw_id}",
        )
        return respond.xml(document, media_type)

    return view


HTML_VIEWS = {"summary", "files", "changelog", "changeset"}  # the others answer files and text
_VIEWS = {
    "diff": _diff,
    "diff_download": _diff_download,
    "patch": _patch,
    "raw": _raw,
    "download": _download,
    "archive": _archive,
    "rss": _feed_view(feeds.rss, feeds.RSS_MEDIA_TYPE),
    "atom": _feed_view(feeds.atom, feeds.ATOM_MEDIA_TYPE),
    "summary": browse_pages.summary,
    "files": browse_pages.files,
    "changelog": browse_pages.changelog,
    "changeset": browse_pages.changeset,
}
