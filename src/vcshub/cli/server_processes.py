"""How ``vcshub serve`` runs uvicorn: in this process, or in worker processes sharing the port.

Worker processes each listen on a socket of their own, bound to the same address with
``SO_REUSEPORT``, and the kernel spreads new connections over them by a hash of the client's
address and port. Why not uvicorn's own supervisor: it hands every worker one shared
listening socket, and a worker's event loop, when it wakes, accepts every connection waiting
there. So a burst of connections went to whichever worker woke first: 8 clients connecting at
once were all served by one of two workers in three runs of four (counted with ``ss``), the
other idle, and the API's latency doubled. On Linux only processes of the same user can join
a ``SO_REUSEPORT`` group. Where the option does not spread connections (not Linux), uvicorn's
supervisor is used.

The supervisor here starts the workers, starts again one that dies (not one that exits with an
error as it starts: then it stops them all, the error is in the log), and on SIGINT or SIGTERM
stops them and waits for them to finish their requests.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time

from vcshub.config import Settings

log = logging.getLogger("uvicorn.error")  # uvicorn's log, where its workers write too

APP_FACTORY = "vcshub.app:create_app_from_environment"
BACKLOG = 2048  # uvicorn's default, per listening socket
# A worker that ends sooner than this after its start did not start: no point trying again.
STARTUP_GRACE_SECONDS = 10.0
STOP_WAIT_SECONDS = 30.0  # for requests in flight, then the workers are killed


def run_server(settings: Settings) -> None:
    """Serve until interrupted, in ``settings.workers`` processes."""
    import uvicorn

    if settings.workers <= 1:
        from vcshub.app import create_app, tune_garbage_collector

        app = create_app(settings)
        tune_garbage_collector()
        uvicorn.run(app, host=settings.host, port=settings.port, **uvicorn_options(settings))
        return
    # Worker processes build their own app from the same settings via the environment.
    os.environ["VCSHUB_DATA_DIR"] = str(settings.data_dir.resolve())
    if settings.config_file:
        os.environ["VCSHUB_CONFIG"] = str(settings.config_file)
    if not _reuse_port_spreads_connections():
        uvicorn.run(APP_FACTORY, factory=True, host=settings.host, port=settings.port,
                    workers=settings.workers, **uvicorn_options(settings))
        return
    WorkerSupervisor(settings).run()


def uvicorn_options(settings: Settings) -> dict:
    """What every uvicorn server of ours is given, one process or several."""
    from vcshub.transport.http_timeouts import guarded_h11

    return {
        "log_level": settings.log_level,
        # uvicorn's own proxy-header handling would rewrite the peer address before
        # web/request_info.py applies forwarded_allow_ips and the contract's header order.
        "proxy_headers": False,
        # asyncio's loop even where uvloop is installed (uvicorn[standard]): the git transport
        # enlarges git's stdin pipe through the transport's "pipe" extra info, which uvloop's
        # transports do not give (every git clone answered 500).
        "loop": "asyncio",
        # h11 with a deadline on silent clients: uvicorn alone waits forever for a half-sent
        # request head or an announced body that never comes, each one holding a socket (and,
        # for hg, once a worker thread). httptools, when installed, would get no such deadline.
        "http": guarded_h11(settings.request_timeout),
        # Idle keep-alive connections between requests: git and hg send their next request at
        # once, so a few seconds is plenty; uvicorn's default, stated.
        "timeout_keep_alive": 5,
        # hg sends command arguments in X-HgArg-N headers: a big discovery exchange passes h11's
        # 16 KiB default for a request head. 64 KiB stays a small bound on what a half-sent
        # head can pin, per connection, for at most request_timeout.
        "h11_max_incomplete_event_size": 64 * 1024,
        # No limit_concurrency: past it uvicorn answers 503 to everybody, so a crowd of slow
        # clients would shut everyone out; silent ones are closed instead (request_timeout).
        "backlog": BACKLOG,
    }


def _reuse_port_spreads_connections() -> bool:
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port`` in the port's SO_REUSEPORT group."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def _check_port_is_free(host: str, port: int) -> None:
    """Refuse a port somebody listens on, once and clearly, rather than in every worker. The
    check binds without SO_REUSEPORT: with it, a second vcshub started on the same port by
    mistake would join the first one's group and quietly take half of its connections."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no owner
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise SystemExit(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _worker(settings: Settings, supervisor: int) -> None:
    """One worker process: its own socket, then uvicorn until told to stop."""
    import uvicorn

    _die_with_the_supervisor(supervisor)
    sock = listening_socket(settings.host, settings.port)
    config = uvicorn.Config(APP_FACTORY, factory=True, **uvicorn_options(settings))
    uvicorn.Server(config).run(sockets=[sock])


def _die_with_the_supervisor(supervisor: int) -> None:
    """Ask Linux to stop this process when its parent dies, however it died (a killed
    supervisor must not leave workers holding the port)."""
    import ctypes

    pr_set_pdeathsig = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # then only a supervisor that stops normally stops its workers
    # The parent died before the request was made. (Not "the parent is 1": in a container
    # the supervisor may well be process 1.)
    if os.getppid() != supervisor:
        os.kill(os.getpid(), signal.SIGTERM)


class WorkerSupervisor:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._spawn = multiprocessing.get_context("spawn")
        self._stop = threading.Event()
        self._workers: list = []

    def run(self) -> None:
        import uvicorn

        uvicorn.Config(APP_FACTORY, factory=True, **uvicorn_options(self.settings))  # its logging
        _check_port_is_free(self.settings.host, self.settings.port)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: self._stop.set())
        self._workers = [self._start(n) for n in range(self.settings.workers)]
        try:
            self._watch()
        finally:
            self._stop_workers()

    def _start(self, number: int):
        process = self._spawn.Process(target=_worker, args=(self.settings, os.getpid()),
                                      name=f"vcshub-worker-{number}")
        process.start()
        process.started_at = time.monotonic()
        log.info("started worker process %s", process.pid)
        return process

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            for number, process in enumerate(self._workers):
                if process.is_alive():
                    continue
                lived = time.monotonic() - process.started_at
                # An exit code (not a signal) soon after the start: it could not start (a bad
                # setting, the database away); the next one would fail the same way.
                if lived < STARTUP_GRACE_SECONDS and process.exitcode > 0:
                    log.error("worker process %s ended as it started (exit code %s): stopping",
                              process.pid, process.exitcode)
                    raise SystemExit(3)
                log.warning("worker process %s ended (exit code %s): starting another",
                            process.pid, process.exitcode)
                self._workers[number] = self._start(number)

    def _stop_workers(self) -> None:
        for process in self._workers:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        for process in self._workers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
