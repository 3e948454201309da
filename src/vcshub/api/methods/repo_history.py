"""Reading commits, trees, files and references through the API (REFERENCE.md 4.4, 5)."""

from __future__ import annotations

from typing import Annotated

from vcshub import vcs
from vcshub.api.call import Call
from vcshub.api.coercion import AsInt, Bool
from vcshub.api.errors import ApiError
from vcshub.api.registry import MethodSet
from vcshub.serializers.commits import (
    DETAILS,
    FILE_DETAILS,
    commit_data,
    file_data,
    fts_entry,
    node_data,
)
from vcshub.services import repo_contents
from vcshub.services.errors import DomainError, NotAFile

methods = MethodSet()

_DETAILS_ERROR = "ret_type must be one of basic,extended,full"


@methods.method(writes=False)
def get_repo_changeset(call: Call, repoid, revision, details="basic"):
    repo, backend = repo_contents.open_readable(call.uow, call.caller, repoid)
    if details not in DETAILS:
        raise ApiError(_DETAILS_ERROR)
    if not isinstance(revision, str):
        raise ApiError("commit_id must be a string value")
    return commit_data(repo_contents.commit_or_empty(backend, revision), details)


@methods.method(writes=False)
def get_repo_changesets(
    call: Call, repoid, start_rev, limit: Annotated[int, AsInt(allow_null=False)],
    details="basic",
):
    repo, backend = repo_contents.open_readable(call.uow, call.caller, repoid)
    if details not in DETAILS:
        raise ApiError(_DETAILS_ERROR)
    if not isinstance(start_rev, str):
        raise ApiError("commit_id must be a string value")
    try:
        commits = repo_contents.commits_from(backend, start_rev, limit if limit is not None else -1)
        return [commit_data(c, details) for c in commits]
    except (vcs.VCSError, DomainError, ValueError):
        raise ApiError("Error occurred during commit fetching") from None


@methods.method(legacy_args={"repo_name": "repoid"}, writes=False)
def get_repo_nodes(
    call: Call,
    repoid,
    revision,
    root_path,
    ret_type="all",
    details="basic",
    max_file_bytes: Annotated[int, AsInt()] = None,
):
    repo, backend = repo_contents.open_readable(call.uow, call.caller, repoid)
    if details not in ("basic", "full"):
        raise ApiError("ret_type must be one of basic,full")
    if backend.is_empty():
        return []
    try:
        nodes = repo_contents.nodes_below(backend, str(revision), str(root_path or ""))
    except (vcs.VCSError, DomainError, ValueError):
        raise ApiError(f"failed to get repo: `{repo.repo_name}` nodes") from None
    if ret_type not in ("all", "files", "dirs"):
        raise ApiError("ret_type must be one of all,dirs,files")
    if ret_type == "files":
        nodes = [n for n in nodes if not n.is_dir]
    elif ret_type == "dirs":
        nodes = [n for n in nodes if n.is_dir]
    full = details == "full"
    return [node_data(n, full=full, max_file_bytes=max_file_bytes) for n in nodes]


@methods.method(writes=False)
def get_repo_refs(call: Call, repoid):
    repo, backend = repo_contents.open_readable(call.uow, call.caller, repoid)
    try:
        return repo_contents.ref_heads(backend)
    except vcs.VCSError:
        raise ApiError(f"failed to get repo: `{repo.repo_name}` references") from None


@methods.method(writes=False)
def get_repo_file(
    call: Call, repoid, commit_id, file_path,
    max_file_bytes: Annotated[int, AsInt()] = None, details="basic", cache: Bool = True,
):
    """RC-later. ``cache`` is accepted and has no effect: content facts are always cached by
    blob id, which costs no memory per request."""
    repo, backend = repo_contents.open_readable(call.uow, call.caller, repoid)
    if details not in FILE_DETAILS:
        raise ApiError(f"ret_type must be one of {','.join(FILE_DETAILS)}, got {details}")
    try:
        node = repo_contents.file_node(backend, str(commit_id), str(file_path))
        return None if node is None else file_data(node, details, max_file_bytes)
    except vcs.NodeNotFound:
        raise ApiError(
            f"There is no file in repo: `{repo.repo_name}` at path `{file_path}` "
            f"for commit: `{commit_id}`"
        ) from None
    except (vcs.VCSError, NotAFile, ValueError):
        raise ApiError(
            f"failed to get repo: `{repo.repo_name}` file at path {file_path}"
        ) from None


@methods.method(writes=False)
def get_repo_fts_tree(call: Call, repoid, commit_id, root_path):
    """RC-later, for full-text indexers: every file below ``root_path`` with its facts."""
    repo, backend = repo_contents.open_readable(call.uow, call.caller, repoid)
    try:
        files = repo_contents.files_below(backend, str(commit_id), str(root_path or ""))
        return [fts_entry(n) for n in files]
    except (vcs.VCSError, ValueError):
        raise ApiError(f"failed to get repo: `{repo.repo_name}` nodes") from None
