"""Recognising git smart-HTTP and Mercurial wire-protocol requests, and what they want."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

PULL = "pull"
PUSH = "push"

GIT_SERVICES = {"git-upload-pack": PULL, "git-receive-pack": PUSH}
# Mercurial commands that write; everything else only reads.
HG_WRITE_COMMANDS = frozenset({"unbundle", "pushkey"})
# Commands that actually send repository data.
HG_DATA_COMMANDS = frozenset({"getbundle", "changegroup", "changegroupsubset", "stream_out"})
# The commands a writer's pull locks on (RhodeCode: any pull request): every command only a
# pull sends. hg pull sends getbundle even when it has nothing new (phases, bookmarks). Not
# capabilities, batch, heads, known nor listkeys: a push sends them too, listkeys after its
# unbundle, and would lock again what the push just released.
HG_LOCKING_COMMANDS = HG_DATA_COMMANDS | {"lookup", "clonebundles", "clonebundles_manifest"}
# The wire protocol, and nothing else: hgweb's own pages (?cmd=shortlog, rawfile, archive...)
# would bypass the web UI's views and their settings.
HG_WIRE_COMMANDS = frozenset({
    "batch", "between", "branchmap", "branches", "capabilities", "changegroup",
    "changegroupsubset", "clonebundles", "clonebundles_manifest", "debugwireargs", "getbundle",
    "heads", "hello", "known", "listkeys", "lookup", "protocaps", "pushkey", "stream_out",
    "unbundle",
})


@dataclass(frozen=True)
class VcsRequest:
    kind: str  # "git" or "hg"
    repo_name: str
    action: str  # PULL or PUSH
    service: str = ""  # git service, or hg command
    advertise: bool = False  # git: the info/refs step
    transfers_data: bool = False
    locks: bool = False  # a pull by a writer takes the repository's lock (when locking is on)
    refused: str | None = None  # why the request is refused outright (dumb HTTP, bad method)


def classify(method: str, path: str, query: Mapping[str, str]) -> VcsRequest | None:
    """The VCS request for this URL, or None when it is not one (the web UI handles it)."""
    path = path.strip("/")
    if path.endswith("/info/refs") or path == "info/refs":
        repo = path[: -len("info/refs")].rstrip("/")
        service = query.get("service", "")
        if service not in GIT_SERVICES:
            return VcsRequest("git", repo, PULL, refused="dumb HTTP protocol is not supported")
        action = GIT_SERVICES[service]
        # git's protocol v0 fetch with nothing new ends after the advertisement: it must lock
        return VcsRequest("git", repo, action, service, advertise=True, locks=action == PULL)
    for service, action in GIT_SERVICES.items():
        if path.endswith("/" + service):
            repo = path[: -len(service) - 1]
            refused = None if method == "POST" else f"{service} needs POST"
            return VcsRequest(
                "git", repo, action, service, transfers_data=action == PULL,
                locks=action == PULL, refused=refused,
            )
    command = query.get("cmd")
    if command:
        action = PUSH if command in HG_WRITE_COMMANDS else PULL
        refused = None if command in HG_WIRE_COMMANDS else f"unknown command {command[:40]!r}"
        return VcsRequest(
            "hg", path, action, command, transfers_data=command in HG_DATA_COMMANDS,
            locks=command in HG_LOCKING_COMMANDS, refused=refused,
        )
    return None
