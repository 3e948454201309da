"""The ASGI application: routes, middleware, and the periodic jobs beside them."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from vcshub.api.endpoint import ApiEndpoint
from vcshub.app_state import build_state
from vcshub.config import Settings, load_settings
from vcshub.metrics import exposition
from vcshub.metrics.middleware import RequestMetrics
from vcshub.tasks.jobs import queue_due_mirrors, submit_task
from vcshub.tasks.runner import PeriodicJob, PeriodicRunner
from vcshub.metrics.task_states import TaskStates
from vcshub.tasks.sweep import sweep
from vcshub.transport.bookkeeping import WaitForBookkeeping
from vcshub.transport.endpoint import VcsEndpoint
from vcshub.web import (
    account_pages,
    admin_audit_pages,
    admin_list_pages,
    admin_permission_pages,
    admin_exception_pages,
    admin_settings_pages,
    admin_user_edit_pages,
    admin_user_group_edit_pages,
    admin_user_group_pages,
    admin_user_pages,
    error_pages,
    gist_pages,
    health_views,
    metrics_views,
    journal_pages,
    password_pages,
    pull_request_pages,
    registration_pages,
    search_pages,
    sessions,
    ssh_key_pages,
    token_pages,
    web_auth,
)
from vcshub.web.group_pages import GroupSettingsPages
from vcshub.web.pages import index_page
from vcshub.web.templating import STATIC_FOLDER, STATIC_PREFIX
from vcshub.web.repo_pages import RepoPages


def create_app(settings: Settings) -> Starlette:
    state = build_state(settings)

    runner = PeriodicRunner(
        [
            # the work itself is a task: with Celery, a worker does it
            PeriodicJob("gist expiry", settings.gist_gc_interval_seconds,
                        functools.partial(submit_task, state.sessions, settings, "gists.expire")),
            PeriodicJob("audit retention", 3600,
                        functools.partial(submit_task, state.sessions, settings, "audit.expire")),
            PeriodicJob("mirrors", 60,
                        functools.partial(queue_due_mirrors, state.sessions, settings)),
            PeriodicJob("task sweep", max(settings.task_stale_seconds / 2, 0.5),
                        functools.partial(sweep, state.sessions, settings)),
        ],
        leadership=state.coordination.leadership("periodic-jobs"),
    )
    sampler = exposition.GaugeSampler() if settings.metrics_enabled else None
    if sampler is not None:
        exposition.add_queue_sampler("search-index", state.search_queue.pending)
        exposition.add_queue_sampler("housekeeping", state.housekeeper.pending)
        exposition.add_scrape_collector(TaskStates(state.sessions, settings))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.task_runner.start()
        runner.start()
        state.housekeeper.start()
        state.search_queue.start()
        if sampler is not None:
            sampler.start()
        yield
        if sampler is not None:
            await asyncio.to_thread(sampler.stop)
        await runner.stop()
        state.task_runner.stop()
        await asyncio.to_thread(state.housekeeper.stop)
        await asyncio.to_thread(state.search_queue.stop)
        state.engine.dispose()

    app = Starlette(
        routes=[
            Route("/_admin/api", ApiEndpoint()),  # every HTTP method: see ApiEndpoint
            Route("/", index_page, methods=["GET"]),
            Mount(STATIC_PREFIX, StaticFiles(directory=str(STATIC_FOLDER)), name="static"),
            Route("/_admin/login", sessions.login, methods=["GET", "POST"]),
            Route("/_admin/logout", sessions.logout, methods=["GET", "POST"]),
            Route(web_auth.PASSWORD_PAGE, password_pages.password_page, methods=["GET", "POST"]),
            # The site's own pages: each module lists its routes.
            *health_views.ROUTES,
            *metrics_views.ROUTES,
            *gist_pages.ROUTES,
            *journal_pages.ROUTES,
            *account_pages.ROUTES,
            *pull_request_pages.ROUTES,
            *token_pages.ROUTES,
            *ssh_key_pages.ROUTES,
            *registration_pages.ROUTES,
            *admin_user_pages.ROUTES,
            *admin_user_edit_pages.ROUTES,
            *admin_user_group_pages.ROUTES,
            *admin_user_group_edit_pages.ROUTES,
            *admin_permission_pages.ROUTES,
            *admin_list_pages.ROUTES,
            *admin_settings_pages.ROUTES,
            *admin_audit_pages.ROUTES,
            *admin_exception_pages.ROUTES,
            *search_pages.ROUTES,
            # Repositories live at /<group>/<name>: git and hg clients, then the web UI.
            # A group's settings (/<group>/_settings...) go before the repository pages.
            Route("/{path:path}", VcsEndpoint(fallback=GroupSettingsPages(
                fallback=RepoPages(fallback=error_pages.not_found)))),
        ],
        middleware=[
            # outermost: its time covers the whole answer (only when metrics are on)
            *([Middleware(RequestMetrics, static_prefix=STATIC_PREFIX)] if sampler else []),
            Middleware(WaitForBookkeeping, bookkeeping=state.push_bookkeeping),
            sessions.session_middleware(settings),
        ],
        # The one place errors become answers (pages in the layout, plain text elsewhere).
        exception_handlers=error_pages.exception_handlers(),
        lifespan=lifespan,
    )
    app.state.vcshub = state
    return app


def create_app_from_environment() -> Starlette:
    """Factory for ``uvicorn --factory`` (used with several worker processes)."""
    app = create_app(load_settings())
    tune_garbage_collector()
    return app


# Objects a collection of the youngest generation waits for (CPython's default: 700).
YOUNG_GENERATION = 50_000


def tune_garbage_collector() -> None:
    """Set up Python's cyclic garbage collector for a server process (``vcshub serve`` calls it
    once the application is built).

    Why: a big page (a 2,000-line diff) allocates tens of thousands of containers that live as
    long as the request; with the default thresholds they are promoted to the oldest generation
    while it runs, and every few requests a full collection walks the whole heap (the repository
    indexes, the render caches): 140 ms each on the 100,000-commit benchmark, 9 of them in 15
    requests, half the page's CPU time. With a youngest generation of 50,000 they mostly die
    young: the page's CPU time fell from 122 to 61 ms and no full collection ran
    (benchmarks/pages.py). What exists at start-up (modules, the app) is frozen out of every
    collection. Memory freed by reference counting, which is most of it, is unaffected.
    """
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION, 20, 100)
