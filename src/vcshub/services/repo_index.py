"""The home page and a repository group's page: one level of the group tree as the viewer may
see it, or, with a filter, every matching name below that level; 50 rows a page.

Visibility lives here, not in the pages: repositories are those :func:`repo_listing.list_repos`
lets the caller read; a group is shown when the caller has ``group.read`` on it or can read a
repository inside it (its name is in that repository's name anyway). A group the caller may not
see answers NotFound exactly as a missing one. Plain column queries: the home page must stay
fast with 10,000 repositories in 500 groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from vcshub.db.models import RepoGroup, User
from vcshub.permissions import names
from vcshub.permissions.caller import Caller
from vcshub.services import lookup, repo_listing, vcs_access
from vcshub.services.errors import NotFound
from vcshub.services.unit_of_work import UnitOfWork

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class GroupRow:
    group_name: str  # full path, its URL
    name: str  # as shown: relative to the level
    description: str
    repo_count: int  # readable repositories anywhere below it


@dataclass(frozen=True, slots=True)
class RepoRow:
    repo_name: str
    name: str
    description: str
    repo_type: str
    private: bool
    owner: str | None
    last_change: dt.datetime


@dataclass(frozen=True, slots=True)
class Level:
    group: GroupRow | None  # None: the home page
    parents: list[tuple[str, str]]  # (short name, full path) from the top, the group's own last
    groups: list[GroupRow]
    repos: list[RepoRow]
    filter_text: str
    page: int
    pages: int
    total: int


def level(uow: UnitOfWork, user: User | None, group_name: str | None = None,
          filter_text: str = "", page: int = 1) -> Level:
    """What ``user`` (None: anonymous) sees at ``group_name`` (None: the top), page ``page``."""
    subject = user or vcs_access.anonymous_user(uow)
    caller = Caller(uow.db, subject) if subject else None
    names = repo_listing.readable_names(uow, caller) if caller else {}
    counts = _repo_counts(names.values())
    groups = _visible_groups(uow, caller, counts)
    prefix = ""
    here = None
    if group_name is not None:
        if group_name not in groups:  # the same answer as for a missing repository of that name
            raise NotFound("repository", group_name)
        here = _group_row(group_name, groups[group_name], counts, "")
        prefix = group_name + "/"
    needle = filter_text.strip().lower()

    def shown(full: str) -> bool:
        if not full.startswith(prefix):
            return False
        rest = full[len(prefix):]
        return needle in rest.lower() if needle else "/" not in rest

    group_rows = [
        _group_row(name, description, counts, prefix)
        for name, description in sorted(groups.items(), key=lambda item: item[0].lower())
        if shown(name)
    ]
    # Every readable name counts for the groups; only this level's repositories are read whole.
    here_ids = {rid for rid, name in names.items() if shown(name)}
    repos = repo_listing.list_repos(uow, caller, only=here_ids) if here_ids else []
    repo_rows = [
        RepoRow(r.repo_name, r.repo_name[len(prefix):], r.description or "", r.repo_type,
                r.private, r.owner.username, _last_change(r))
        for r in repos
    ]
    # Groups by name, then the repositories most recently changed first: what people come
    # back for is on the first page, however many repositories there are.
    repo_rows.sort(key=lambda r: r.repo_name.lower())
    repo_rows.sort(key=lambda r: r.last_change, reverse=True)
    # Groups and repositories page side by side, 50 of each per page: in one combined list,
    # a site with many top-level groups would push every repository, what most visits are
    # for, off the first page.
    total = len(group_rows) + len(repo_rows)
    pages = max(1, -(-max(len(group_rows), len(repo_rows)) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    groups_here = group_rows[start:start + PAGE_SIZE]
    repos_here = repo_rows[start:start + PAGE_SIZE]
    return Level(here, _parents(group_name), groups_here, repos_here, filter_text.strip(),
                 page, pages, total)


def group_exists(uow: UnitOfWork, group_name: str) -> bool:
    """Whether a group has this name (whoever may see it: the page then decides)."""
    if lookup.possible_name(group_name) is None:  # NUL, or too long to be stored
        return False
    return uow.db.scalar(select(RepoGroup.group_id).where(RepoGroup.group_name == group_name)) is not None


def _repo_counts(repo_names: Iterable[str]) -> dict[str, int]:
    """Full group name -> readable repositories anywhere below it, in one pass."""
    counts: dict[str, int] = {}
    for repo_name in repo_names:
        group = repo_name
        while "/" in group:
            group = group.rsplit("/", 1)[0]
            counts[group] = counts.get(group, 0) + 1
    return counts


def _visible_groups(uow: UnitOfWork, caller: Caller | None, counts: dict[str, int]) -> dict[str, str]:
    """Full name -> description of every group the subject may see."""
    rows = uow.db.connection().execute(
        select(RepoGroup.group_id, RepoGroup.group_name, RepoGroup.description)
    ).all()
    if caller is None:
        readable: set[int] | None = set()
    else:
        readable = None if caller.is_admin else {
            group_id for group_id, perm in caller.perms.repo_groups().items()
            if names.at_least(perm, "group.read")
        }
    return {  # counts: the groups some readable repository is in
        name: description or ""
        for group_id, name, description in rows
        if readable is None or group_id in readable or name in counts
    }


def _group_row(name: str, description: str, counts: dict[str, int], prefix: str) -> GroupRow:
    return GroupRow(name, name[len(prefix):], description, counts.get(name, 0))


def _parents(group_name: str | None) -> list[tuple[str, str]]:
    parts = group_name.split("/") if group_name else []
    return [(part, "/".join(parts[: i + 1])) for i, part in enumerate(parts)]


def _last_change(repo: repo_listing.ListedRepo) -> dt.datetime:
    """The tip's date as last stored (repo_disk.refresh_summary); for an empty repository
    (or none stored yet) the creation time. Aware, in UTC: the stored tip date is the VCS's
    naive local time, the creation time naive UTC, and both are compared and shown."""
    cache = repo.changeset_cache or {}
    stored = cache.get("date") if (cache.get("raw_id") or "").strip("0") else None  # not empty
    if stored:
        try:
            return dt.datetime.fromisoformat(stored).astimezone(dt.UTC)
        except ValueError:
            pass
    return repo.created_on.replace(tzinfo=dt.UTC)