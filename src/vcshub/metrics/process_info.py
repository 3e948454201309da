"""Process figures for every live process of the node, read at scrape time.

prometheus-client's own process collector describes only the process it runs in, and is not
available in multiprocess mode; the scraping process therefore reads each live worker's
figures from /proc (Linux; elsewhere only the version and the process count are given),
labelled by process id: ``vcshub_process_resident_memory_bytes{pid="..."}`` and so on, plus
``vcshub_info{version}`` and ``vcshub_processes``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from prometheus_client import ProcessCollector
from prometheus_client.core import GaugeMetricFamily, Metric

PREFIX = "vcshub_"


class ProcessInfo:
    def __init__(self, pids: Iterable[int], version: str) -> None:
        self._pids = sorted(pids)
        self._version = version

    def collect(self) -> Iterator[Metric]:
        info = GaugeMetricFamily(f"{PREFIX}info", "The vcshub version this node runs", labels=["version"])
        info.add_metric([self._version], 1)
        yield info
        yield GaugeMetricFamily(f"{PREFIX}processes", "Live processes of this node that serve requests",
                                value=len(self._pids))
        families: dict[str, Metric] = {}
        for pid in self._pids:
            # registry=None: a reader for this one collection, registered nowhere
            reader = ProcessCollector(namespace="", pid=lambda pid=pid: pid, registry=None)
            for family in reader.collect():
                target = families.get(family.name)
                if target is None:
                    target = Metric(PREFIX + family.name, family.documentation, family.type)
                    families[family.name] = target
                for sample in family.samples:
                    target.add_sample(PREFIX + sample.name, {**sample.labels, "pid": str(pid)},
                                      sample.value)
        yield from families.values()
