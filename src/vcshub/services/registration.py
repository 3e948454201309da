"""Sign-up: a visitor creates his own account when the site allows it (site_policy).

``hg.register.manual_activate`` creates it inactive (an administrator activates it),
``hg.register.auto_activate`` active, ``hg.register.none`` refuses. The account is made by
users.create_user, the one place for the rules of a new account; the checks a form needs
beside each field (name taken, password rules) come first, as Invalid naming the field.
"""

from __future__ import annotations

from vcshub.db.models import User
from vcshub.permissions.caller import CONSOLE
from vcshub.services import lookup, site_policy, users
from vcshub.services.errors import Invalid, RegistrationClosed
from vcshub.services.names import validate_username
from vcshub.services.password_change import SHORTEST
from vcshub.services.unit_of_work import UnitOfWork


def register(
    uow: UnitOfWork,
    *,
    username: str,
    email: str,
    password: str,
    password_confirmation: str,
    firstname: str = "",
    lastname: str = "",
) -> User:
    """Create the visitor's account; ``user.active`` says whether he may sign in now."""
    mode = site_policy.registration(uow)
    if mode not in (site_policy.MANUAL_ACTIVATION, site_policy.AUTO_ACTIVATION):
        raise RegistrationClosed()
    username = username.strip()
    validate_username(username)
    if lookup.find_user_by_name_ci(uow.db, username) is not None:
        raise Invalid("username", f"`{username}` is taken")
    if users.email_taken(uow, email.strip()):
        raise Invalid("email", "is already used by another account")
    if len(password) < SHORTEST:
        raise Invalid("password", f"must be at least {SHORTEST} characters long")
    if password != password_confirmation:
        raise Invalid("password_confirmation", "does not match the password")
    # The site's policy, checked above, is what allows this creation: the console acts for it.
    return users.create_user(
        uow, CONSOLE, username=username, email=email, password=password,
        firstname=firstname.strip(), lastname=lastname.strip(),
        active=mode == site_policy.AUTO_ACTIVATION,
    )
