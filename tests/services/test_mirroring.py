"""Mirrors pulled every N minutes (services/mirroring.py): which are due, who may set the
interval, and what the interval accepts."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from tests.factories import people
from tests.factories.naming import unique
from vcshub.db.models import TaskRun
from vcshub.services import mirroring, repos, tasks
from vcshub.services.errors import Invalid, NotFound


def mirror(uow, owner, minutes: int = 10):
    repo = repos.create_repo(uow, owner, unique("m"), "git", repos.RepoSpec())
    repo.clone_uri = "https://example.com/remote.git"  # as update_repo would store it
    if minutes:
        mirroring.set_interval(uow, owner, repo, minutes)
    return repo


def test_due_mirrors_are_queued_once_and_again_after_their_interval(uow):
    owner = people.caller(uow, people.user(uow, admin=True))
    due = mirror(uow, owner)
    off = mirror(uow, owner, minutes=0)
    pending = mirror(uow, owner)
    pending.repo_state = "repo_state_pending"  # a task is still creating it
    uow.db.flush()

    assert [repo_id for repo_id, _ in mirroring.due(uow) if repo_id in
            {due.repo_id, off.repo_id, pending.repo_id}] == [due.repo_id]
    assert due.repo_id in mirroring.queue_due(uow)
    task = tasks.latest_for_repo(uow, due.repo_id)
    assert (task.name, task.user_id) == (mirroring.TASK, owner.user_id)  # as the owner
    assert due.repo_id not in dict(mirroring.due(uow))  # queued: not twice

    uow.db.execute(update(TaskRun).where(TaskRun.task_id == task.task_id).values(
        state="done", created_on=tasks.now() - dt.timedelta(minutes=5)))
    assert due.repo_id not in dict(mirroring.due(uow))  # pulled 5 minutes ago, every 10
    uow.db.execute(update(TaskRun).where(TaskRun.task_id == task.task_id).values(
        created_on=tasks.now() - dt.timedelta(minutes=11)))
    assert due.repo_id in dict(mirroring.due(uow))


def test_only_the_repository_administrators_set_the_interval(uow):
    owner = people.caller(uow, people.user(uow, admin=True))
    repo = mirror(uow, owner, minutes=0)
    reader = people.caller(uow, people.user(uow))
    with pytest.raises(NotFound):
        mirroring.set_interval(uow, reader, repo, 5)
    with pytest.raises(NotFound):
        mirroring.queue_pull(uow, reader, repo)
    assert mirroring.interval(uow, repo) == 0


@pytest.mark.parametrize("bad", ["soon", "-1", "10081", "1.5"])
def test_the_interval_is_whole_minutes_within_a_week(uow, bad):
    owner = people.caller(uow, people.user(uow, admin=True))
    repo = mirror(uow, owner, minutes=3)
    with pytest.raises(Invalid):
        mirroring.set_interval(uow, owner, repo, bad)
    assert mirroring.interval(uow, repo) == 3
    mirroring.set_interval(uow, owner, repo, "0")
    assert mirroring.interval(uow, repo) == 0


def test_no_interval_without_a_remote(uow):
    owner = people.caller(uow, people.user(uow, admin=True))
    repo = repos.create_repo(uow, owner, unique("plain"), "git", repos.RepoSpec())
    with pytest.raises(Invalid):
        mirroring.set_interval(uow, owner, repo, 5)
