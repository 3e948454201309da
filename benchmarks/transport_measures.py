"""Measuring for the transport benchmark: timed client commands with the server's CPU time,
result rows, alternation of the servers, load and memory readings."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from transport_baselines import cpu_seconds
from transport_repos import git_head, run


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def memory_mb(pid: int) -> tuple[float, float]:
    """The process's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return tuple(int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))


def memory_change(pid: int, before: tuple[float, float]) -> str:
    now, peak = memory_mb(pid)
    return (f"vcshub server memory: RSS {before[0]:.0f} -> {now:.0f} MB, "
            f"peak {before[1]:.0f} -> {peak:.0f} MB")



class Sample:
    """One timed client command: wall time, and the CPU time the server spent meanwhile."""

    def __init__(self, wall: float, server_cpu: float) -> None:
        self.wall, self.server_cpu = wall, server_cpu


def measure(args: list[str], server_pid: int) -> Sample:
    before = cpu_seconds(server_pid)
    began = time.perf_counter()
    run(args)
    wall = time.perf_counter() - began
    time.sleep(0.2)  # let the server reap its last child
    return Sample(wall, cpu_seconds(server_pid) - before)


@dataclass
class Row:
    what: str
    target: float | None  # None: shown for information
    baseline: list[Sample]
    vcshub: list[Sample]

    @property
    def ratio(self) -> float:
        return min(s.wall for s in self.vcshub) / min(s.wall for s in self.baseline)


def alternate(runs: int, *sides: Callable[[int], Sample]) -> list[list[Sample]]:
    """Every side ``runs`` times, each run in another order (a rotation, then reversed)."""
    samples: list[list[Sample]] = [[] for _ in sides]
    for i in range(runs):
        order = list(range(len(sides)))
        order = order[i % len(order):] + order[:i % len(order)]
        for side in order if i % 2 == 0 else reversed(order):
            samples[side].append(sides[side](i))
    return samples


def walls(samples: list[Sample]) -> str:
    return "/".join(f"{s.wall:.2f}" for s in samples)


def print_rows(rows: list[Row]) -> bool:
    """The closing table, one row per comparison; whether any missed its target."""
    print(f"{'':<15} {'baseline':>9} {'vcshub':>9} {'ratio':>6} {'target':>8}  {'result':<6} "
          f"{'server CPU':>11} {'':>6}")
    failed = False
    for row in rows:
        ok = row.target is None or row.ratio <= row.target
        failed |= not ok
        base, ours = min(s.wall for s in row.baseline), min(s.wall for s in row.vcshub)
        target = "" if row.target is None else "<= " + format(row.target, ".2f")
        result = "info" if row.target is None else "PASS" if ok else "FAIL"
        print(f"{row.what:<15} {base:>8.2f}s {ours:>8.2f}s {row.ratio:>6.3f} "
              f"{target:>8}  {result:<6} "
              f"{min(s.server_cpu for s in row.baseline):>5.2f}s vs "
              f"{min(s.server_cpu for s in row.vcshub):.2f}s")
    return failed


def clone_together(url: str, targets: list[Path], head: str, env: dict
                   ) -> tuple[list[float], list[str], float]:
    """``git clone --bare`` of ``url`` into every target at once, a thread each: when each
    finished (seconds after the start), what went wrong, and the start."""
    finished: list[float] = [0.0] * len(targets)
    failures: list[str] = []
    began = time.perf_counter()

    def clone(i: int) -> None:
        result = subprocess.run(["git", "clone", "--quiet", "--bare", url, str(targets[i])],
                                env=env, capture_output=True, text=True, check=False)
        finished[i] = time.perf_counter() - began
        if result.returncode != 0:
            failures.append(f"clone {i} exited {result.returncode}: {result.stderr[-300:]}")
        elif git_head(targets[i]) != head:
            failures.append(f"clone {i} has the wrong master")

    threads = [threading.Thread(target=clone, args=(i,)) for i in range(len(targets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return finished, failures, began


def with_credentials(url: str, username: str, secret: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{quote(username, safe='')}:{quote(secret, safe='')}@{rest}"
