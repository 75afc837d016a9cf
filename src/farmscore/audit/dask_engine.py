# distributed ships type hints but leaves Client, LocalCluster and Future's methods
# unannotated; every function of this module is annotated, so this only admits those calls.
# mypy: disallow-untyped-calls=False
"""The audit on a Dask distributed cluster (`farmscore audit --engine dask`).

The driver (this process) reads the inputs in order, exactly as the local engine does, and
cuts the stream into partitions of documents; the texts travel to the workers inside the
tasks, so workers need farmscore installed but no file system shared with the driver. Each
worker loads the model once, from a worker plugin registered for the audit, and scores each of
its partitions into the same rows, typed table and flagged documents as the local engine
(`farmscore.audit.run.audit_part`). The driver takes the parts back in input order, hands each
table to `on_part` (which writes it) and keeps only what the report needs.

At most `IN_FLIGHT_PER_THREAD` partitions per worker thread are submitted and not yet
collected, so the driver's memory does not grow with the size of the crawl beyond the report's
few columns per document.

Only the command line imports this module, and only for `--engine dask`: it needs the `dask`
extra (`pip install 'farmscore[dask]'`).
"""

from __future__ import annotations

import contextlib
import itertools
import pickle
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dask
import pandas as pd
from distributed import Client, Future, LocalCluster, Worker, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from farmscore.audit.run import (
    TOP_FLAGGED,
    AuditItem,
    AuditResult,
    FlaggedTally,
    PartAudit,
    PendingDocument,
    audit_items,
    audit_part,
)
from farmscore.features.extractor import feature_names
from farmscore.model.card import ModelVerificationError, installed_versions, version_mismatch
from farmscore.scoring import Scorer, model_feature_names

# Topic of the event each worker logs on the scheduler when it has loaded the model
# (`Client.get_events(MODEL_LOADED_EVENT)`): one per worker and audit.
MODEL_LOADED_EVENT = "farmscore-model-loaded"
# Partitions per worker thread submitted but not yet collected: one running and one queued
# keeps every thread busy while the driver's memory holds only a few partitions.
IN_FLIGHT_PER_THREAD = 2
# Reruns of a partition whose task raised; a worker that dies is replaced by the scheduler
# itself (up to `distributed.scheduler.allowed-failures` times) before a partition fails.
TASK_RETRIES = 2
# How long an existing cluster may take to have a worker before the audit gives up.
WORKER_WAIT_S = 60.0


class ClusterError(RuntimeError):
    """The cluster could not be reached, or could not score a partition."""


@dataclass(frozen=True, slots=True)
class AuditPartition:
    """Consecutive items of the input, the first at position `start` (0-based)."""

    number: int
    start: int
    items: list[AuditItem]

    def describe(self) -> str:
        """Which documents these are, for an error message."""
        first = self.items[0]
        doc_id, path = (
            (first.id, first.path)
            if isinstance(first, PendingDocument)
            else (first["id"], first["path"])
        )
        return (
            f"partition {self.number} (documents {self.start + 1:,} to "
            f"{self.start + len(self.items):,}, the first {doc_id!r} in {path})"
        )


def partitions(items: Iterable[AuditItem], size: int) -> Iterator[AuditPartition]:
    """`items` cut into partitions of `size` (the last one shorter), lazily."""
    if size < 1:
        raise ValueError(f"partition size must be 1 or more, got {size}")
    iterator = iter(items)
    start = 0
    for number in itertools.count():
        chunk = list(itertools.islice(iterator, size))
        if not chunk:
            return
        yield AuditPartition(number, start, chunk)
        start += len(chunk)


@contextlib.contextmanager
def dask_client(scheduler: str | None, n_workers: int) -> Iterator[Client]:
    """A client of the cluster whose scheduler is at `scheduler` (e.g. tcp://10.0.0.5:8786),
    or, without one, of a cluster of `n_workers` single-threaded worker processes on this
    machine, started here and closed on the way out. The connection timeout is Dask's
    (`distributed.comm.timeouts.connect`)."""
    # Dask keeps its last 1,000 messages under 1 MB each for debugging: each submitted
    # partition among them, texts and all, which would grow the driver by up to a gigabyte.
    with dask.config.set({"distributed.admin.low-level-log-length": 0}):
        if scheduler is None:
            with _local_client(n_workers) as client:
                yield client
        else:
            with _remote_client(scheduler) as client:
                yield client


@contextlib.contextmanager
def _local_client(n_workers: int) -> Iterator[Client]:
    # One thread per process: scoring is Python code that holds the GIL.
    with (
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            # The scheduler serves HTTP (health, metrics) whatever this says: on a free local
            # port, so another cluster on 8787 draws no warning and nothing listens outside.
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@contextlib.contextmanager
def _remote_client(scheduler: str) -> Iterator[Client]:
    try:
        client = Client(scheduler)
    except (OSError, ValueError) as error:  # TimeoutError is an OSError
        raise ClusterError(
            f"cannot reach the Dask scheduler at {scheduler}: {error}; check the address "
            "(tcp://HOST:8786) and that `dask scheduler` is running there"
        ) from error
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_S)
        except TimeoutError as error:
            raise ClusterError(
                f"the Dask scheduler at {scheduler} has had no worker for {WORKER_WAIT_S:.0f} s; "
                f"start some with `dask worker {scheduler} --nthreads 1`"
            ) from error
        yield client


def run_dask_audit(
    paths: Iterable[str],
    scorer: Scorer,
    client: Client,
    *,
    partition_size: int,
    on_part: Callable[[pd.DataFrame], None],
    exclude: Path | None = None,
    follow_links: bool = False,
    on_rows: Callable[[int], None] | None = None,
    top: int = TOP_FLAGGED,
) -> AuditResult:
    """Audit every document under `paths` on `client`'s cluster, `partition_size` documents
    per task. Each part's table (every row, every column, typed as `result_frame` types them)
    goes to `on_part` in input order; `on_rows` gets the number of rows in each part, for a
    progress bar. The result holds the summary columns of every row (`rows_complete` False),
    the flagged documents and the reason counts: exactly what the local engine reports.

    A partition whose task still fails after `TASK_RETRIES` reruns stops the audit with a
    `ClusterError` naming its documents: rows are never dropped silently."""
    result = AuditResult(scorer.name, scorer.threshold, feature_names(), rows_complete=False)
    flagged = FlaggedTally(scorer.threshold, top)
    run = secrets.token_hex(4)
    plugin_name = f"farmscore-model-{run}"
    in_flight: deque[tuple[AuditPartition, Future[PartAudit]]] = deque()

    def collect_oldest() -> None:
        partition, future = in_flight.popleft()
        try:
            part = future.result()
        except Exception as error:
            raise ClusterError(
                f"{partition.describe()} failed on the cluster after {TASK_RETRIES} retries: "
                f"{type(error).__name__}: {error}; no results were written. The worker's log "
                "says more."
            ) from error
        finally:
            future.release()
        on_part(part.frame)
        result.rows.extend(part.summary_rows)
        flagged.merge(part.flagged)
        if on_rows is not None:
            on_rows(len(part.summary_rows))

    try:
        # Inside the try: a worker that refuses the model leaves the plugin registered.
        client.register_plugin(ScorerPlugin(scorer), name=plugin_name)
        limit = max(1, IN_FLIGHT_PER_THREAD * sum(client.nthreads().values()))
        items = audit_items(paths, exclude=exclude, follow_links=follow_links)
        for partition in partitions(items, partition_size):
            while len(in_flight) >= limit:
                collect_oldest()
            future = client.submit(
                _audit_task,
                plugin_name,
                partition,
                top,
                key=f"farmscore-audit-{run}-{partition.number:06d}",
                retries=TASK_RETRIES,
            )
            in_flight.append((partition, future))
        while in_flight:
            collect_oldest()
    finally:
        if in_flight:
            client.cancel([future for _, future in in_flight])
        # The cluster may be gone (that may be why we are here): nothing left to free then.
        with contextlib.suppress(Exception):
            client.unregister_worker_plugin(plugin_name)
    result.flagged = flagged.best()
    result.borderline = flagged.best_borderline()
    result.reason_counts = flagged.reason_counts
    return result


class ScorerPlugin(WorkerPlugin):
    """Carries the audit's model to every worker of the cluster, including workers that join
    later, and loads it there once (in `setup`) for all the audit's tasks on that worker.

    The model travels pickled, with the versions it was made with: a worker checks its own
    farmscore, scikit-learn, numpy and Python against them before unpickling, as loading a
    model folder does, and refuses a model it cannot trust."""

    def __init__(self, scorer: Scorer) -> None:
        self.model_name = scorer.name
        self.payload = pickle.dumps(scorer, protocol=pickle.HIGHEST_PROTOCOL)
        self.model_versions = dict(scorer.card.versions)
        self.driver_farmscore = installed_versions()["farmscore"]
        self.scorer: Scorer | None = None

    def setup(self, worker: Worker) -> None:
        """Check this worker's libraries, then load the model."""
        started = time.perf_counter()
        problem = self._problem_here()
        if problem:
            raise ModelVerificationError(f"worker {worker.address}: {problem}")
        scorer = pickle.loads(self.payload)
        if not isinstance(scorer, Scorer) or list(scorer.model.feature_names) != (
            model_feature_names(scorer.model)
        ):
            raise ModelVerificationError(
                f"worker {worker.address}: its farmscore computes other features than model "
                f"{self.model_name!r}; install the driver's farmscore {self.driver_farmscore} there"
            )
        self.scorer = scorer
        self.payload = b""  # loaded: the pickled copy would only take memory
        worker.log_event(
            MODEL_LOADED_EVENT,
            {
                "worker": worker.address,
                "model": self.model_name,
                "seconds": round(time.perf_counter() - started, 3),
            },
        )

    def teardown(self, worker: Worker) -> None:
        """Drop the model when the audit unregisters the plugin."""
        self.scorer = None

    def _problem_here(self) -> str:
        here = installed_versions()
        if here["farmscore"] != self.driver_farmscore:
            return (
                f"farmscore {here['farmscore']} is installed here but the audit runs "
                f"{self.driver_farmscore}; install the same farmscore on every worker"
            )
        return version_mismatch(self.model_versions, here)


def _audit_task(plugin_name: str, partition: AuditPartition, top: int) -> PartAudit:
    """Runs on a worker: score one partition with the model its plugin loaded."""
    plugin = get_worker().plugins.get(plugin_name)
    if not isinstance(plugin, ScorerPlugin) or plugin.scorer is None:
        raise ClusterError(f"this worker has not loaded the audit's model ({plugin_name})")
    return audit_part(partition.items, plugin.scorer, start=partition.start, top=top)
