"""The journal pages: ``/_admin/journal`` (signed in: the repositories I follow and my own
actions), ``/_admin/public_journal`` (what anonymous visitors may read), and their RSS and
Atom feeds at RhodeCode 4's URLs (``.../rss``, ``.../atom``; ``/_admin/public_journal_rss``
and ``_atom`` too, its older ones). The private feeds take a feed token in ``?auth_token=``,
as RhodeCode's do whatever the whitelist says; the reading rules are in
:mod:`vcshub.services.journal_view`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vcshub.serializers import feeds, journal_feeds
from vcshub.services import journal_view
from vcshub.services.unit_of_work import unit_of_work
from vcshub.web import download_responses as respond
from vcshub.web import page_requests, web_auth
from vcshub.web.errors import SignInRequired
from vcshub.web.page_requests import PageRequest
from vcshub.web.paging import page_number
from vcshub.web.request_info import base_url

# The names api_access_controllers_whitelist entries match (Kallithea's, then RhodeCode 4's).
JOURNAL_NAMES = ("JournalController:index", "JournalView:journal")
PUBLIC_NAMES = ("JournalController:public_journal", "JournalView:journal_public")
FEED_NAMES = {
    ("journal", "rss"): ("JournalController:journal_rss", "JournalView:journal_rss"),
    ("journal", "atom"): ("JournalController:journal_atom", "JournalView:journal_atom"),
    ("public", "rss"): ("JournalController:public_journal_rss", "JournalView:journal_public_rss"),
    ("public", "atom"): ("JournalController:public_journal_atom",
                         "JournalView:journal_public_atom"),
}
FEED_SIZE = 50


def _page_view(public: bool):
    def view(uow, page: PageRequest) -> Response:
        number = page_number(page.query.get("page"))
        if public:
            found = journal_view.public_journal(uow, number)
        else:
            found = journal_view.user_journal(uow, page.viewer, number)
        feed_path = "/_admin/public_journal" if public else "/_admin/journal"
        return page.render(
            "journal.html",
            public=public,
            journal=found,
            action_text=journal_feeds.action_text,
            feed_path=feed_path,
            newer=_page_url(page.path, number - 1) if number > 1 else None,
            older=_page_url(page.path, number + 1) if found.has_next else None,
        )

    return view


def _page_url(path: str, number: int) -> str:
    return path + (f"?page={number}" if number > 1 else "")


async def journal_page(request: Request) -> Response:
    return await page_requests.answer(request, _page_view(False), JOURNAL_NAMES, signed_in=True)


async def public_journal_page(request: Request) -> Response:
    return await page_requests.answer(request, _page_view(True), PUBLIC_NAMES)


def _feed(which: str, kind: str) -> Callable:
    serialize = feeds.rss_document if kind == "rss" else feeds.atom_document
    media_type = feeds.RSS_MEDIA_TYPE if kind == "rss" else feeds.ATOM_MEDIA_TYPE
    public = which == "public"

    async def endpoint(request: Request) -> Response:
        state = request.app.state.vcshub
        credentials = await web_auth.request_credentials(request, state.settings,
                                                         state.login_throttle)
        base = base_url(request, state.settings)
        came_from = request.url.path + (f"?{request.url.query}" if request.url.query else "")

        def run() -> Response:
            with unit_of_work(state.sessions, state.settings, writes=False) as uow:
                viewer = web_auth.identify(uow, credentials, FEED_NAMES[which, kind], True,
                                           state.login_throttle, token_always=not public)
                if public:
                    found = journal_view.public_journal(uow, per_page=FEED_SIZE)
                else:
                    if viewer is None:
                        raise SignInRequired(came_from)
                    found = journal_view.user_journal(uow, viewer, per_page=FEED_SIZE)
            page_url = base + ("/_admin/public_journal" if public else "/_admin/journal")
            channel = feeds.Channel(
                title="Public journal" if public else f"Journal of {viewer.username}",
                link=page_url,
                self_url=base + quote(request.url.path),
                description="Activity in the repositories anyone may read" if public
                else "Activity in the repositories you follow, and your own",
                updated=found.items[0].created_on if found.items else _epoch(),
            )
            entries = journal_feeds.items(
                found.items, lambda name: f"{base}/{quote(name)}",
                lambda entry_id: f"{page_url}#entry-{entry_id}")
            return respond.xml(serialize(channel, entries), media_type)

        return await run_in_threadpool(run)

    return endpoint


def _epoch() -> dt.datetime:
    """An empty feed's ``updated``: nothing has happened yet."""
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


ROUTES = [
    Route("/_admin/journal", journal_page, methods=["GET", "HEAD"]),
    Route("/_admin/journal/rss", _feed("journal", "rss"), methods=["GET", "HEAD"]),
    Route("/_admin/journal/atom", _feed("journal", "atom"), methods=["GET", "HEAD"]),
    Route("/_admin/public_journal", public_journal_page, methods=["GET", "HEAD"]),
    Route("/_admin/public_journal/rss", _feed("public", "rss"), methods=["GET", "HEAD"]),
    Route("/_admin/public_journal/atom", _feed("public", "atom"), methods=["GET", "HEAD"]),
    Route("/_admin/public_journal_rss", _feed("public", "rss"), methods=["GET", "HEAD"]),
    Route("/_admin/public_journal_atom", _feed("public", "atom"), methods=["GET", "HEAD"]),
]
