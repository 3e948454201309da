"""The ASGI application: routes, middleware and the objects every request shares."""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from vcshub import vcs
from vcshub.api.endpoint import ApiEndpoint
from vcshub.api.methods import build_registry
from vcshub.api.protocol import Dispatcher
from vcshub.auth.throttle import LoginThrottle
from vcshub.config import Settings, load_settings
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.tasks.jobs import collect_expired_gists
from vcshub.tasks.runner import PeriodicJob, PeriodicRunner
from vcshub.transport.bookkeeping import PushBookkeeping, WaitForBookkeeping
from vcshub.transport.endpoint import VcsEndpoint
from vcshub.transport.hg_http import build_hg_asgi
from vcshub.web import gist_pages, password_pages, sessions, web_auth
from vcshub.web.pages import index_page, not_found
from vcshub.web.repo_pages import RepoPages
from vcshub.web.templating import Templates


@dataclass
class AppState:
    """Everything a request handler needs, built once per process."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    dispatcher: Dispatcher
    login_throttle: LoginThrottle
    hg_app: object
    templates: Templates
    push_bookkeeping: PushBookkeeping


def build_state(settings: Settings, clock: Callable[[], float] = time.time) -> AppState:
    vcs.load_backends()  # once, before requests arrive on several threads
    engine = create_db_engine(settings.effective_database_url)
    sessions = create_session_factory(engine)
    return AppState(
        settings=settings,
        engine=engine,
        sessions=sessions,
        dispatcher=Dispatcher(build_registry(), sessions, settings, clock),
        login_throttle=LoginThrottle(),
        hg_app=build_hg_asgi(),
        templates=Templates(),
        push_bookkeeping=PushBookkeeping(after_response=settings.workers == 1),
    )


def create_app(settings: Settings) -> Starlette:
    state = build_state(settings)

    runner = PeriodicRunner(
        [
            PeriodicJob(
                "gist expiry",
                settings.gist_gc_interval_seconds,
                functools.partial(collect_expired_gists, state.sessions, settings),
            )
        ]
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runner.start()
        yield
        await runner.stop()
        state.engine.dispose()

    app = Starlette(
        routes=[
            Route("/_admin/api", ApiEndpoint()),  # every HTTP method: see ApiEndpoint
            Route("/", index_page, methods=["GET"]),
            Route("/_admin/login", sessions.login, methods=["GET", "POST"]),
            Route("/_admin/logout", sessions.logout, methods=["GET", "POST"]),
            Route(web_auth.PASSWORD_PAGE, password_pages.password_page, methods=["GET", "POST"]),
            Route("/_admin/gists/{gist_id}", gist_pages.gist_page, methods=["GET", "HEAD"]),
            Route(
                "/_admin/gists/{gist_id}/raw/{filename}",
                gist_pages.gist_raw,
                methods=["GET", "HEAD"],
            ),
            # Repositories live at /<group>/<name>: git and hg clients, then the web UI.
            Route("/{path:path}", VcsEndpoint(fallback=RepoPages(fallback=not_found))),
        ],
        middleware=[
            Middleware(WaitForBookkeeping, bookkeeping=state.push_bookkeeping),
            sessions.session_middleware(settings),
        ],
        lifespan=lifespan,
    )
    app.state.vcshub = state
    return app


def create_app_from_environment() -> Starlette:
    """Factory for ``uvicorn --factory`` (used with several worker processes)."""
    return create_app(load_settings())
