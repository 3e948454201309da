"""Writing commits into a Mercurial repository in memory (memctx), no working copy needed."""

from __future__ import annotations

from collections.abc import Mapping

from mercurial import context
from mercurial import node as hgnode

from .errors import RepositoryError


def commit_files(
    repo, files: Mapping[str, bytes | None], message: str, author: str, branch: str
) -> str:
    """Commit ``files`` (None deletes) on top of ``branch``'s head; returns the new node id."""
    for path in files:
        if not path or path.startswith("/") or ".." in path.split("/"):
            raise RepositoryError(f"invalid file path {path!r}")
    encoded = {path.encode(): data for path, data in files.items()}
    branch_b = branch.encode()
    heads = repo.branchmap().branchheads(branch_b) if branch_b in repo.branchmap() else []
    parent = heads[-1] if heads else hgnode.nullid

    def file_context(repo_, memctx, path):
        data = encoded[path]
        if data is None:
            return None  # removed
        return context.memfilectx(repo_, memctx, path, data)

    with repo.wlock(), repo.lock():
        ctx = context.memctx(
            repo,
            (parent, hgnode.nullid),
            message.encode(),
            list(encoded),
            file_context,
            user=author.encode(),
            extra={b"branch": branch_b},
        )
        node = ctx.commit()
    return hgnode.hex(node).decode()
