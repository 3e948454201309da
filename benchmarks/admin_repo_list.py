"""The repositories admin on a large instance (issue 16: the repositories list with 10,000
repositories < 200 ms server time), and the repository groups list beside it.

Builds the instance of benchmarks/permissions.py (1,000 users, 100 user groups, 500 repository
groups, 10,000 repositories with realistic grants; rows only) in a fresh SQLite database or the
empty PostgreSQL database given with ``--database-url``, then answers requests in process
through the whole ASGI application (routing, session, viewer, service, template) with httpx's
ASGI transport, as benchmarks/users_page.py does: the server's time, without the network.

    python benchmarks/admin_repo_list.py [--runs 15] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
from pathlib import Path

from sqlalchemy import func, inspect, select

sys.path.insert(0, str(Path(__file__).parent))
from home_page import set_password, signed_in_client, timed  # noqa: E402 - beside this file
from permissions import populate  # noqa: E402

from vcshub.app import create_app  # noqa: E402
from vcshub.config import load_settings  # noqa: E402
from vcshub.db.engine import create_db_engine  # noqa: E402
from vcshub.db.models import Repository, User  # noqa: E402
from vcshub.services import installation  # noqa: E402

TARGET_MS = 200.0
FIRST_PAGE = "repositories list, page 1"


async def measure(app, admin: str, runs: int) -> float:
    async with app.router.lifespan_context(app):
        client = await signed_in_client(app, admin)
        rows = [("/_static/vcshub.css", "baseline: static file"),
                ("/_admin/repos", FIRST_PAGE),
                ("/_admin/repos?page=200", "repositories list, last page"),
                ("/_admin/repos?filter=7", "repositories list, filtered"),
                ("/_admin/repo_groups", "repository groups, page 1"),
                ("/_admin/repo_groups?filter=1", "repository groups, filtered")]
        result = 0.0
        for url, label in rows:
            times, _ = await timed(client, url, runs)
            median = statistics.median(times)
            print(f"  {label:<30} p50 {median:7.1f} ms   best {min(times):7.1f} ms")
            if label == FIRST_PAGE:
                result = median
        await client.aclose()
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vcshub-bench-repos-") as tmp:
        data_dir = Path(tmp)
        url = args.database_url or f"sqlite:///{data_dir / 'vcshub.sqlite'}"
        engine = create_db_engine(url)
        if args.database_url and inspect(engine).get_table_names():
            print("the database given with --database-url must be empty", file=sys.stderr)
            return 2
        settings = load_settings(environ={}, data_dir=data_dir, database_url=url)
        installation.initialize(settings, engine)
        populate(engine, random.Random(1))
        with engine.connect() as conn:
            repos = conn.scalar(select(func.count()).select_from(Repository))
            first = conn.scalar(select(User.user_id).where(User.username.like("bench%"))
                                .order_by(User.user_id))
        admin = set_password(engine, first, admin=True)
        print(f"{engine.dialect.name}: {repos} repositories")
        median = asyncio.run(measure(create_app(settings), admin, args.runs))
        engine.dispose()
    verdict = "ok" if median < TARGET_MS else "OVER"
    print(f"{FIRST_PAGE}: p50 {median:.1f} ms (target < {TARGET_MS:.0f} ms): {verdict}")
    return 0 if median < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
