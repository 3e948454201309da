"""A user changing his own password on the web (what ``force_password_change`` asks for)."""

from __future__ import annotations

from vcshub.auth.passwords import hash_password, verify_password
from vcshub.db.models import User
from vcshub.services.errors import Invalid
from vcshub.services.unit_of_work import UnitOfWork

# RhodeCode's own rule for a new password; the API's create_user/update_user take any text.
SHORTEST = 6


def change_own_password(
    uow: UnitOfWork, user: User, current: str, new: str, repeated: str
) -> None:
    """Check the current password, set the new one and lift ``force_password_change``.

    Raises Invalid naming the form field at fault. The password hash changes, so every other
    browser session of the user ends (see the web session check).
    """
    if not verify_password(user.password_hash, current):
        raise Invalid("current_password", "is not your current password")
    if len(new) < SHORTEST:
        raise Invalid("new_password", f"must be at least {SHORTEST} characters long")
    if new != repeated:
        raise Invalid("new_password_confirmation", "does not match the new password")
    if new == current:
        raise Invalid("new_password", "must differ from the current password")
    user.password_hash = hash_password(new)
    user.force_password_change = False
    uow.db.flush()
