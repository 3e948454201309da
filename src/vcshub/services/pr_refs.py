"""Pull-request references: ``type:name`` or ``type:name:commit_id``, resolved on a repository."""

from __future__ import annotations

from dataclasses import dataclass

from vcshub import vcs
from vcshub.services.errors import RefError, RefProblem

HEAD_TYPES = {"branch": "branches", "book": "bookmarks", "bookmark": "bookmarks"}


@dataclass(frozen=True)
class Ref:
    type: str
    name: str
    commit_id: str

    def __str__(self) -> str:
        return f"{self.type}:{self.name}:{self.commit_id}"

    @classmethod
    def parse_stored(cls, text: str) -> Ref:
        ref_type, name, commit_id = text.split(":", 2)
        return cls(ref_type, name, commit_id)


def resolve(backend: vcs.Repository, text: object) -> Ref:
    """Check the format, then find the commit: a branch or bookmark head, or the given id."""
    parts = text.split(":") if isinstance(text, str) else []
    if len(parts) not in (2, 3) or not all(parts):
        raise RefError(RefProblem.FORMAT, str(text))
    ref_type, name = parts[0], parts[1]
    if len(parts) == 3:
        try:
            commit = backend.get_commit(parts[2])
        except vcs.VCSError:
            raise RefError(RefProblem.COMMIT, str(text)) from None
        return Ref(ref_type, name, commit.raw_id)
    heads = getattr(backend, HEAD_TYPES[ref_type])() if ref_type in HEAD_TYPES else {}
    if name not in heads:
        raise RefError(RefProblem.UNKNOWN, str(text), ref_type, name)
    return Ref(ref_type, name, heads[name])


def current_head(backend: vcs.Repository, ref: Ref) -> str | None:
    """Where a movable reference (branch, bookmark) points now; None if it vanished."""
    if ref.type in HEAD_TYPES:
        return getattr(backend, HEAD_TYPES[ref.type])().get(ref.name)
    if ref.type == "tag":
        return backend.tags().get(ref.name)
    return ref.commit_id
