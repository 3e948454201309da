"""One scrape for the whole node: the multiprocess directory, the gauge samplers, the text.

``vcshub serve`` runs several worker processes (uvicorn's, plus the SSH server's); a scrape
reaches one of them. With metrics on, the parent process wipes the node's directory
(``Settings.metrics_dir``: per host and port, so two nodes sharing a data dir never mix)
and names it in ``PROMETHEUS_MULTIPROC_DIR`` before any worker starts: prometheus-client
then keeps every process's figures in a file of its own there (:mod:`vcshub.metrics.directory`),
and the scrape adds them up. A worker that ends (stopped, or died and was replaced by uvicorn)
is marked dead: its counters stay in the totals, its gauges leave the sums. Workers mark themselves at shutdown;
the scrape also marks the ones that vanished without a word (killed), checking each file's
process id, which is safe because the directory belongs to this node alone.

Gauges of in-process queues are sampled in each process by a thread every
:data:`SAMPLE_SECONDS` (and by the scraping process right before its scrape): the queues'
owners register a reader with :func:`add_queue_sampler`. Figures that belong to the node or
the cluster rather than to one process (a broker's queue depth, say) are computed at scrape
time by collectors registered with :func:`add_scrape_collector` — the task runner's hook.
"""

from __future__ import annotations

import glob
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, ProcessCollector, generate_latest
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from vcshub import __version__
from vcshub.metrics.directory import multiprocess_dir
from vcshub.metrics.instruments import QUEUE_LENGTH

SAMPLE_SECONDS = 5.0
CONTENT_TYPE = CONTENT_TYPE_LATEST
_PID_FILE = re.compile(r"_(\d+)\.db$")

# queue name -> how long it is in this process (search-index, housekeeping, ...)
_QUEUE_SAMPLERS: dict[str, Callable[[], int]] = {}
# collectors run by the scraping process only (node- or cluster-wide figures)
_SCRAPE_COLLECTORS: list[Collector] = []


def add_queue_sampler(queue: str, length: Callable[[], int]) -> None:
    """Report ``length()`` as ``vcshub_queue_length{queue=...}``, summed over the node's
    processes. Call it once per process (app start)."""
    _QUEUE_SAMPLERS[queue] = length


def add_scrape_collector(collector: Collector) -> None:
    """Run ``collector`` at each scrape, in the scraping process only: for figures that are
    the same whichever process asks (e.g. the task broker's queue depth)."""
    if collector not in _SCRAPE_COLLECTORS:
        _SCRAPE_COLLECTORS.append(collector)


def sample_gauges() -> None:
    for queue, length in list(_QUEUE_SAMPLERS.items()):
        QUEUE_LENGTH.labels(queue).set(length())


class GaugeSampler:
    """This process's sampling thread (started and stopped with the application)."""

    def __init__(self, interval: float = SAMPLE_SECONDS) -> None:
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        sample_gauges()
        self._thread = threading.Thread(target=self._run, name="vcshub-metrics", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2 * self._interval)
        folder = multiprocess_dir()
        if folder:
            multiprocess.mark_process_dead(os.getpid(), folder)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            sample_gauges()


def scrape() -> bytes:
    """The node's metrics in Prometheus's text format."""
    sample_gauges()
    folder = multiprocess_dir()
    registry = CollectorRegistry()
    if folder:
        pids = _mark_vanished(folder)
        multiprocess.MultiProcessCollector(registry, path=folder)
    else:  # one process, no directory (an app built by hand): its own instruments
        from prometheus_client import REGISTRY as registry  # noqa: N811

        pids = {os.getpid()}
    extra = CollectorRegistry()
    extra.register(ProcessInfo(pids, __version__))
    for collector in list(_SCRAPE_COLLECTORS):
        extra.register(collector)
    return generate_latest(registry) + generate_latest(extra)


def _mark_vanished(folder: str) -> set[int]:
    """The serving processes that still run; the others are marked dead.

    A serving process is one with a live gauge file (each samples its queues from its start,
    and marking it dead removes the file): a dead one is looked at once, so a later process
    that happens to get its id is never taken for it.
    """
    alive: set[int] = set()
    for path in glob.glob(os.path.join(folder, "gauge_live*.db")):
        found = _PID_FILE.search(path)
        if found is None:
            continue
        pid = int(found.group(1))
        if pid in alive:
            continue
        if _running(pid):
            alive.add(pid)
        else:
            multiprocess.mark_process_dead(pid, folder)
    return alive


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process has the id: it runs
        return True
    return True


class ProcessInfo:
    """Process figures for every live process of the node, read at scrape time.

    prometheus-client's own process collector describes only the process it runs in, and is
    not available in multiprocess mode; the scraping process therefore reads each live
    process's figures from /proc (Linux; elsewhere only the version and the process count),
    labelled by process id: ``vcshub_process_resident_memory_bytes{pid="..."}`` and so on,
    plus ``vcshub_info{version}`` and ``vcshub_processes``.
    """

    def __init__(self, pids: Iterable[int], version: str) -> None:
        self._pids = sorted(pids)
        self._version = version

    def collect(self) -> Iterator[Metric]:
        info = GaugeMetricFamily("vcshub_info", "The vcshub version this node runs", labels=["version"])
        info.add_metric([self._version], 1)
        yield info
        yield GaugeMetricFamily("vcshub_processes", "Live processes of this node that serve requests",
                                value=len(self._pids))
        families: dict[str, Metric] = {}
        for pid in self._pids:
            # registry=None: a reader for this one collection, registered nowhere
            reader = ProcessCollector(namespace="", pid=lambda pid=pid: pid, registry=None)
            for family in reader.collect():
                target = families.get(family.name)
                if target is None:
                    target = Metric("vcshub_" + family.name, family.documentation, family.type)
                    families[family.name] = target
                for sample in family.samples:
                    target.add_sample("vcshub_" + sample.name, {**sample.labels, "pid": str(pid)},
                                      sample.value)
        yield from families.values()
