"""Editing a gist: its owner (or a super-admin) replaces its files, description, lifetime and
access level. The files are written as a new commit of the gist's repository, so the history
of every version stays there; files left out of the new set are deleted in that commit.
"""

from __future__ import annotations

from vcshub import vcs
from vcshub.db.models import Gist
from vcshub.permissions.caller import Caller
from vcshub.services import gists
from vcshub.services.errors import Invalid, NotFound
from vcshub.services.unit_of_work import UnitOfWork


def may_edit(caller: Caller, gist: Gist) -> bool:
    return caller.is_admin or gist.owner_id == caller.user_id


def update_gist(
    uow: UnitOfWork,
    caller: Caller,
    gist: Gist,
    files: object,
    *,
    description: object = None,
    lifetime: object = None,
    acl_level: object = None,
) -> str | None:
    """Replace the gist's files (``{name: {"content", "lexer"}}``, as create_gist takes them)
    and, when given, its description, lifetime (minutes from now, -1 forever) and access
    level. Returns the new commit id, or None when the files did not change. Every input is
    checked before anything changes; the commit is the last step."""
    if not may_edit(caller, gist):
        raise NotFound("gist", gist.access_id)  # others may not learn it is editable
    checked = gists.validate_files(files)
    if acl_level is not None and acl_level not in gists.ACL_LEVELS:
        raise Invalid("acl_level", "must be acl_public or acl_private")
    expires = gists.expiry(uow, lifetime) if lifetime is not None else None
    if description is not None and not isinstance(description, str):
        raise Invalid("description", "must be text")
    current = {f.name: f.content for f in gists.gist_files(uow, gist)}
    changes: dict[str, bytes | None] = {n: data for n, (data, _) in checked.items()
                                        if current.get(n) != data}
    changes.update({name: None for name in current if name not in checked})
    if description is not None:
        gist.description = description
    if expires is not None:
        gist.expires = expires
    if acl_level is not None:
        gist.acl_level = acl_level
    gist.lexers = {name: lexer for name, (_, lexer) in checked.items() if lexer}
    uow.db.flush()
    if not changes:
        return None
    author = gist.owner
    names = sorted(changes)
    try:
        repository = vcs.open_repository(gists.gist_path(uow, gist), "hg")
        return repository.commit_files(
            changes, f"updated file{'s' if len(names) > 1 else ''}: {', '.join(names)}",
            f"{author.full_name} <{author.email}>",
        )
    except vcs.VCSError as exc:
        raise Invalid("files", f"cannot store the gist: {exc}") from exc
