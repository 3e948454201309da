"""What a vcshub node measures, and the calls adapters make to record it.

Every label takes few values, or the scrape (and each process's metric file) would grow
without bound: request ``kind`` is one of :data:`KINDS`; ``operation`` is an API method name
the registry knows (else ``unknown``), a git service or hg wire command (both from closed
lists, see transport/requests.py), or empty for pages; git/hg operations are clone, fetch or
push.

The instruments exist in every process; they only cost anything where something records into
them. With ``PROMETHEUS_MULTIPROC_DIR`` set (``vcshub serve`` with metrics on, see
:mod:`vcshub.metrics.exposition`) each process writes its own file, and one scrape adds them.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import Counter, Gauge, Histogram

# the ASGI scope key under which a request's labels are filled in by the endpoints
SCOPE_KEY = "vcshub.metrics"

API, WEB, GIT, HG, STATIC, PROBE = "api", "web", "git", "hg", "static", "probe"
KINDS = (API, WEB, GIT, HG, STATIC, PROBE)
CLONE, FETCH, PUSH = "clone", "fetch", "push"
UNKNOWN_METHOD = "unknown"

# Seconds: an API call or a page takes milliseconds, a clone of a big repository minutes.
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

HTTP_REQUESTS = Counter(
    "vcshub_http_requests_total",
    "HTTP requests answered, by kind (api, web, git, hg, static, probe), operation and status class",
    ["kind", "operation", "status"],
)
HTTP_SECONDS = Histogram(
    "vcshub_http_request_seconds",
    "Time from a request's arrival to the end of its answer, by kind and operation",
    ["kind", "operation"],
    buckets=_BUCKETS,
)
VCS_OPERATIONS = Counter(
    "vcshub_vcs_operations_total",
    "git and hg clones, fetches and pushes, by vcs, transport (http, ssh) and operation",
    ["vcs", "transport", "operation"],
)
SSH_SESSIONS = Counter(
    "vcshub_ssh_sessions_total", "SSH sessions served, by vcs (git, hg, none: refused)", ["vcs"]
)
SSH_SECONDS = Histogram(
    "vcshub_ssh_session_seconds", "Length of SSH sessions, by vcs", ["vcs"], buckets=_BUCKETS
)
# Sampled in every process by exposition.sample_gauges; the scrape adds the live processes'.
QUEUE_LENGTH = Gauge(
    "vcshub_queue_length",
    "Work waiting in a node's in-process queues (search-index, housekeeping), all processes added",
    ["queue"],
    multiprocess_mode="livesum",
)


@dataclass
class RequestLabels:
    """Filled in by the endpoint that serves a request; read by the middleware at its end."""

    kind: str
    operation: str = ""


def label_request(scope: dict, kind: str, operation: str) -> None:
    """Say what a request was (an endpoint calls it); nothing when metrics are off."""
    labels = scope.get(SCOPE_KEY)
    if labels is not None:
        labels.kind = kind
        labels.operation = operation


def vcs_operation(vcs: str, transport: str, operation: str | None) -> None:
    """Count one clone, fetch or push (None: the exchange sent no pack, nothing to count)."""
    if operation is not None:
        VCS_OPERATIONS.labels(vcs, transport, operation).inc()


def ssh_session(vcs: str, seconds: float) -> None:
    SSH_SESSIONS.labels(vcs).inc()
    SSH_SECONDS.labels(vcs).observe(seconds)
