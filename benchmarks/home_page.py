"""The home page and a group page for an ordinary user on a large instance (issue 15: the home
page with 10,000 repositories in 500 groups, for a non-admin, < 150 ms server time).

Builds the instance of benchmarks/permissions.py (1,000 users, 100 user groups, 500 repository
groups, 10,000 repositories with realistic grants; rows only) in a fresh SQLite database or the
empty PostgreSQL database given with ``--database-url``, places each repository in its group,
then answers requests in process through the whole ASGI application (routing, session, viewer,
permissions, template) with httpx's ASGI transport: the server's time, without the network.

Printed side by side, in one run (this machine is noisy):
  baseline   /_static/vcshub.css           the framework's floor
  baseline   / as the super-admin          no permission map to compute
  measured   / as the ordinary user        the issue's target
  measured   /?filter=repo1 as the user    every matching name below the top
  measured   /<group> as the user          one group's page

    python benchmarks/home_page.py [--runs 15] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import inspect, select, update

sys.path.insert(0, str(Path(__file__).parent))
from permissions import populate  # noqa: E402 - the same instance as the permissions benchmark

from vcshub.app import create_app  # noqa: E402
from vcshub.auth.passwords import hash_password  # noqa: E402
from vcshub.config import load_settings  # noqa: E402
from vcshub.db.engine import create_db_engine  # noqa: E402
from vcshub.db.models import RepoGroup, Repository, User  # noqa: E402
from vcshub.services import installation  # noqa: E402

TARGET_MS = 150.0
PASSWORD = "bench-password-1"


def place_in_groups(engine) -> None:
    """Set every repository's group_id from its name (populate() writes names only)."""
    with engine.begin() as conn:
        groups = dict(conn.execute(select(RepoGroup.group_name, RepoGroup.group_id)).all())
        for repo_id, name in conn.execute(select(Repository.repo_id, Repository.repo_name)).all():
            conn.execute(update(Repository).where(Repository.repo_id == repo_id)
                         .values(group_id=groups[name.rsplit("/", 1)[0]]))


def set_password(engine, user_id: int, admin: bool = False) -> str:
    with engine.begin() as conn:
        conn.execute(update(User).where(User.user_id == user_id)
                     .values(password_hash=hash_password(PASSWORD), admin=admin))
        return conn.scalar(select(User.username).where(User.user_id == user_id))


async def signed_in_client(app, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
    page = await client.get("/_admin/login")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answer = await client.post("/_admin/login", data={
        "username": username, "password": PASSWORD, "csrf_token": token, "came_from": "/"})
    assert answer.status_code == 302, answer.text[:300]
    return client


async def timed(client: httpx.AsyncClient, url: str, runs: int) -> tuple[list[float], int]:
    await client.get(url)  # warm: templates compiled, caches filled
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = await client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (url, answer.status_code)
    return times, answer.text.count('class="repo-row') + answer.text.count("<tr")


async def measure(app, admin: str, user: str, group: str, runs: int) -> float:
    async with app.router.lifespan_context(app):
        admin_client = await signed_in_client(app, admin)
        user_client = await signed_in_client(app, user)
        rows = [
            ("baseline", "/_static/vcshub.css", admin_client, "static file"),
            ("baseline", "/", admin_client, "home, super-admin"),
            ("measured", "/", user_client, "home, ordinary user"),
            ("measured", "/?filter=repo1", user_client, "home filtered, ordinary user"),
            ("measured", f"/{group}", user_client, "group page, ordinary user"),
        ]
        result = 0.0
        for kind, url, client, label in rows:
            times, _ = await timed(client, url, runs)
            median = statistics.median(times)
            print(f"  {kind:<9} {label:<30} p50 {median:7.1f} ms   best {min(times):7.1f} ms"
                  f"   p90 {sorted(times)[int(len(times) * .9) - 1]:7.1f} ms")
            if label == "home, ordinary user":
                result = median
        await admin_client.aclose()
        await user_client.aclose()
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vcshub-bench-home-") as tmp:
        data_dir = Path(tmp)
        url = args.database_url or f"sqlite:///{data_dir / 'vcshub.sqlite'}"
        engine = create_db_engine(url)
        if args.database_url and inspect(engine).get_table_names():
            print("the database given with --database-url must be empty", file=sys.stderr)
            return 2
        settings = load_settings(environ={}, data_dir=data_dir, database_url=url)
        started = time.perf_counter()
        installation.initialize(settings, engine)
        me = populate(engine, random.Random(1))
        place_in_groups(engine)
        with engine.connect() as conn:
            first_admin = conn.scalar(select(User.user_id).where(User.username.like("bench%"))
                                      .order_by(User.user_id))
            group = conn.scalar(select(RepoGroup.group_name).order_by(RepoGroup.group_id))
        user = set_password(engine, me)
        admin = set_password(engine, first_admin, admin=True)
        engine.dispose()
        print(f"{engine.dialect.name}: 10,000 repositories in 500 groups, populated in "
              f"{time.perf_counter() - started:.1f} s; {args.runs} runs each, in process (ASGI)")
        median = asyncio.run(measure(create_app(settings), admin, user, group, args.runs))
    verdict = "OK" if median < TARGET_MS else "MISSED"
    print(f"target: home page for an ordinary user < {TARGET_MS:.0f} ms: {verdict} ({median:.1f} ms)")
    return 0 if median < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
