"""Site settings stored in the database, and the (absent) licence."""

from __future__ import annotations

from vcshub import __version__
from vcshub.db.models import Setting
from vcshub.permissions.caller import Caller
from vcshub.services.errors import Invalid
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.services.users import require_admin

LICENSE_KEY = "license_key"


def get_setting(uow: UnitOfWork, name: str, default: str | None = None) -> str | None:
    row = uow.db.get(Setting, name)
    return default if row is None else row.value


def set_setting(uow: UnitOfWork, name: str, value: str) -> None:
    row = uow.db.get(Setting, name)
    if row is None:
        uow.db.add(Setting(name=name, value=value))
    else:
        row.value = value
    uow.db.flush()


def license_info(uow: UnitOfWork, caller: Caller) -> dict:
    """vcshub is free software: there is no licence to check, only a stored key if one was set."""
    require_admin(caller)
    key = get_setting(uow, LICENSE_KEY)
    return {
        "rhodecode_version": __version__,
        "token": key,
        "issued_to": None,
        "issued_on": None,
        "expires_on": None,
        "type": "community",
        "users_limit": None,
        "key": key,
    }


def set_license_key(uow: UnitOfWork, caller: Caller, key: object) -> str:
    """Store the key text exactly as given (4.1); only an empty or blank key is refused."""
    require_admin(caller)
    if not isinstance(key, str) or not key.strip():
        raise Invalid("key", "license key is not valid")
    set_setting(uow, LICENSE_KEY, key)
    return key
