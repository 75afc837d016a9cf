"""Prometheus metrics, added up over every worker process.

Each worker writes its counts to files in one shared folder (prometheus_client's
multiprocess mode) and `/metrics`, whichever worker answers it, reads them all. The folder
must be set before prometheus_client is first imported, which is why the import is here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

# Latency buckets in seconds: a short text scores in milliseconds, a batch of long pages in
# seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class ServeMetrics:
    """The server's counters and histograms; `render` gives the Prometheus text of all
    workers together."""

    def __init__(self, folder: Path) -> None:
        # Paths are labels only when the application routes them (`app` fills this in): a
        # scan of random URLs must not create one time series per URL.
        self.known_paths: frozenset[str] = frozenset()
        folder.mkdir(parents=True, exist_ok=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
        from prometheus_client import Counter, Gauge, Histogram

        self._folder = folder
        self.requests = Counter(
            "farmscore_requests_total", "HTTP requests answered.", ["path", "status"]
        )
        self.latency = Histogram(
            "farmscore_request_duration_seconds",
            "Time from a request's arrival to its response.",
            ["path"],
            buckets=LATENCY_BUCKETS,
        )
        self.documents = Counter(
            "farmscore_documents_total", "Documents received for scoring.", ["outcome"]
        )
        self.labels = Counter("farmscore_labels_total", "Documents labelled, by label.", ["label"])
        self.errors = Counter("farmscore_errors_total", "Errors answered, by kind.", ["kind"])
        self.reloads = Counter(
            "farmscore_model_reloads_total", "Model reloads, accepted or refused.", ["outcome"]
        )
        self.generation = Gauge(
            "farmscore_model_generation",
            "Reloads since the server started, in the worker that has seen the most.",
            multiprocess_mode="max",
        )

    def observe_request(self, path: str, status: int, seconds: float) -> None:
        label = path if path in self.known_paths else "other"
        self.requests.labels(path=label, status=str(status)).inc()
        self.latency.labels(path=label).observe(seconds)

    def render(self) -> bytes:
        from prometheus_client import CollectorRegistry, generate_latest, multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=str(self._folder))  # type: ignore[no-untyped-call]
        rendered: Any = generate_latest(registry)
        return bytes(rendered)

    def worker_exited(self) -> None:
        """Drop this process's live gauge files, as prometheus_client asks of a worker that
        ends."""
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid(), path=str(self._folder))  # type: ignore[no-untyped-call]
