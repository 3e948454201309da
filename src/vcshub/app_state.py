"""What every request handler shares, built once per process: settings, the database, the
API dispatcher, the login throttle, the hg application, templates, push bookkeeping and the
coordination of the processes (:mod:`vcshub.coordination`).

Its own module so that handlers can name the type (``state: AppState``) without importing the
application that routes to them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from vcshub import coordination, vcs
from vcshub.api.methods import build_registry
from vcshub.api.pools import ApiPools
from vcshub.api.protocol import Dispatcher
from vcshub.auth.throttle import LoginThrottle
from vcshub.config import Settings
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.tasks.runners import TaskRunner, build_runner
from vcshub.tasks.search_queue import SearchQueue
from vcshub.transport.bookkeeping import PushBookkeeping
from vcshub.transport.hg_http import build_hg_asgi
from vcshub.transport.housekeeper import Housekeeper
from vcshub.web.templating import Templates


@dataclass
class AppState:
    """Everything a request handler needs, built once per process."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    dispatcher: Dispatcher
    api_pools: ApiPools  # the API's threads: fast and slow calls apart
    login_throttle: LoginThrottle
    hg_app: object
    templates: Templates
    push_bookkeeping: PushBookkeeping
    coordination: coordination.Coordination  # repository mutexes, leadership, slots, marks
    housekeeper: Housekeeper  # started and stopped by the application's lifespan
    search_queue: SearchQueue  # likewise
    task_runner: TaskRunner  # likewise: background tasks (tasks/runners.py)


def build_state(settings: Settings, clock: Callable[[], float] = time.time) -> AppState:
    vcs.load_backends()  # once, before requests arrive on several threads
    engine = create_db_engine(settings.effective_database_url,
                              pool_size=settings.database_pool_size)
    sessions = create_session_factory(engine)
    shared_state = coordination.for_settings(settings)
    return AppState(
        settings=settings,
        engine=engine,
        sessions=sessions,
        dispatcher=Dispatcher(build_registry(), sessions, settings, clock),
        api_pools=ApiPools(),
        login_throttle=LoginThrottle(engine),
        hg_app=build_hg_asgi(),
        templates=Templates(),
        push_bookkeeping=PushBookkeeping(shared_state.bookkeeping_marks()),
        coordination=shared_state,
        housekeeper=Housekeeper(shared_state),
        search_queue=SearchQueue(sessions, settings),
        task_runner=build_runner(sessions, settings),
    )
