"""Background tasks on both runners (issue 18): the embedded threads, and Celery with Redis as
broker and a real `vcshub worker` process. The same tests run on both.

Repositories created from a remote are made by a task (services/repo_population.py); a task
told twice runs once; a task whose process died is marked failed by the sweep and run again
where that is safe; killing the worker in the middle of a clone leaves no half repository and
the clone is done again when a worker comes back.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import pytest
from sqlalchemy import select, update

from tests.factories import people
from tests.factories.commits import make_source_repository
from tests.live_server import VCSHUB, server_env
from tests.remote_servers import GatedServer
from tests.test_cli_admin import init, instance  # noqa: F401 - the fixture
from vcshub import vcs
from vcshub.config import load_settings
from vcshub.db.models import JournalEntry, NodeProcess, Repository, TaskRun
from vcshub.permissions.caller import CONSOLE
from vcshub.services import housekeeping, repo_disk, repos, tasks
from vcshub.services.errors import AccessDenied
from vcshub.services.unit_of_work import UnitOfWork, unit_of_work
from vcshub.tasks.runners import build_runner
from vcshub.tasks.sweep import sweep

GUARD_SECONDS = 90  # against a hang, never a timing assertion
STALE_SECONDS = 2


def redis_reachable() -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


class Harness:
    """An instance with its runner in this process, and for Celery a `vcshub worker`."""

    def __init__(self, instance, runner: str, worker_id: str) -> None:  # noqa: F811
        init(instance)
        self.instance = instance
        self.broker = ""
        if runner == "celery":
            number = 12 + (int(worker_id[2:]) if worker_id.startswith("gw") else 0)
            self.broker = f"redis://127.0.0.1:6379/{number}"
        self.settings = load_settings(
            environ={}, data_dir=instance.data_dir, database_url=instance.url,
            task_broker_url=self.broker, task_stale_seconds=STALE_SECONDS)
        self.sessions = instance.sessions()
        self.runner = build_runner(self.sessions, self.settings)
        self.worker: subprocess.Popen | None = None

    def start(self) -> None:
        vcs.load_backends()
        self.runner.start()
        if self.broker:
            import redis

            redis.Redis.from_url(self.broker).delete("vcshub")  # an earlier run's messages
            self.start_worker()

    def start_worker(self) -> None:
        env = server_env(self.instance.data_dir, self.instance.url,
                         VCSHUB_TASK_BROKER_URL=self.broker,
                         VCSHUB_TASK_STALE_SECONDS=str(STALE_SECONDS))
        began = tasks.now()
        self.worker = subprocess.Popen([VCSHUB, "worker"], env=env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True)
        self.until(lambda uow: uow.db.scalar(select(NodeProcess).where(
            NodeProcess.kind == "worker", NodeProcess.started_on >= began.replace(microsecond=0))),
            "the worker never started")

    def kill_worker(self) -> None:
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(GUARD_SECONDS)

    def stop(self) -> None:
        self.runner.stop(wait=True)
        if self.worker is not None and self.worker.poll() is None:
            os.killpg(self.worker.pid, signal.SIGTERM)
            self.worker.wait(GUARD_SECONDS)

    def unit(self) -> UnitOfWork:
        return unit_of_work(self.sessions, self.settings)

    def until(self, probe, message: str):
        deadline = time.monotonic() + GUARD_SECONDS
        while True:
            with self.unit() as uow:
                found = probe(uow)
                if found:
                    uow.db.expunge_all()
                    return found
            assert time.monotonic() < deadline, message
            time.sleep(0.05)

    def ended(self, task_id: str) -> TaskRun:
        return self.until(lambda uow: (lambda t: t if t.state in ("done", "failed") else None)(
            uow.db.get(TaskRun, task_id)), f"task {task_id} never ended")


@pytest.fixture(params=["embedded", "celery"])
def harness(request, instance, worker_id):  # noqa: F811
    if request.param == "celery" and not redis_reachable():
        pytest.skip("Redis is not reachable at 127.0.0.1:6379 (the Celery runner's broker)")
    made = Harness(instance, request.param, worker_id)
    made.start()
    yield made
    made.stop()


def create_from(harness: Harness, name: str, clone_uri: str) -> tuple[int, str]:
    with harness.unit() as uow:
        admin = people.caller(uow, people.user(uow, admin=True))
        repo = repos.create_repo(uow, admin, name, "git", repos.RepoSpec(clone_uri=clone_uri))
        assert repo.repo_state == "repo_state_pending"
        assert not any(repo_disk.path(uow, repo).iterdir())  # the name's claim only
        return repo.repo_id, tasks.latest_for_repo(uow, repo.repo_id).task_id


def test_a_repository_from_a_remote_is_created_by_a_task(harness, tmp_path):
    _work, ids = make_source_repository(tmp_path / "source", "git", {"a.txt": "a\n"},
                                        {"b.txt": "b\n"})
    repo_id, task_id = create_from(harness, "mirror", str(tmp_path / "source"))
    done = harness.ended(task_id)
    assert done.state == "done" and done.attempts == 1 and done.error is None
    with harness.unit() as uow:
        repo = uow.db.get(Repository, repo_id)
        assert repo.repo_state == "repo_state_created"
        assert repo.changeset_cache["raw_id"] == ids[-1]
        assert uow.db.scalar(select(JournalEntry.action).where(
            JournalEntry.repo_id == repo_id)) == "repo_created"


def test_a_failed_clone_leaves_an_error_and_nothing_on_disk(harness, tmp_path):
    repo_id, task_id = create_from(harness, "grp/broken", str(tmp_path / "not-a-repository"))
    failed = harness.ended(task_id)
    assert failed.state == "failed" and failed.error
    with harness.unit() as uow:
        repo = uow.db.get(Repository, repo_id)
        assert repo.repo_state == "repo_state_error" and repo.repo_state_message == failed.error
        assert not repo_disk.path(uow, repo).exists()
        assert uow.db.scalar(select(JournalEntry.action).where(
            JournalEntry.repo_id == repo_id)) == "repo_creation_failed"


def test_a_task_told_twice_runs_once(harness):
    with harness.unit() as uow:
        task_id = tasks.submit(uow, "gists.expire", {}).task_id
    tasks.dispatch(task_id)  # a second message for the same task
    done = harness.ended(task_id)
    time.sleep(0.5)  # a second run, were there one, would have claimed it by now
    with harness.unit() as uow:
        again = uow.db.get(TaskRun, task_id)
        assert (again.state, again.attempts, done.attempts) == ("done", 1, 1)


def test_an_interrupted_task_fails_and_runs_again_where_safe(harness):
    """A process died in the middle (its heartbeat is old): the sweep records the failed
    attempt; gist expiry is safe to repeat and runs again, a mail is not and stays failed."""
    safe, unsafe = "task-safe", "task-unsafe"
    with harness.unit() as uow:  # both taken by a process that then died, long ago
        for task_id, name, arguments in (
                (safe, "gists.expire", "{}"),
                (unsafe, tasks.MAIL, '{"to": "a@example.com", "subject": "s", "body": "b"}')):
            uow.db.add(TaskRun(task_id=task_id, name=name, arguments=arguments, state="running",
                               attempts=1, runner="embedded", node="ghost:web:1",
                               heartbeat_on=tasks.now().replace(year=2000)))
    outcome = sweep(harness.sessions, harness.settings)
    assert outcome["queued_again"] == [safe]
    again = harness.ended(safe)
    assert again.state == "done" and again.attempts == 2
    with harness.unit() as uow:
        lost = uow.db.get(TaskRun, unsafe)
        assert lost.state == "failed" and "interrupted: ghost:web:1" in lost.error
        assert lost.arguments == "{}"  # a mail's text is not kept


def test_killing_the_worker_mid_clone(harness, tmp_path):
    """Celery: SIGKILL the worker while its clone waits for the remote. The sweep reports the
    attempt failed and queues the clone again; no half repository is left; when a worker
    returns, the clone is done."""
    if not harness.broker:
        pytest.skip("the embedded runner dies with its server: the interrupted-task test above "
                    "covers its recovery")
    _work, ids = make_source_repository(tmp_path / "source", "git", {"a.txt": "a\n"})
    daemon = subprocess.Popen(
        ["git", "daemon", "--export-all", f"--base-path={tmp_path}", "--listen=127.0.0.1",
         f"--port={(port := _free_port())}", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with GatedServer(port) as remote:
            repo_id, task_id = create_from(harness, "killed",
                                           f"git://127.0.0.1:{remote.port}/source")
            assert remote.connected.wait(GUARD_SECONDS)  # the worker is cloning
            harness.kill_worker()
            remote.open()
            time.sleep(STALE_SECONDS + 0.5)
            assert sweep(harness.sessions, harness.settings)["queued_again"] == [task_id]
            with harness.unit() as uow:
                interrupted = uow.db.get(TaskRun, task_id)
                assert interrupted.state == "queued" and "interrupted" in interrupted.error
                repo = uow.db.get(Repository, repo_id)
                assert repo.repo_state == "repo_state_pending"
                folder = repo_disk.path(uow, repo)
                assert not folder.exists() or not any(folder.iterdir())  # no half repository
            harness.start_worker()
            done = harness.ended(task_id)
        assert done.state == "done" and done.attempts == 2
        with harness.unit() as uow:
            assert uow.db.get(Repository, repo_id).changeset_cache["raw_id"] == ids[-1]
    finally:
        daemon.kill()
        daemon.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_status_lists_tasks_and_processes(harness):
    with harness.unit() as uow:
        task_id = tasks.submit(uow, "gists.expire", {}).task_id
    harness.ended(task_id)
    result = harness.instance.cli("status", check=True) if not harness.broker else \
        subprocess.run([VCSHUB, "status"], capture_output=True, text=True, timeout=60,
                       env=server_env(harness.instance.data_dir, harness.instance.url,
                                      VCSHUB_TASK_BROKER_URL=harness.broker))
    assert result.returncode == 0, result.stderr
    assert "tasks: 0 queued, 0 running, 1 done, 0 failed" in result.stdout
    expected = "worker " if harness.broker else "web "
    assert expected in result.stdout
    if harness.broker:
        assert "celery (redis://127.0.0.1:6379/" in result.stdout
    with harness.unit() as uow:
        assert tasks.overview(uow, CONSOLE).counts["done"] >= 1
        with pytest.raises(AccessDenied):
            tasks.overview(uow, people.caller(uow, people.user(uow)))


def test_housekeeping_as_a_task(harness, tmp_path):
    """What a push asks for when a broker is set (services/housekeeping.py): the task ends
    done, and the repository stays sound."""
    make_source_repository(tmp_path / "source", "git", {"a.txt": "a\n"})
    repo_id, task_id = create_from(harness, "kept", str(tmp_path / "source"))
    harness.ended(task_id)
    with harness.unit() as uow:
        housekeeping.queue_after_push(uow, repo_id)
        housekeeping.queue_after_push(uow, repo_id)  # queued once however many pushes ask
        queued = uow.db.scalars(select(TaskRun).where(TaskRun.name == housekeeping.TASK)).all()
        assert len(queued) == 1
        task_id = queued[0].task_id
    done = harness.ended(task_id)
    assert done.state == "done" and "actions" in done.result
    with harness.unit() as uow:
        folder = repo_disk.path(uow, uow.db.get(Repository, repo_id))
    subprocess.run(["git", "--git-dir", str(folder), "fsck", "--strict"], check=True,
                   capture_output=True)
