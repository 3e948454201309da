"""A signed-in user changing his own profile: names, main e-mail and extra e-mails.

``users.update_user`` is the super-admin's tool (any field of anybody); these functions let a
user change only his own, non-privileged fields, with the same validation rules (users.py).
External accounts keep their e-mail: it comes from the external authentication.
"""

from __future__ import annotations

from sqlalchemy import select

from vcshub.db.models import Repository, User, UserEmail
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.services import users
from vcshub.services.errors import AccessDenied, Invalid, NotFound
from vcshub.services.unit_of_work import UnitOfWork


def _own(user: User | None) -> User:
    if user is None or user.username == DEFAULT_USERNAME:
        raise AccessDenied()
    return user


def update_profile(uow: UnitOfWork, user: User, *, firstname: str, lastname: str,
                   email: str) -> User:
    """Set ``user``'s names and main e-mail; Invalid names the field at fault, and nothing
    changes then."""
    user = _own(user)
    firstname = users.validate_text("firstname", firstname) or ""
    lastname = users.validate_text("lastname", lastname) or ""
    new_email = users.validate_email(email)
    if new_email != user.email:
        if user.extern_name != users.INTERNAL:
            raise Invalid("email", "comes from your external account and cannot be changed here")
        if users.email_taken(uow, new_email, except_user_id=user.user_id) or any(
            e.email.lower() == new_email for e in user.emails
        ):
            raise Invalid("email", f"`{new_email}` is already in use")
    user.firstname, user.lastname, user.email = firstname.strip(), lastname.strip(), new_email
    uow.db.flush()
    return user


def add_email(uow: UnitOfWork, user: User, email: str) -> UserEmail:
    """An extra e-mail of ``user`` (it counts for uniqueness like a main one)."""
    user = _own(user)
    checked = users.validate_email(email)
    if users.email_taken(uow, checked):
        raise Invalid("email", f"`{checked}` is already in use")
    extra = UserEmail(user_id=user.user_id, email=checked)
    user.emails.append(extra)
    uow.db.flush()
    return extra


def remove_email(uow: UnitOfWork, user: User, email_id: object) -> UserEmail:
    """Remove one of ``user``'s extra e-mails; anybody else's is NotFound."""
    user = _own(user)
    if isinstance(email_id, str) and email_id.isdigit():
        email_id = int(email_id)
    found = next((e for e in user.emails if e.email_id == email_id), None)
    if found is None:
        raise NotFound("email", email_id)
    user.emails.remove(found)
    uow.db.flush()
    return found


def owned_repos(uow: UnitOfWork, user: User) -> list[Repository]:
    """The repositories ``user`` owns (an owner may always read his own), by name."""
    owned = uow.db.scalars(select(Repository).where(Repository.owner_id == user.user_id))
    return sorted(owned, key=lambda r: r.repo_name.lower())
