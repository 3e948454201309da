"""The one git environment and runner (vcs/git_command.py) that every git child process uses."""

from __future__ import annotations

import os
import time

import pytest

from vcshub.vcs import RepositoryError, create_repository
from vcshub.vcs import git_command
from vcshub.vcs.remote_transfer import TransferLimits, child_environment


def test_environment_drops_what_would_redirect_git(monkeypatch, tmp_path):
    for name in ("GIT_DIR", "GIT_OBJECT_DIRECTORY", "GIT_CONFIG_PARAMETERS", "GIT_AUTHOR_NAME",
                 "SSH_AUTH_SOCK", "GIT_SSH_COMMAND"):
        monkeypatch.setenv(name, "from-outside")
    monkeypatch.setenv("VCSHUB_KEPT", "yes")
    env = git_command.environment(GIT_PROTOCOL="version=2")
    assert not {"GIT_DIR", "GIT_OBJECT_DIRECTORY", "GIT_CONFIG_PARAMETERS", "GIT_AUTHOR_NAME",
                "SSH_AUTH_SOCK", "GIT_SSH_COMMAND"} & set(env)
    assert env["VCSHUB_KEPT"] == "yes" and env["GIT_PROTOCOL"] == "version=2"
    assert env["GIT_TERMINAL_PROMPT"] == "0" and env["LC_ALL"] == "C"
    # remote transfers: the same environment with the ssh client their limits allow
    remote = child_environment(TransferLimits(ssh_command="ssh -i key"), {"HGPLAIN": "1"})
    assert remote == {**git_command.environment(), "GIT_SSH_COMMAND": "ssh -i key", "HGPLAIN": "1"}


def test_run_ignores_an_inherited_git_dir(monkeypatch, tmp_path):
    repo = create_repository(tmp_path / "r.git", "git")
    decoy = create_repository(tmp_path / "decoy.git", "git")
    monkeypatch.setenv("GIT_DIR", str(decoy.path))
    out = git_command.run(["rev-parse", "--absolute-git-dir"], git_dir=repo.path)
    assert out.decode().strip() == os.path.realpath(repo.path)


def test_run_failure_names_the_command_and_git_words(tmp_path):
    repo = create_repository(tmp_path / "r.git", "git")
    with pytest.raises(RepositoryError, match=r"^git rev-parse failed: fatal: Needed a single revision$"):
        git_command.run(["-c", "core.quotePath=false", "rev-parse", "--verify", "no-such-rev"],
                        git_dir=repo.path)


def test_run_timeout_stops_git_and_its_helpers():
    started = time.monotonic()
    # an alias runs a shell, which runs sleep: a hanging command with a child of its own
    with pytest.raises(RepositoryError, match=r"^git hang timed out after 0.5s"):
        git_command.run(["-c", "alias.hang=!sleep 30", "hang"], timeout=0.5)
    assert time.monotonic() - started < 10


def test_stream_yields_output_and_raises_on_failure(tmp_path):
    repo = create_repository(tmp_path / "r.git", "git")
    assert b"".join(git_command.stream(["version"])).startswith(b"git version")
    with pytest.raises(RepositoryError, match=r"^git archive failed: "):
        b"".join(git_command.stream(["archive", "--format=tar", "no-such-rev"],
                                    git_dir=repo.path))
