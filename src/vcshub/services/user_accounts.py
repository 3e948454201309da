"""A super-admin managing other people's accounts (the ``/_admin/users`` pages): finding users
a page at a time, and the parts of an account the account's owner cannot change alone or that
an admin may change for him — extra tokens, extra e-mails, the IP whitelist — and what a user
owns (which decides whether he can be deleted, see ``users.delete_user``).

Every function checks its caller itself (``users.require_admin``): a page that forgot its own
guard still could not let a non-admin read or change anybody's account. The rules about each
part stay where they are (auth_tokens, own_account, users); this module only adds who may.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from vcshub.auth.errors import InvalidIpEntry
from vcshub.auth.ip_whitelist import parse_entry
from vcshub.db.models import (
    AuthToken,
    RepoGroup,
    Repository,
    User,
    UserEmail,
    UserGroup,
    UserIpAddress,
)
from vcshub.permissions.caller import Caller
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import auth_tokens, lookup, own_account, users
from vcshub.services.errors import Invalid, NotFound
from vcshub.services.unit_of_work import UnitOfWork

PAGE_SIZE = 50
FILTER_LIMIT = 255


@dataclass(frozen=True)
class UserPage:
    users: list[User]
    total: int  # users matching the filter, on every page
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def find_users(uow: UnitOfWork, caller: Caller, text: str = "", page: int = 1,
               page_size: int = PAGE_SIZE) -> UserPage:
    """One page of the accounts (never ``default``) whose username, names or e-mail contain
    ``text`` (any case), by username. Counted and cut in SQL: a page of 50 costs the same
    with 10 or 10,000 users."""
    users.require_admin(caller)
    query = select(User).where(User.username != DEFAULT_USERNAME)
    text = (text or "").strip()[:FILTER_LIMIT]
    if text:
        # LIKE's own characters are literal here: ``a_b`` finds "a_b", not "axb"
        escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(or_(*(
            func.lower(column).like(pattern, escape="\\")
            for column in (User.username, User.email, User.firstname, User.lastname))))
    total = uow.db.scalar(select(func.count()).select_from(query.subquery()))
    page = max(1, page)
    rows = uow.db.scalars(query.order_by(func.lower(User.username), User.user_id)
                          .offset((page - 1) * page_size).limit(page_size))
    return UserPage(list(rows), total, page, page_size)


def managed_user(uow: UnitOfWork, caller: Caller, user_id: object, *,
                 default_too: bool = False) -> User:
    """The account an admin page is about. ``default`` (the anonymous user) has no such page
    (only its IP whitelist is managed, ``default_too``): it is NotFound like a missing id."""
    users.require_admin(caller)
    user = lookup.user(uow.db, user_id)
    if user.username == DEFAULT_USERNAME and not default_too:
        raise NotFound("user", user_id)
    return user


def owned_objects(uow: UnitOfWork, caller: Caller, user_id: object) -> dict[str, list[str]]:
    """What ``user_id`` owns, by kind: while any list is not empty he cannot be deleted."""
    user = managed_user(uow, caller, user_id)
    found = {}
    for kind, model, name in (("repositories", Repository, Repository.repo_name),
                              ("repository groups", RepoGroup, RepoGroup.group_name),
                              ("user groups", UserGroup, UserGroup.group_name)):
        found[kind] = sorted(uow.db.scalars(select(name).where(model.owner_id == user.user_id)))
    return found


# -- extra authentication tokens ------------------------------------------------------------
def user_tokens(uow: UnitOfWork, caller: Caller, user_id: object) -> list[AuthToken]:
    return auth_tokens.list_tokens(uow, managed_user(uow, caller, user_id))


def create_user_token(uow: UnitOfWork, caller: Caller, user_id: object, role: str,
                      lifetime_minutes: int | None, description: str) -> AuthToken:
    """A new extra token of ``user_id``; its clear value is on the returned object only."""
    user = managed_user(uow, caller, user_id)
    return auth_tokens.create_token(uow, user, role, lifetime_minutes, description)


def revoke_user_token(uow: UnitOfWork, caller: Caller, user_id: object,
                      token_id: object) -> AuthToken:
    return auth_tokens.revoke_token(uow, managed_user(uow, caller, user_id), token_id)


# -- extra e-mails -------------------------------------------------------------------------
def add_user_email(uow: UnitOfWork, caller: Caller, user_id: object, email: str) -> UserEmail:
    return own_account.add_email(uow, managed_user(uow, caller, user_id), email)


def remove_user_email(uow: UnitOfWork, caller: Caller, user_id: object,
                      email_id: object) -> UserEmail:
    return own_account.remove_email(uow, managed_user(uow, caller, user_id), email_id)


# -- IP whitelist ---------------------------------------------------------------------------
def add_user_ip(uow: UnitOfWork, caller: Caller, user_id: object, entry: str,
                description: str = "") -> UserIpAddress:
    """Allow ``entry`` (an address or a CIDR network, v4 or v6) for ``user_id``. The first
    entry closes the account to every other address; ``default``'s list is the site's."""
    user = managed_user(uow, caller, user_id, default_too=True)
    if not isinstance(entry, str) or not entry.strip() or len(entry.strip()) > 64:
        raise Invalid("ip", "give an IP address or network, e.g. 192.168.0.1 or 10.0.0.0/8")
    entry = entry.strip()
    try:
        network = parse_entry(entry)
    except InvalidIpEntry:
        raise Invalid("ip", f"`{entry}` is not an IP address or network") from None
    if any(_same(network, other.ip_addr) for other in user.ip_addresses):
        raise Invalid("ip", f"`{entry}` is already in the whitelist")
    description = users.validate_text("description", description or "") or ""
    added = UserIpAddress(user_id=user.user_id, ip_addr=entry, description=description.strip())
    user.ip_addresses.append(added)
    uow.db.flush()
    return added


def remove_user_ip(uow: UnitOfWork, caller: Caller, user_id: object,
                   ip_id: object) -> UserIpAddress:
    """Remove one entry of ``user_id``'s whitelist; another user's entry is NotFound."""
    user = managed_user(uow, caller, user_id, default_too=True)
    if isinstance(ip_id, str) and ip_id.isdigit():  # a form's field
        ip_id = int(ip_id)
    found = next((e for e in user.ip_addresses if e.ip_id == ip_id), None)
    if found is None:
        raise NotFound("IP whitelist entry", ip_id)
    user.ip_addresses.remove(found)
    uow.db.flush()
    return found


def _same(network, stored: str) -> bool:
    try:
        return parse_entry(stored) == network
    except InvalidIpEntry:  # a stored typo matches nothing (auth/ip_whitelist.py)
        return False
