"""Every repository and every repository group of the site, a page at a time, for the
super-admin's ``/_admin/repos`` and ``/_admin/repo_groups`` lists (private ones included: he may
administer them all). Super-admin only, checked here.

Filtered, counted and cut in SQL, with the owner's name joined in the same query: a page of 50
costs about the same with 10 or 10,000 repositories (benchmarks/admin_repo_list.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from vcshub.db.models import RepoGroup, Repository, User
from vcshub.permissions.caller import Caller
from vcshub.services import users
from vcshub.services.unit_of_work import UnitOfWork

PAGE_SIZE = 50
FILTER_LIMIT = 255


@dataclass(frozen=True)
class RepoRow:
    repo_name: str
    repo_type: str
    private: bool
    description: str
    owner: str


@dataclass(frozen=True)
class GroupRow:
    group_name: str
    description: str
    owner: str
    repositories: int  # directly inside, not in its subgroups


@dataclass(frozen=True)
class ListPage:
    rows: list
    total: int  # rows matching the filter, on every page
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def find_repos(uow: UnitOfWork, caller: Caller, text: str = "", page: int = 1,
               page_size: int = PAGE_SIZE) -> ListPage:
    """Repositories whose full name or description contains ``text`` (any case), by name."""
    users.require_admin(caller)
    query = (select(Repository.repo_name, Repository.repo_type, Repository.private,
                    Repository.description, User.username)
             .join(User, User.user_id == Repository.owner_id))
    pattern = _pattern(text)
    if pattern:
        query = query.where(func.lower(Repository.repo_name).like(pattern, escape="\\")
                            | func.lower(Repository.description).like(pattern, escape="\\"))
    total, rows = _page(uow, query, page, page_size, Repository.repo_name)
    return ListPage([RepoRow(*row) for row in rows], total, max(1, page), page_size)


def find_repo_groups(uow: UnitOfWork, caller: Caller, text: str = "", page: int = 1,
                     page_size: int = PAGE_SIZE) -> ListPage:
    """Repository groups whose full path or description contains ``text``, by path."""
    users.require_admin(caller)
    inside = (select(func.count()).where(Repository.group_id == RepoGroup.group_id)
              .correlate(RepoGroup).scalar_subquery())
    query = (select(RepoGroup.group_name, RepoGroup.description, User.username, inside)
             .join(User, User.user_id == RepoGroup.owner_id))
    pattern = _pattern(text)
    if pattern:
        query = query.where(func.lower(RepoGroup.group_name).like(pattern, escape="\\")
                            | func.lower(RepoGroup.description).like(pattern, escape="\\"))
    total, rows = _page(uow, query, page, page_size, RepoGroup.group_name)
    return ListPage([GroupRow(*row) for row in rows], total, max(1, page), page_size)


def _pattern(text: str) -> str | None:
    """A LIKE pattern in which the filter's own ``%`` and ``_`` are literal."""
    text = (text or "").strip()[:FILTER_LIMIT].lower()
    if not text:
        return None
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _page(uow: UnitOfWork, query, page: int, page_size: int, name_column):
    total = uow.db.scalar(select(func.count()).select_from(query.subquery()))
    page = max(1, page)
    # by name as stored: the unique column's index serves the order, a lower() would not
    rows = uow.db.execute(query.order_by(name_column)
                          .offset((page - 1) * page_size).limit(page_size)).all()
    return total, rows
