"""The server's own record of unexpected errors, for administrators (RhodeCode's exception
tracker: ``/_admin/settings/exceptions``, the API's ``store_exception``).

Each entry is one JSON file in ``Settings.exceptions_dir`` rather than a database row: the
errors most worth seeing are the database's own (unreachable, pool exhausted, a failed
migration), and a record kept in the failing database would be lost with them. The data
directory is shared by every node of a scale-out set-up (it holds the repositories), so all
nodes write to and read from one place. Files are written whole under a temporary name, then
renamed: a reader never sees half an entry. The newest ``exception_store_max`` are kept.

Nothing secret is stored: tracebacks are formatted without local variables, the secrets of the
request (its token, password arguments, cookie values, Authorization header) are replaced
wherever they appear, and so are URL credentials and ``password=…``-like pairs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import tempfile
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vcshub.config import Settings
from vcshub.permissions.caller import Caller
from vcshub.services.errors import Invalid, NotFound
from vcshub.services.users import require_admin

HIDDEN = "*****"
_ID = re.compile(r"^\d{1,40}$")
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s:]*:[^/@\s]*@")
_SECRET_PAIRS = re.compile(
    r"(?P<key>\b(?:password|passwd|pwd|secret|auth_token|api_key|apikey|token|cookie|"
    r"session|authorization)\b[\"']?\s*[=:]\s*)(?P<quote>[\"']?)[^\s\"',;&)}]+",
    re.IGNORECASE,
)
_SHORTEST_SECRET = 4  # shorter "secrets" (empty passwords, "1") would blank half the text


@dataclass(frozen=True)
class ExceptionEntry:
    exc_id: str
    created_on: dt.datetime  # naive UTC
    exc_type: str
    message: str
    traceback: str
    prefix: str  # where it happened: vcshub (the server), or a client's own prefix
    where: str  # the request or method that met it


def scrub(text: str, known: Iterable[str] = ()) -> str:
    """``text`` without the ``known`` secret values, URL credentials and secret pairs."""
    for value in sorted({k for k in known if k and len(k) >= _SHORTEST_SECRET}, key=len,
                        reverse=True):
        text = text.replace(value, HIDDEN)
    text = _URL_CREDENTIALS.sub(lambda m: f"{m['scheme']}{HIDDEN}@", text)
    return _SECRET_PAIRS.sub(lambda m: f"{m['key']}{m['quote']}{HIDDEN}", text)


def record(settings: Settings, exc: BaseException, *, where: str,
           known_secrets: Iterable[str] = ()) -> str:
    """Keep ``exc`` (met by the server while answering ``where``); returns its id."""
    known = list(known_secrets)
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return _write(settings, ExceptionEntry(
        exc_id=_new_id(),
        created_on=_now(),
        exc_type=type(exc).__name__,
        message=scrub(str(exc), known),
        traceback=scrub(text, known),
        prefix="vcshub",
        where=scrub(where, known),
    ))


def store_client_exception(settings: Settings, caller: Caller, exc_data_json: object,
                           prefix: object = "rhodecode") -> str:
    """RC-later's ``store_exception``: a client's own error, kept beside the server's;
    super-admins only. ``exc_data_json`` is JSON text with ``exc_traceback`` and
    ``exc_type_name``."""
    require_admin(caller)
    try:
        data = json.loads(exc_data_json) if isinstance(exc_data_json, str | bytes) else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise Invalid("exc_data_json", "Failed to parse JSON data from exc_data_json field. "
                      "Please make sure it contains a valid JSON.")
    missing = [key for key in ("exc_traceback", "exc_type_name") if key not in data]
    if missing:
        raise Invalid("exc_data_json", "Missing exc_traceback, or exc_type_name in "
                      f"exc_data_json field. Missing: '{missing[0]}'")
    text = scrub(str(data["exc_traceback"]))
    return _write(settings, ExceptionEntry(
        exc_id=_new_id(),
        created_on=_now(),
        exc_type=scrub(str(data["exc_type_name"]))[:200],
        message=text.strip().splitlines()[-1][:500] if text.strip() else "",
        traceback=text,
        prefix=scrub(str(prefix or "rhodecode"))[:100],
        where="store_exception",
    ))


def entries(settings: Settings, caller: Caller) -> list[ExceptionEntry]:
    """Every kept entry, newest first; super-admins only."""
    require_admin(caller)
    found = []
    for path in _files(settings):
        entry = _read(path)
        if entry is not None:
            found.append(entry)
    return found


def entry(settings: Settings, caller: Caller, exc_id: object) -> ExceptionEntry:
    """One entry; super-admins only. NotFound for an id that is not kept (or not an id)."""
    require_admin(caller)
    text = str(exc_id)
    found = _read(settings.exceptions_dir / f"{text}.json") if _ID.match(text) else None
    if found is None:
        raise NotFound("exception", exc_id)
    return found


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _new_id() -> str:
    """Digits that sort by time (microseconds), with a random tail against collisions
    between processes; 18 digits, so that clients may read it as a 64-bit number."""
    return f"{time.time_ns() // 1000}{secrets.randbelow(100):02d}"


def _files(settings: Settings) -> list[Path]:
    folder = settings.exceptions_dir
    if not folder.is_dir():
        return []
    names = [p for p in folder.iterdir() if p.suffix == ".json" and _ID.match(p.stem)]
    return sorted(names, key=lambda p: (len(p.stem), p.stem), reverse=True)


def _write(settings: Settings, found: ExceptionEntry) -> str:
    folder = settings.exceptions_dir
    folder.mkdir(parents=True, exist_ok=True)
    payload = {**found.__dict__, "created_on": found.created_on.isoformat()}
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".new-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(payload, out)
        os.replace(temporary, folder / f"{found.exc_id}.json")
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise
    for old in _files(settings)[max(settings.exception_store_max, 1):]:
        old.unlink(missing_ok=True)
    return found.exc_id


def _read(path: Path) -> ExceptionEntry | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["created_on"] = dt.datetime.fromisoformat(data["created_on"])
        return ExceptionEntry(**data)
    except (OSError, ValueError, TypeError, KeyError):
        return None  # removed meanwhile, or not one of ours
