"""Full-text search over file contents (at each repository's landing revision) and commit
messages and authors: the ``search`` API method, the search pages, ``vcshub index``.

Why tantivy (its Python binding, ``tantivy`` on PyPI) and not SQLite FTS5 or PostgreSQL's
full-text search — measured by benchmarks/search_engines.py on the 20,000 files of the
benchmark repository padded to ~29 MB of code, top 10 with snippets, p50:

    engine         build s   word ms   phrase ms   word+extension ms
    tantivy           0.44      1.76        2.22        0.32
    sqlite fts5       0.35     39.49       38.86       17.44
    postgresql        2.52    127.81      228.15       18.80

* Speed: the databases rank every matching row before the LIMIT (a common word in 20,000
  files: 40 ms in FTS5, 130–230 ms in PostgreSQL); tantivy's top-k collector stays at 2 ms,
  which is what keeps a query over 1,000 repositories under 100 ms.
* One engine for both databases: vcshub runs on SQLite or PostgreSQL; SQL full-text would mean
  two query dialects, two tokenizers and two rankings (FTS5 and tsvector disagree on phrases,
  on ``_`` in identifiers, on snippets), i.e. two search features to test. tantivy is
  embedded, needs no server, and answers the same on both.
* Phrases, positions, field boosts (a match in the path ranks above one in the content), exact
  filters (extension) and sorting by date are built in; incremental updates are deletes and
  adds by key, committed atomically with the repository's indexing state.
* Kept out of the database: the index of a big instance is gigabytes of postings that would
  bloat backups and the write lock of SQLite (one writer for the whole site).
* Costs accepted: a compiled dependency (wheels for Linux, macOS, Windows), one writer at a
  time (a file lock, services/search/index_store.py), and snippets computed here
  (services/search/snippets.py) for line numbers, which tantivy's snippet generator lacks.

Layout: ``index_store`` (schema, writer lock, readers), ``indexer`` (one repository, incrementally),
``query`` (language, permission scope, hits), ``snippets``, ``notices`` (how services ask for
a repository to be indexed again). The queue that runs updates off the request path is
tasks/search_queue.py.
"""

from __future__ import annotations

from sqlalchemy import select

from vcshub.db.models import Repository
from vcshub.permissions.caller import Caller
from vcshub.services import lookup, repo_disk
from vcshub.services.search.indexer import Target
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.services.users import require_admin


def target_of(uow: UnitOfWork, repo_id: int) -> Target | None:
    """What the indexer needs of a repository, or None when it is gone."""
    repo = uow.db.get(Repository, repo_id)
    if repo is None:
        return None
    return _target(uow, repo)


def targets(uow: UnitOfWork, caller: Caller, name: str | None = None) -> list[tuple[str, Target]]:
    """(name, target) of one repository or of all, to rebuild (super-admin, or the console)."""
    require_admin(caller)
    if name is not None:
        repo = lookup.repo(uow.db, name)
        return [(repo.repo_name, _target(uow, repo))]
    rows = uow.db.execute(select(Repository).order_by(Repository.repo_name)).scalars().all()
    return [(repo.repo_name, _target(uow, repo)) for repo in rows]


def all_repo_ids(uow: UnitOfWork) -> set[int]:
    return set(uow.db.scalars(select(Repository.repo_id)))


def _target(uow: UnitOfWork, repo: Repository) -> Target:
    return Target(repo.repo_id, repo_disk.path(uow, repo), repo.repo_type,
                  repo.landing_rev or "rev:tip")
