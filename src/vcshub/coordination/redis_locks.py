"""The Redis backend: every process of every node that shares the repository directory and
``redis_url`` sees the same locks.

Every lease has a TTL and is renewed while its holder lives (:mod:`lease_renewal`), so that a
dead holder's mutex, place or leadership expires after at most the TTL.

Redis away (stopped, unreachable) is answered as "not now", never as a crash: a mutex, a place
or the leadership is not obtained (a push is told to come back later, housekeeping waits for
the next push), nothing counts as pending bookkeeping (requests are served, perhaps a moment
before a push's journal entry is written), and a release that cannot be sent is left to the
TTL. The readiness check (``/_admin/health``) names Redis, so the load balancer stops sending
requests to a node that cannot reach it. The scripts are in
:mod:`redis_scripts`. Repositories are named by their path under the repository directory,
the same on every node whatever its mount point.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import redis

from vcshub.coordination import redis_scripts
from vcshub.coordination.interface import BookkeepingMarks, Coordination, Leadership, Semaphore
from vcshub.coordination.lease_renewal import LeaseRenewal

log = logging.getLogger(__name__)
RETRY = 0.05  # seconds between attempts of a lock that waits
AWAY = redis.RedisError  # connection refused, timeout, a server that answers with an error


def _away(what: str) -> None:
    log.warning("Redis is not reachable (%s): answered as not now", what, exc_info=True)


def _token() -> str:
    return secrets.token_hex(16)


class _Scripts:
    def __init__(self, client: redis.Redis) -> None:
        self.shared = client.register_script(redis_scripts.SHARED)
        self.exclusive = client.register_script(redis_scripts.EXCLUSIVE)
        self.place = client.register_script(redis_scripts.PLACE)
        self.renew_member = client.register_script(redis_scripts.RENEW_MEMBER)
        self.renew_key = client.register_script(redis_scripts.RENEW_KEY)
        self.release_key = client.register_script(redis_scripts.RELEASE_KEY)
        self.live = client.register_script(redis_scripts.LIVE)
        self.any_live = client.register_script(redis_scripts.ANY_LIVE)


class RedisLeadership(Leadership):
    def __init__(self, owner: RedisCoordination, key: str) -> None:
        self._owner, self._key = owner, key
        self._token: str | None = None
        self._lease: int | None = None
        self._lock = threading.Lock()  # the jobs' loops ask from several threads

    def leads(self) -> bool:
        with self._lock:
            try:
                return self._leads()
            except AWAY:
                _away("leadership")
                return False

    def _leads(self) -> bool:
        o = self._owner
        if self._token is not None:
            if o.scripts.renew_key(keys=[self._key], args=[self._token, o.ttl_ms]):
                return True
            self._forget()  # expired (a long pause): someone else may lead now
        token = _token()
        if not o.client.set(self._key, token, nx=True, px=o.ttl_ms):
            return False
        self._token = token
        self._lease = o.renewal.keep(lambda: bool(
            o.scripts.renew_key(keys=[self._key], args=[token, o.ttl_ms])))
        return True

    def resign(self) -> None:
        with self._lock:
            if self._token is not None:
                with contextlib.suppress(AWAY):  # else the TTL frees it
                    self._owner.scripts.release_key(keys=[self._key], args=[self._token])
                self._forget()

    def _forget(self) -> None:
        if self._lease is not None:
            self._owner.renewal.drop(self._lease)
        self._token = self._lease = None


class RedisSemaphore(Semaphore):
    def __init__(self, owner: RedisCoordination, key: str, size: int) -> None:
        self._owner, self._key, self._size = owner, key, size

    @contextlib.contextmanager
    def slot(self) -> Iterator[bool]:
        o, token = self._owner, _token()
        try:
            placed = o.scripts.place(keys=[self._key], args=[token, o.ttl_ms, self._size])
        except AWAY:
            _away("remote-transfer slot")
            placed = False
        if not placed:
            yield False
            return
        with o.member_lease(self._key, token):
            yield True


class RedisBookkeepingMarks(BookkeepingMarks):
    def __init__(self, owner: RedisCoordination, key: str) -> None:
        self._owner, self._key = owner, key

    def begin(self) -> object:
        o, token = self._owner, _token()
        try:
            o.scripts.place(keys=[self._key], args=[token, o.ttl_ms, 2**31])
        except AWAY:
            _away("bookkeeping mark")
            return None
        return token, o.renewal.keep(lambda: bool(
            o.scripts.renew_member(keys=[self._key], args=[token, o.ttl_ms])))

    def end(self, mark: object) -> None:
        if mark is None:
            return
        token, lease = mark
        self._owner.renewal.drop(lease)
        with contextlib.suppress(AWAY):  # else the TTL ends it
            self._owner.client.zrem(self._key, token)

    def pending(self) -> bool:
        return bool(self.announced())

    def announced(self) -> frozenset:
        try:
            return frozenset(self._owner.scripts.live(keys=[self._key]))
        except AWAY:
            _away("bookkeeping marks")
            return frozenset()

    def still_pending(self, marks: frozenset) -> bool:
        try:
            return bool(marks) and bool(
                self._owner.scripts.any_live(keys=[self._key], args=list(marks)))
        except AWAY:
            return False


class RedisCoordination(Coordination):
    def __init__(self, url: str, repos_dir: Path, *, prefix: str = "vcshub:",
                 ttl: float = 30.0) -> None:
        self.client = redis.Redis.from_url(url)
        self.scripts = _Scripts(self.client)
        self.ttl_ms = max(1, int(ttl * 1000))
        self.renewal = LeaseRenewal(ttl / 3)
        self._prefix = prefix
        self._repos_dir = repos_dir.resolve()
        self._marks = RedisBookkeepingMarks(self, prefix + "bookkeeping")

    def _repository(self, folder: Path) -> str:
        folder = folder.resolve()
        name = folder.relative_to(self._repos_dir) if folder.is_relative_to(self._repos_dir) else folder
        return f"{self._prefix}repo:{name}"

    @contextlib.contextmanager
    def member_lease(self, key: str, token: str) -> Iterator[None]:
        """Keep ``token``'s membership of ``key`` renewed for the block, then remove it."""
        lease = self.renewal.keep(lambda: bool(
            self.scripts.renew_member(keys=[key], args=[token, self.ttl_ms])))
        try:
            yield
        finally:
            self.renewal.drop(lease)
            with contextlib.suppress(AWAY):  # else the TTL ends it
                self.client.zrem(key, token)

    def _attempts(self, script, keys: list[str], token: str, timeout: float | None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while not script(keys=keys, args=[token, self.ttl_ms]):
                if deadline is not None and time.monotonic() >= deadline:
                    return False
                time.sleep(RETRY)
        except AWAY:
            _away("repository mutex")
            return False
        return True

    @contextlib.contextmanager
    def exclusive(self, folder: Path, timeout: float | None) -> Iterator[bool]:
        base, token = self._repository(folder), _token()
        key = base + ":exclusive"
        if not self._attempts(self.scripts.exclusive, [key, base + ":shared"], token, timeout):
            yield False
            return
        lease = self.renewal.keep(lambda: bool(
            self.scripts.renew_key(keys=[key], args=[token, self.ttl_ms])))
        try:
            yield True
        finally:
            self.renewal.drop(lease)
            with contextlib.suppress(AWAY):  # else the TTL ends it
                self.scripts.release_key(keys=[key], args=[token])

    @contextlib.contextmanager
    def shared(self, folder: Path, timeout: float | None) -> Iterator[bool]:
        base, token = self._repository(folder), _token()
        keys = [base + ":exclusive", base + ":shared"]
        if not self._attempts(self.scripts.shared, keys, token, timeout):
            yield False
            return
        with self.member_lease(keys[1], token):
            yield True

    def leadership(self, name: str) -> Leadership:
        return RedisLeadership(self, f"{self._prefix}leader:{name}")

    def semaphore(self, name: str, size: int) -> Semaphore:
        return RedisSemaphore(self, f"{self._prefix}slots:{name}", size)

    def bookkeeping_marks(self) -> BookkeepingMarks:
        return self._marks

    def close(self) -> None:
        self.renewal.stop()
        self.client.close()
