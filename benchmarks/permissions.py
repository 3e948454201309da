"""Effective permissions of one ordinary user on a large instance (ARCHITECTURE.md: < 200 ms).

Builds a fresh database (SQLite in a temporary directory, or the *empty* PostgreSQL database
given with ``--database-url``), runs the migrations and creates the ``default`` user, then
bulk-inserts with SQLAlchemy Core:

* 1,000 users, 100 user groups with ~20 members each,
* 500 repository groups (a three-level tree) and 10,000 repositories (rows only, no folders),
* the ``default`` row on every object, plus explicit user rows and user-group rows in a
  realistic mix (~3 user rows and ~1 user-group row per repository, 10 % private).

Then times ``EffectivePermissions(session, user).repos()``, ``.repo_groups()`` and
``.user_groups()`` for one ordinary user who is in several user groups, each with a fresh
object (no cache), and prints the median and best of ``--runs`` runs in milliseconds.

Then, side by side, cold (a new process cache each run) and cached (the process's cache warm,
each run a new unit of work that reads the permission generation and finds the maps): the
user's full maps, get_repos (``repo_listing.list_repos``) and get_user's permission report
(``permission_report``), each in a unit of work of its own as the API runs them.

    python benchmarks/permissions.py
    python benchmarks/permissions.py --runs 20
    python benchmarks/permissions.py --database-url postgresql+psycopg://user@host/emptydb

Target: repos() < 100 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import Engine, insert, inspect, select
from sqlalchemy.orm import Session

from vcshub.app import tune_garbage_collector
from vcshub.config import load_settings
from vcshub.db.engine import create_db_engine, create_session_factory
from vcshub.db.models import (
    RepoGroup,
    RepoGroupUserGroupPermission,
    RepoGroupUserPermission,
    Repository,
    RepoUserGroupPermission,
    RepoUserPermission,
    User,
    UserGroup,
    UserGroupMember,
    UserGroupUserGroupPermission,
    UserGroupUserPermission,
)
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import EffectivePermissions, default_user_id
from vcshub.services import installation, repo_listing
from vcshub.services.permission_report import permission_report
from vcshub.services.unit_of_work import unit_of_work

USERS = 1_000
USER_GROUPS = 100
MEMBERS_PER_GROUP = 20
REPO_GROUPS = 500
REPOS = 10_000
TARGET_MS = 100.0

REPO_LEVELS = ("repository.none", "repository.read", "repository.write", "repository.admin")
GROUP_LEVELS = ("group.none", "group.read", "group.write", "group.admin")
USER_GROUP_LEVELS = ("usergroup.none", "usergroup.read", "usergroup.write", "usergroup.admin")


def _insert(engine: Engine, model, rows: list[dict], chunk: int = 5_000) -> None:
    with engine.begin() as conn:
        for start in range(0, len(rows), chunk):
            conn.execute(insert(model.__table__), rows[start:start + chunk])


def _ids(engine: Engine, column) -> list[int]:
    with engine.connect() as conn:
        return list(conn.scalars(select(column).order_by(column)))


def populate(engine: Engine, rng: random.Random) -> int:
    """Fill the database; returns the id of the measured user."""
    with engine.connect() as conn:
        default_id = default_user_id(Session(bind=conn))

    _insert(engine, User, [
        {"username": f"bench{i}", "email": f"bench{i}@example.com", "api_key": f"benchkey{i:036d}",
         "active": True, "admin": False, "inherit_default_permissions": True,
         "extern_type": "rhodecode", "extern_name": "rhodecode", "description": ""}
        for i in range(USERS)
    ])
    user_ids = [i for i in _ids(engine, User.user_id) if i != default_id]
    me = user_ids[len(user_ids) // 2]
    owners = user_ids[:50]

    _insert(engine, UserGroup, [
        {"group_name": f"team{i}", "description": "", "active": i % 25 != 0,
         "inherit_default_permissions": True, "owner_id": rng.choice(owners)}
        for i in range(USER_GROUPS)
    ])
    group_ids = _ids(engine, UserGroup.users_group_id)
    my_groups = set(rng.sample(group_ids, 6))
    members = []
    for gid in group_ids:
        chosen = set(rng.sample(user_ids, MEMBERS_PER_GROUP))
        chosen.discard(me)
        if gid in my_groups:
            chosen.add(me)
        members += [{"users_group_id": gid, "user_id": uid} for uid in chosen]
    _insert(engine, UserGroupMember, members)

    _insert(engine, RepoGroup, _repo_group_rows(rng, owners))
    repo_group_rows = _rows(engine, RepoGroup.group_id, RepoGroup.group_name)
    _insert(engine, Repository, [
        {"repo_name": f"{rng.choice(repo_group_rows)[1]}/repo{i}", "repo_type": "git",
         "owner_id": me if i % 500 == 0 else rng.choice(owners), "private": i % 10 == 0,
         "description": "", "landing_rev": "rev:tip", "enable_statistics": False,
         "enable_locking": False, "enable_downloads": False}
        for i in range(REPOS)
    ])
    repo_rows = _rows(engine, Repository.repo_id, Repository.private)

    # The default row on every object (2.3), then explicit rows.
    _insert(engine, RepoUserPermission, [
        {"repo_id": rid, "user_id": default_id,
         "permission": "repository.none" if private else "repository.read"}
        for rid, private in repo_rows
    ])
    _insert(engine, RepoUserPermission, _subject_rows(
        rng, [rid for rid, _ in repo_rows], user_ids, 3, "repo_id", "user_id", REPO_LEVELS, me
    ))
    _insert(engine, RepoUserGroupPermission, _subject_rows(
        rng, [rid for rid, _ in repo_rows], group_ids, 1, "repo_id", "users_group_id",
        REPO_LEVELS, None,
    ))
    repo_group_ids = [gid for gid, _ in repo_group_rows]
    _insert(engine, RepoGroupUserPermission, [
        {"group_id": gid, "user_id": default_id, "permission": "group.read"}
        for gid in repo_group_ids
    ])
    _insert(engine, RepoGroupUserPermission, _subject_rows(
        rng, repo_group_ids, user_ids, 2, "group_id", "user_id", GROUP_LEVELS, me
    ))
    _insert(engine, RepoGroupUserGroupPermission, _subject_rows(
        rng, repo_group_ids, group_ids, 1, "group_id", "users_group_id", GROUP_LEVELS, None
    ))
    _insert(engine, UserGroupUserPermission, [
        {"target_group_id": gid, "user_id": default_id, "permission": "usergroup.read"}
        for gid in group_ids
    ])
    _insert(engine, UserGroupUserPermission, _subject_rows(
        rng, group_ids, user_ids, 2, "target_group_id", "user_id", USER_GROUP_LEVELS, me
    ))
    _insert(engine, UserGroupUserGroupPermission, [
        row for row in _subject_rows(
            rng, group_ids, group_ids, 1, "target_group_id", "source_group_id",
            USER_GROUP_LEVELS, None,
        ) if row["target_group_id"] != row["source_group_id"]
    ])
    return me


def _repo_group_rows(rng: random.Random, owners: list[int]) -> list[dict]:
    """A tree: 20 top-level groups, 100 below them, the rest one level deeper."""
    names: list[str] = [f"org{i}" for i in range(20)]
    names += [f"{rng.choice(names[:20])}/team{i}" for i in range(100)]
    names += [f"{rng.choice(names[20:120])}/proj{i}" for i in range(REPO_GROUPS - len(names))]
    # parent_id is not needed by the permission computation; names carry the tree.
    return [
        {"group_name": name, "description": name, "owner_id": rng.choice(owners),
         "enable_locking": False}
        for name in names
    ]


def _rows(engine: Engine, *columns) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*columns).order_by(columns[0]))]


def _subject_rows(rng, object_ids, subject_ids, per_object, object_key, subject_key, levels, me):
    """About ``per_object`` rows per object to random subjects; ``me`` gets a row on 5 %."""
    rows = []
    for oid in object_ids:
        count = rng.randint(0, 2 * per_object)
        subjects = set(rng.sample(subject_ids, count))
        if me is not None and rng.random() < 0.05:
            subjects.add(me)
        rows += [
            {object_key: oid, subject_key: sid, "permission": rng.choice(levels)}
            for sid in subjects
        ]
    return rows


def timed(func: Callable[[], object], runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def report(label: str, times: Iterable[float], size: int) -> None:
    times = list(times)
    print(
        f"  {label:<14} median {statistics.median(times):8.1f} ms   best {min(times):8.1f} ms"
        f"   ({size} objects)"
    )


def cold_vs_cached(engine: Engine, settings, me: int, runs: int) -> None:
    """Each figure in a read-only unit of work of its own, as an API call runs."""
    with Session(engine) as session:
        admin = session.scalar(select(User.user_id).where(User.username == "admin"))

    def in_unit(sessions, user_id: int, work) -> Callable[[], object]:
        def run():
            with unit_of_work(sessions, settings, writes=False) as uow:
                return work(uow, uow.db.get(User, user_id))
        return run

    def full_maps(uow, user):
        perms = Caller(uow.db, user).perms
        perms.global_perms, perms.repo_groups(), perms.user_groups()
        return perms.repos()

    def get_user(uow, user):
        return permission_report(uow, user)["repositories"]

    measures = [
        ("maps", me, full_maps),
        ("get_repos", me, lambda uow, user: repo_listing.list_repos(uow, Caller(uow.db, user))),
        ("get_user perms", me, get_user),
        ("admin maps", admin, full_maps),
        ("admin get_user", admin, get_user),
    ]
    print(f"cold (a new process cache each run) vs cached (warm), {runs} runs each")
    warm = create_session_factory(engine)
    for label, user_id, work in measures:
        cold_times = []
        for _ in range(runs):  # a new factory is a new process's cache
            cold_times += timed(in_unit(create_session_factory(engine), user_id, work), 1)[0]
        in_unit(warm, user_id, work)()
        cached_times, result = timed(in_unit(warm, user_id, work), runs)
        cold, cached = statistics.median(cold_times), statistics.median(cached_times)
        print(
            f"  {label:<15} cold median {cold:7.1f} ms   cached median {cached:7.1f} ms"
            f"   best {min(cached_times):6.1f} ms   x{cold / cached:5.1f}"
            f"   ({len(result)} repositories)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="vcshub-bench-perms-") as tmp:
        data_dir = Path(tmp)
        url = args.database_url or f"sqlite:///{data_dir / 'vcshub.sqlite'}"
        engine = create_db_engine(url)
        if args.database_url and inspect(engine).get_table_names():
            print("the database given with --database-url must be empty", file=sys.stderr)
            return 2
        settings = load_settings(environ={}, data_dir=data_dir, database_url=url)
        started = time.perf_counter()
        installation.initialize(settings, engine)
        me = populate(engine, random.Random(args.seed))
        print(f"{engine.dialect.name}: populated in {time.perf_counter() - started:.1f} s")
        tune_garbage_collector()  # as `vcshub serve` does

        # A plain session carries no process cache: every object computes its maps.
        with Session(engine) as session:
            user = session.get(User, me)
            groups = session.scalar(
                select(UserGroupMember.users_group_id).where(UserGroupMember.user_id == me).limit(1)
            )
            assert groups is not None, "the measured user must be in user groups"
            print(f"user {user.username}: effective permissions, {args.runs} runs each")
            results = {}
            for label in ("repos", "repo_groups", "user_groups"):
                times, result = timed(
                    lambda label=label: getattr(EffectivePermissions(session, user), label)(),
                    args.runs,
                )
                results[label] = times
                report(f"{label}()", times, len(result))
            readable = EffectivePermissions(session, user).repos()
            visible = sum(1 for p in readable.values() if p != "repository.none")
            print(f"  ({visible} of {len(readable)} repositories readable by the user)")
        cold_vs_cached(engine, settings, me, args.runs)
        engine.dispose()

    median = statistics.median(results["repos"])
    verdict = "OK" if median < TARGET_MS else "MISSED"
    print(f"target repos() < {TARGET_MS:.0f} ms: {verdict} ({median:.1f} ms)")
    return 0 if median < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
