"""The data of a repository's permissions page on a large instance: who else has access and
why (services/repo_access_report.py runs permission_origins once per person listed).

Uses the instance of benchmarks/permissions.py (1,000 users, 100 user groups of ~20 members,
500 repository groups, 10,000 repositories, realistic rows), picks the repository with the
most user-group rows, and times ``access_report`` for a super-admin, printing the median and
best of ``--runs`` runs and how many people the page listed.

    python benchmarks/repo_permissions_page.py
    python benchmarks/repo_permissions_page.py --database-url postgresql+psycopg://user@host/emptydb
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from permissions import populate  # noqa: E402 - benchmarks/permissions.py, beside this file

from vcshub.config import load_settings  # noqa: E402
from vcshub.db.engine import create_db_engine, create_session_factory  # noqa: E402
from vcshub.db.models import Repository, RepoUserGroupPermission, User  # noqa: E402
from vcshub.permissions.caller import Caller  # noqa: E402
from vcshub.services import installation, repo_access_report  # noqa: E402
from vcshub.services.unit_of_work import UnitOfWork  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vcshub-bench-perm-page-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'vcshub.sqlite'}"
        engine = create_db_engine(url)
        settings = load_settings(environ={}, data_dir=Path(tmp), database_url=url)
        installation.initialize(settings, engine)
        populate(engine, random.Random(1))
        with create_session_factory(engine)() as session:
            admin = session.scalar(select(User).where(User.admin.is_(True)).limit(1))
            repo_id = session.scalar(
                select(RepoUserGroupPermission.repo_id)
                .group_by(RepoUserGroupPermission.repo_id)
                .order_by(func.count().desc()).limit(1))
            repo = session.get(Repository, repo_id)
            uow = UnitOfWork(db=session, settings=settings)
            times, report = [], None
            for _ in range(args.runs):
                started = time.perf_counter()
                report = repo_access_report.access_report(uow, Caller(session, admin), repo)
                times.append((time.perf_counter() - started) * 1000)
        engine.dispose()
    print(f"{engine.dialect.name}: permissions page of {repo.repo_name} "
          f"({len(report.user_groups)} user-group rows, {len(report.inherited)} people listed, "
          f"{report.more} more): median {statistics.median(times):.0f} ms, best {min(times):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
