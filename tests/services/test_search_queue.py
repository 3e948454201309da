"""The search queue (tasks/search_queue.py) against a committed database, as in a server: it
catches up at start with repositories never indexed, indexes those the services announce
(creation, a push's request), and drops the documents of deleted ones."""

from __future__ import annotations

import time

from tests.factories import people
from tests.factories.commits import commit_into
from tests.test_cli_admin import init, instance  # noqa: F401 - the fixture
from vcshub.config import load_settings
from vcshub.services import repo_disk, repos
from vcshub.services.search import indexer, query
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.tasks.search_queue import SearchQueue

WAIT_SECONDS = 30


def settled(queue: SearchQueue) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not queue.idle():
        assert time.monotonic() < deadline, "the search queue never settled"
        time.sleep(0.02)


def test_catch_up_notices_and_deletion(instance):  # noqa: F811
    init(instance)
    settings = load_settings(environ={}, data_dir=instance.data_dir, database_url=instance.url)
    sessions = instance.sessions()
    with sessions() as session:
        uow = UnitOfWork(db=session, settings=settings)
        owner = people.caller(uow, people.user(uow))
        early = repos.create_repo(uow, owner, "early", "git", repos.RepoSpec())
        uow.commit()  # no queue listens yet: nobody is told
        commit_into(repo_disk.path(uow, early), "git", {"a.txt": "lemur\n"})
        early_id = early.repo_id

    queue = SearchQueue(sessions, settings)
    queue.start()
    try:
        settled(queue)
        with sessions() as session:
            uow = UnitOfWork(db=session, settings=settings)
            owner = people.caller(uow, uow.db.merge(owner.user))
            assert [h.repository for h in query.search(uow, owner, "lemur").hits] == ["early"]

            late = repos.create_repo(uow, owner, "late", "git", repos.RepoSpec())
            uow.commit()  # announced after the commit: indexed (empty)
            settled(queue)
            assert late.repo_id in indexer.indexed_repo_ids(settings.search_index_dir)
            commit_into(repo_disk.path(uow, late), "git", {"b.txt": "lemur too\n"}, {"b.txt": "x\n"})
            queue.request(late.repo_id)  # what a push's bookkeeping does
            queue.request(late.repo_id)  # coalesced
            settled(queue)
            # files at the landing revision only; every commit
            assert query.search(uow, owner, "lemur", repo_name="late").count == 0
            assert query.search(uow, owner, "x", repo_name="late").count == 1
            assert query.search(uow, owner, "details", "commit", repo_name="late").count == 2

            repos.delete_repo(uow, owner, uow.db.merge(early))
            uow.commit()
            settled(queue)
            assert indexer.indexed_repo_ids(settings.search_index_dir) == {late.repo_id}
            assert early_id not in indexer.indexed_repo_ids(settings.search_index_dir)
    finally:
        queue.stop()
