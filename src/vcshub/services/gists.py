"""Gists: snippets kept as real Mercurial repositories under ``<repos>/.rc_gist_store``.

Each gist's history lives in its repository, so later edits keep it and the repository can be
cloned. Expired gists stay readable by their owner through the API (contract) but are hidden
from listings and the web, and a periodic clean-up removes them.
"""

from __future__ import annotations

import secrets
import shutil
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound
from sqlalchemy import or_, select

from vcshub import vcs
from vcshub.db.models import Gist, User
from vcshub.permissions.caller import Caller
from vcshub.services import gist_store, lookup, users
from vcshub.services.errors import Invalid, NotFound, OwnerNotAllowed
from vcshub.services.unit_of_work import UnitOfWork

GIST_TYPES = ("public", "private")
# The web page shows the expiry date, and a date past year 9999 cannot be shown; a century is
# longer than any gist is meant to live (-1 is "forever").
MAX_LIFETIME_MINUTES = 100 * 365 * 24 * 60
# Mercurial stores file names one per line in its manifest: a new line (or any other control
# character) in a name would corrupt the gist's repository.
_CONTROL_CHARACTERS = frozenset(map(chr, [*range(0x20), 0x7F]))
ACL_LEVELS = ("acl_public", "acl_private")
_ALPHABET = string.ascii_letters + string.digits


def gist_path(uow: UnitOfWork, gist: Gist) -> Path:
    return gist_store.folder(uow, gist)


def validate_files(files: object) -> dict[str, tuple[bytes, str | None]]:
    """``{name: {"content": text, "lexer": alias}}`` → ``{name: (bytes, lexer)}``, or Invalid."""
    if not isinstance(files, Mapping) or not files:
        raise Invalid("files", "at least one file is required")
    checked = {}
    for name, spec in files.items():
        if (
            not isinstance(name, str) or not name.strip() or "/" in name or "\\" in name
            or name in (".", "..") or name.startswith(".hg")
            or not _CONTROL_CHARACTERS.isdisjoint(name)
        ):
            raise Invalid("files", f"invalid file name {name!r}")
        if not isinstance(spec, Mapping) or not isinstance(spec.get("content"), str):
            raise Invalid("files", f"file {name!r} needs a text `content`")
        if not spec["content"]:
            raise Invalid("files", f"file {name!r} is empty")
        lexer = spec.get("lexer") or None
        if lexer is not None:
            try:
                get_lexer_by_name(str(lexer))
            except ClassNotFound:
                raise Invalid("files", f"unknown lexer {lexer!r}") from None
        checked[name] = (spec["content"].encode("utf-8"), lexer)
    return checked


def expiry(uow: UnitOfWork, lifetime: object) -> float:
    if not isinstance(lifetime, int) or isinstance(lifetime, bool):
        raise Invalid("lifetime", "must be a number of minutes")
    if lifetime == -1:
        return -1.0
    if lifetime <= 0:
        raise Invalid("lifetime", "must be -1 (forever) or a positive number of minutes")
    if lifetime > MAX_LIFETIME_MINUTES:
        raise Invalid("lifetime", f"must be at most {MAX_LIFETIME_MINUTES} minutes (100 years)")
    return uow.clock() + lifetime * 60


def _owner(uow: UnitOfWork, caller: Caller, owner: object) -> User:
    """Deviation from RC4: only super-admins may create gists for someone else."""
    if owner is None:
        return caller.user
    target = lookup.find_user(uow.db, owner)
    if target is not None and target.user_id == caller.user_id:
        return target
    if not caller.is_admin:
        raise OwnerNotAllowed()
    if target is None:
        raise Invalid("owner", f"user `{owner}` does not exist")
    return lookup.ownable(target)


def create_gist(
    uow: UnitOfWork,
    caller: Caller,
    files: object,
    owner: object = None,
    gist_type: object = "public",
    lifetime: object = -1,
    acl_level: object = "acl_public",
    description: object = "",
) -> Gist:
    """Create the record and a repository with one commit holding the files."""
    owner_user = _owner(uow, caller, owner)
    checked = validate_files(files)
    if gist_type not in GIST_TYPES:
        raise Invalid("gist_type", "must be public or private")
    if acl_level not in ACL_LEVELS:
        raise Invalid("acl_level", "must be acl_public or acl_private")
    gist = Gist(
        access_id=secrets.token_hex(16),  # placeholder until the id is known
        gist_type=gist_type,
        acl_level=acl_level,
        description=description if isinstance(description, str) else "",
        owner_id=owner_user.user_id,
        expires=expiry(uow, lifetime),
        lexers={name: lexer for name, (_, lexer) in checked.items() if lexer},
    )
    uow.db.add(gist)
    uow.db.flush()
    gist.access_id = (
        str(gist.gist_id) if gist_type == "public"
        else "".join(secrets.choice(_ALPHABET) for _ in range(20))
    )
    uow.db.flush()
    _write_repository(uow, gist, owner_user, {n: data for n, (data, _) in checked.items()})
    return gist


def _write_repository(uow: UnitOfWork, gist: Gist, owner: User, contents: dict[str, bytes]) -> None:
    path = gist_path(uow, gist)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        repository = vcs.create_repository(path, "hg")
        uow.on_rollback(lambda: shutil.rmtree(path, ignore_errors=True))
        names = sorted(contents)
        message = f"added file{'s' if len(names) > 1 else ''}: {', '.join(names)}"
        repository.commit_files(contents, message, f"{owner.full_name} <{owner.email}>")
    except vcs.VCSError as exc:
        shutil.rmtree(path, ignore_errors=True)
        raise Invalid("files", f"cannot store the gist: {exc}") from exc


def _find(uow: UnitOfWork, gistid: object) -> Gist | None:
    if gistid is None or isinstance(gistid, bool) or lookup.possible_name(str(gistid)) is None:
        return None
    return uow.db.scalar(select(Gist).where(Gist.access_id == str(gistid)))


def get_gist(uow: UnitOfWork, caller: Caller, gistid: object) -> Gist:
    """The owner's or a super-admin's view; others get "does not exist" even for public gists."""
    gist = _find(uow, gistid)
    if gist is None or not (caller.is_admin or gist.owner_id == caller.user_id):
        raise NotFound("gist", gistid)
    return gist


@dataclass(frozen=True)
class GistFile:
    name: str
    content: bytes
    lexer: str | None  # the alias given at creation; None: guess from the name
    is_binary: bool
    mimetype: str
    commit_id: str

    @property
    def path(self) -> str:  # as a repository file's (the raw response reads it)
        return self.name

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


def gist_files(uow: UnitOfWork, gist: Gist) -> list[GistFile]:
    """The files of the gist's latest commit, by name."""
    repository = vcs.open_repository(gist_path(uow, gist), "hg")
    if repository.is_empty():
        return []
    tip = repository.get_commit(None)
    nodes = tip.get_nodes("", recursive=False)
    lexers = gist.lexers or {}
    return [
        GistFile(n.path, n.content, lexers.get(n.path), n.is_binary, n.mimetype, tip.raw_id)
        for n in sorted(nodes, key=lambda n: n.path)
        if n.is_file
    ]


def gist_file(uow: UnitOfWork, gist: Gist, filename: str) -> GistFile:
    """One file of the gist, by its exact name."""
    for found in gist_files(uow, gist):
        if found.name == filename:
            return found
    raise NotFound("file", filename)


def file_contents(uow: UnitOfWork, gist: Gist) -> dict[str, str]:
    """Each file's text from the gist's latest commit."""
    return {f.name: f.text for f in gist_files(uow, gist)}


def list_gists(uow: UnitOfWork, caller: Caller, userid: object = None) -> list[Gist]:
    """The user's gists that have not expired, newest first."""
    user = users.target_user(uow, caller, userid)
    now = uow.clock()
    return list(
        uow.db.scalars(
            select(Gist)
            .where(Gist.owner_id == user.user_id, or_(Gist.expires == -1, Gist.expires > now))
            .order_by(Gist.created_on.desc(), Gist.gist_id.desc())
        )
    )


def delete_gist(uow: UnitOfWork, caller: Caller, gist: Gist) -> None:
    """Delete the record (the owner or a super-admin); the folder goes once that is committed."""
    if not (caller.is_admin or gist.owner_id == caller.user_id):
        raise NotFound("gist", gist.access_id)
    gist_store.remove_after_commit(uow, [gist])
    uow.db.delete(gist)
    uow.db.flush()


def collect_expired(uow: UnitOfWork) -> list[str]:
    """Remove every expired gist; returns their access ids."""
    now = uow.clock()
    expired = list(uow.db.scalars(select(Gist).where(Gist.expires != -1, Gist.expires <= now)))
    gist_store.remove_after_commit(uow, expired)
    for gist in expired:
        uow.db.delete(gist)
    uow.db.flush()
    return [g.access_id for g in expired]


def visible_on_web(uow: UnitOfWork, viewer: User | None, gistid: str) -> Gist:
    """A gist for the web page: not expired; `acl_private` ones only for logged-in users."""
    gist = _find(uow, gistid)
    if gist is None or gist.expired(uow.clock()):
        raise NotFound("gist", gistid)
    if gist.acl_level == "acl_private" and (viewer is None or viewer.username == "default"):
        raise NotFound("gist", gistid)
    return gist


def web_listing(uow: UnitOfWork, viewer: User | None, *, public: bool = False,
                private: bool = False) -> list[Gist]:
    """``/_admin/gists`` as RhodeCode lists it, newest first, expired ones left out: by default
    every public gist (``acl_private`` ones for signed-in users only); ``private`` the viewer's
    own private gists, ``public`` his own public ones, both: all of his own."""
    now = uow.clock()
    query = select(Gist).where(or_(Gist.expires == -1, Gist.expires > now))
    signed_in = viewer is not None and viewer.username != "default"
    if signed_in and (public or private):
        kinds = [kind for kind, wanted in (("public", public), ("private", private)) if wanted]
        query = query.where(Gist.owner_id == viewer.user_id, Gist.gist_type.in_(kinds))
    else:
        query = query.where(Gist.gist_type == "public")
        if not signed_in:
            query = query.where(Gist.acl_level == "acl_public")
    return list(uow.db.scalars(query.order_by(Gist.created_on.desc(), Gist.gist_id.desc())))
