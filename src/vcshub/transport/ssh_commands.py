"""What an SSH client asks to run, and whether vcshub runs it.

Git sends ``git-upload-pack '/group/repo.git'`` (or ``git upload-pack``), Mercurial sends
``hg -R group/repo serve --stdio``. The repository path means what it means over HTTP (the
``.git`` suffix optional, a leading ``/`` or ``~/`` ignored); anything else is refused with a
message the client shows its user.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from vcshub.transport.admission import PULL, PUSH, AccessWish
from vcshub.transport.errors import CommandRefused  # noqa: F401 - raised here, and named by callers

GIT_COMMANDS = {
    "git-upload-pack": PULL,
    "git-receive-pack": PUSH,
    "git-upload-archive": PULL,
}
HG_SERVE = "hg-serve"


@dataclass(frozen=True)
class SshCommand:
    service: str  # a key of GIT_COMMANDS, or HG_SERVE
    repo_name: str

    @property
    def kind(self) -> str:
        return "hg" if self.service == HG_SERVE else "git"

    def wish(self) -> AccessWish:
        if self.kind == "hg":
            # one hg session may pull and push: admitted as a pull that learns whether the
            # user may write; each write is checked when hg opens its transaction
            return AccessWish("hg", self.repo_name, PULL, probe_write=True)
        action = GIT_COMMANDS[self.service]
        return AccessWish(
            "git", self.repo_name, action,
            locks=self.service == "git-upload-pack",
            snapshot_refs=action == PUSH,
        )


def parse(command_line: str | None) -> SshCommand:
    if not command_line or not command_line.strip():
        raise CommandRefused(
            "no shell access here: use git or hg with an ssh:// URL of a repository"
        )
    try:
        words = shlex.split(command_line)
    except ValueError:
        raise CommandRefused("the command could not be read") from None
    if len(words) == 3 and words[0] == "git" and f"git-{words[1]}" in GIT_COMMANDS:
        words = [f"git-{words[1]}", words[2]]
    if len(words) == 2 and words[0] in GIT_COMMANDS:
        return SshCommand(words[0], _repo_name(words[1]))
    if len(words) == 5 and words[0] == "hg" and words[1] == "-R" and words[3:] == ["serve", "--stdio"]:
        return SshCommand(HG_SERVE, _repo_name(words[2]))
    shown = command_line.strip()[:80]
    raise CommandRefused(
        f"only git-upload-pack, git-receive-pack, git-upload-archive and "
        f"hg -R <repository> serve --stdio are served, not `{shown}`"
    )


def _repo_name(path: str) -> str:
    if path.startswith("~/"):
        path = path[2:]
    name = path.strip("/")
    if not name or "\x00" in name:
        raise CommandRefused("no repository named in the command")
    return name
