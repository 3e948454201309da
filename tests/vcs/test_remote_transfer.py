"""Clones and fetches from remotes run within limits (issue 14, defect 6): a remote that never
answers is given up after the stall limit, whatever the scheme, for git and hg alike; beyond
the cap on concurrent transfers a clone is refused at once, before connecting."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest

from tests.remote_servers import RedirectingServer, SilentServer
from vcshub.coordination import FileCoordination
from vcshub.vcs import CloneError, TransferLimits, TransferRefused, clone_repository
from vcshub.vcs.remote_transfer import transfer_slot

# Only a guard against a hang (the failure mode before the limits): never a timing assertion.
HANG_GUARD_SECONDS = 120

SCHEMES = {"git": ("http", "git", "ssh"), "hg": ("http", "ssh")}


def clone_in_thread(source: str, target, kind: str, limits: TransferLimits) -> list:
    outcome: list = []

    def run() -> None:
        try:
            clone_repository(source, target, kind, limits)
            outcome.append(None)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(HANG_GUARD_SECONDS)
    assert not worker.is_alive(), f"clone from {source} still running: no stall limit"
    return outcome


@pytest.mark.parametrize(
    "scheme", [pytest.param(s, id=s) for s in ("http", "git", "ssh")]
)
def test_silent_remote_is_given_up(kind, scheme, tmp_path):
    if scheme not in SCHEMES[kind]:
        pytest.skip(f"{kind} has no {scheme}:// transport")
    limits = TransferLimits(stall=2, timeout=60)
    target = tmp_path / "clone"
    with SilentServer() as remote:
        host = "git@127.0.0.1" if scheme == "ssh" else "127.0.0.1"
        (outcome,) = clone_in_thread(remote.url(scheme, host), target, kind, limits)
        assert remote.count >= 1  # it did reach the remote, which never answered
    assert isinstance(outcome, CloneError)
    assert f"{kind} clone" in str(outcome)  # names what failed, with the tool's reason
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_overall_deadline(kind, tmp_path):
    """A transfer that keeps the stall watchdog happy still ends at the deadline; here the
    deadline is the shorter limit."""
    limits = TransferLimits(stall=60, timeout=2)
    with SilentServer() as remote:
        (outcome,) = clone_in_thread(remote.url(), tmp_path / "clone", kind, limits)
    assert isinstance(outcome, CloneError)


def test_transfers_beyond_the_cap_are_refused_at_once(kind, tmp_path):
    limits = TransferLimits(max_concurrent=2)
    with SilentServer() as remote, transfer_slot(limits), transfer_slot(limits):
        (outcome,) = clone_in_thread(remote.url(), tmp_path / "clone", kind, limits)
        assert isinstance(outcome, TransferRefused)
        assert "too many remote operations in progress" in str(outcome)
        assert remote.count == 0  # refused before connecting
    # the places are given back
    with transfer_slot(limits), transfer_slot(limits):
        pass


PINS = {
    "git": dict(
        url="git://example.invalid/repo",
        limits=lambda port: dict(
            rewrites=(("git://example.invalid/", f"git://127.0.0.1:{port}/"),)
        ),
    ),
    "http": dict(
        url="http://example.invalid:{port}/repo",
        limits=lambda port: dict(pinned=(f"example.invalid:{port}:127.0.0.1",)),
    ),
    "ssh": dict(
        url="ssh://git@example.invalid:{port}/repo",
        limits=lambda port: dict(ssh_address=("example.invalid", "127.0.0.1")),
    ),
}


@pytest.mark.parametrize("scheme", ["git", "http", "ssh"])
def test_transfers_go_to_the_checked_address(kind, scheme, tmp_path):
    """The host policy's pins: the name (which resolves nowhere) is not looked up again, the
    connection goes to the address that was checked."""
    if kind == "hg" and scheme != "ssh":
        pytest.skip("hg is guarded at connection time instead")
    pin = PINS[scheme]
    with SilentServer() as remote:
        limits = TransferLimits(stall=2, public_only=True, **pin["limits"](remote.port))
        (outcome,) = clone_in_thread(
            pin["url"].format(port=remote.port), tmp_path / "clone", kind, limits
        )
        assert remote.count >= 1
    assert isinstance(outcome, CloneError)


def test_hg_connects_to_public_addresses_only(tmp_path):
    """What a redirect or a second name-server answer could lead to is refused inside hg."""
    with SilentServer() as remote:
        limits = TransferLimits(stall=30, public_only=True)
        (outcome,) = clone_in_thread(remote.url(), tmp_path / "clone", "hg", limits)
        assert remote.count == 0
    assert isinstance(outcome, CloneError)
    assert "not allowed" in str(outcome)


def test_redirects_are_not_followed_for_users(kind, tmp_path):
    """A public server could redirect to a private address: callers held to public addresses
    get no redirects (git) or are refused at connection time (hg)."""
    with SilentServer() as private, RedirectingServer(f"http://127.0.0.1:{private.port}") as hop:
        limits = TransferLimits(stall=30, public_only=True)
        source = f"http://127.0.0.1:{hop.port}/repo"
        if kind == "git":  # the first hop itself is allowed here (hg's guard would refuse it)
            (outcome,) = clone_in_thread(source, tmp_path / "clone", kind, limits)
            assert isinstance(outcome, CloneError)
        assert private.count == 0
        # without the restriction the redirect is followed: the test can see a redirect
        open_limits = TransferLimits(stall=2)
        (outcome,) = clone_in_thread(source, tmp_path / "clone2", kind, open_limits)
        assert private.count >= 1


def test_the_cap_holds_across_processes(tmp_path):
    """With the installation's places (a coordination semaphore, as the server gives), a
    transfer held by another process (several worker processes) counts too, and its death
    frees the place (both backends: tests/coordination)."""
    limits = TransferLimits(max_concurrent=1,
                            slots=FileCoordination(tmp_path).semaphore("remote-slots", 1).slot)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import pathlib, time
        from vcshub.coordination import FileCoordination
        from vcshub.vcs.remote_transfer import TransferLimits, transfer_slot
        slots = FileCoordination(pathlib.Path({str(tmp_path)!r})).semaphore("remote-slots", 1)
        with transfer_slot(TransferLimits(max_concurrent=1, slots=slots.slot)):
            print("held", flush=True)
            time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(TransferRefused):
            with transfer_slot(limits):
                pass
    finally:
        holder.kill()
        holder.wait()
    with transfer_slot(limits):  # the dead process's place is free
        pass
