"""The serve section: `farmscore serve` on loopback under concurrent keep-alive HTTP clients.

For each worker count a server is started (serve_process.py). Each cell of (clients,
documents per request) then runs for a fixed time or a fixed number of requests, whichever
ends first. A client is a thread with its own `httpx.Client`, so its connection stays open
between requests. It sends one untimed request first (the warm-up: the connection opened,
the worker's lazily read word lists loaded), waits for the other clients, then sends real
articles until the cell ends. Every response is checked against the ids it was sent for
(serve_figures.py).
"""

from __future__ import annotations

import itertools
import os
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.documents import news_documents
from benchmarks.plan import Plan
from benchmarks.real_texts import HUMAN_ARTICLES, RealTextUnavailableError, load_real_texts
from benchmarks.serve_figures import (
    CONNECTION,
    TIMEOUT,
    RequestOutcome,
    ServeResult,
    ServeRow,
    ServerRun,
    check_response,
    serve_row,
)
from benchmarks.serve_process import ServerProcess
from benchmarks.suites import Progress, model_options

# Past the server's own 30 s default, which answers 503: a slow answer is the server's to give.
CLIENT_TIMEOUT_SECONDS = 60.0
# Every client reaches the start within one warm-up request; twice that is a hang.
START_TIMEOUT_SECONDS = 2 * CLIENT_TIMEOUT_SECONDS
# Without the shared corpora: generated articles at about the human articles' median length.
GENERATED_WORDS_PER_DOC = 660
GENERATED_DOCS = 2_000


@dataclass(frozen=True)
class ServeTexts:
    texts: list[str]
    description: str
    real: bool


def serve_texts(plan: Plan) -> ServeTexts:
    """The long human articles of the shared corpora at their own lengths, or, when those
    are absent, generated articles, saying so."""
    try:
        real = load_real_texts(plan.real_data_dir, plan.seed)
    except RealTextUnavailableError as error:
        documents = news_documents(GENERATED_DOCS, GENERATED_WORDS_PER_DOC, seed=plan.seed + 3)
        return ServeTexts(
            [doc.text for doc in documents],
            f"generated articles of {GENERATED_WORDS_PER_DOC} words, not real text: {error}",
            False,
        )
    stream = real.streams[HUMAN_ARTICLES]
    return ServeTexts(
        stream.whole(stream.texts_available or 0),
        f"human articles at their own lengths, {real.descriptions[HUMAN_ARTICLES]}",
        True,
    )


class TextSource:
    """Hands out (id, text) pairs to many client threads: the texts in order, each under an
    id of its own; the pool starts again when it runs out, since neither the server nor
    farmscore caches anything per text."""

    def __init__(self, texts: Sequence[str]) -> None:
        if not texts:
            raise ValueError("the serve section needs at least one text to send")
        self.distinct_texts = len(texts)
        self.documents_sent = 0
        self._texts = itertools.cycle(texts)
        self._lock = threading.Lock()

    def take(self, n_docs: int) -> list[tuple[str, str]]:
        with self._lock:
            first = self.documents_sent
            self.documents_sent += n_docs
            return [(f"doc-{first + k}", next(self._texts)) for k in range(n_docs)]


class RequestBudget:
    """Lets requests start until `seconds` have passed since `start()` or `max_requests`
    have started, whichever comes first; and keeps the cell's clocks, wall and CPU."""

    def __init__(self, seconds: float, max_requests: int) -> None:
        self.seconds = seconds
        self.max_requests = max_requests
        self.started_at: float | None = None
        self._cpu_started_at = 0.0
        self._given = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        self.started_at = time.perf_counter()
        # CPU of this whole process, every client thread: what the load itself costs.
        self._cpu_started_at = time.process_time()

    def take(self) -> bool:
        with self._lock:
            if self.started_at is None:
                raise RuntimeError("the budget was not started: call start() first")
            late = time.perf_counter() - self.started_at >= self.seconds
            if late or self._given >= self.max_requests:
                return False
            self._given += 1
            return True

    def elapsed(self) -> float:
        if self.started_at is None:
            raise RuntimeError("the budget was not started: call start() first")
        return time.perf_counter() - self.started_at

    def cpu_elapsed(self) -> float:
        return time.process_time() - self._cpu_started_at


def send(client: httpx.Client, documents: Sequence[tuple[str, str]]) -> RequestOutcome:
    """POST `documents` to /v1/score; the seconds until the whole response was read, and
    what the check of it found."""
    payload = {"documents": [{"id": doc_id, "text": text} for doc_id, text in documents]}
    started = time.perf_counter()
    try:
        response = client.post("/v1/score", json=payload)
    except httpx.TimeoutException:
        return RequestOutcome(None, len(documents), TIMEOUT)
    except httpx.TransportError:
        return RequestOutcome(None, len(documents), CONNECTION)
    seconds = time.perf_counter() - started
    sent_ids = [doc_id for doc_id, _ in documents]
    return RequestOutcome(
        seconds, len(documents), check_response(response.status_code, response.content, sent_ids)
    )


def run_client(
    base_url: str,
    source: TextSource,
    budget: RequestBudget,
    docs_per_request: int,
    start: threading.Barrier,
) -> list[RequestOutcome]:
    """One client: a warm-up request, the common start, then requests while the budget
    lasts, all on one keep-alive connection."""
    try:
        # Loopback only: proxies named in the environment must not see these requests.
        with httpx.Client(
            base_url=base_url, timeout=CLIENT_TIMEOUT_SECONDS, trust_env=False
        ) as client:
            send(client, source.take(docs_per_request))
            start.wait(START_TIMEOUT_SECONDS)
            outcomes = []
            while budget.take():
                outcomes.append(send(client, source.take(docs_per_request)))
            return outcomes
    except BaseException:
        start.abort()  # the other clients stop waiting for this one
        raise


def measure_cell(
    base_url: str,
    workers: int,
    clients: int,
    docs_per_request: int,
    source: TextSource,
    plan: Plan,
) -> ServeRow:
    """`clients` threads against the server at `base_url` until the cell's time or request
    count is spent; the wall clock runs from their common start to the last answer."""
    budget = RequestBudget(plan.serve_cell_seconds, plan.serve_cell_max_requests)
    start = threading.Barrier(clients, action=budget.start)
    with ThreadPoolExecutor(max_workers=clients, thread_name_prefix="serve-client") as pool:
        futures = [
            pool.submit(run_client, base_url, source, budget, docs_per_request, start)
            for _ in range(clients)
        ]
        outcomes = [outcome for future in futures for outcome in future.result()]
    return serve_row(
        workers, clients, docs_per_request, budget.elapsed(), budget.cpu_elapsed(), outcomes
    )


def row_line(row: ServeRow) -> str:
    """A cell's figures in one progress line."""
    return (
        f"{row.docs_per_s:,.1f} docs/s, p50 {row.latency_ms_p50 or 0:,.0f} ms, "
        f"p99 {row.latency_ms_p99 or 0:,.0f} ms, {row.errors} errors"
    )


def measure_serve(plan: Plan, progress: Progress) -> ServeResult:
    """Every worker count of the plan, a server each, every cell against it. Raises
    ServerStartError (serve_process.py) when a server does not become ready."""
    progress(f"serve: reading the texts to send from {plan.real_data_dir}")
    texts = serve_texts(plan)
    if not texts.real:
        progress(f"[yellow]serve:[/yellow] {texts.description}")
    source = TextSource(texts.texts)
    load_before = os.getloadavg()[0]
    servers: list[ServerRun] = []
    rows: list[ServeRow] = []
    with tempfile.TemporaryDirectory(prefix="farmscore-bench-serve-") as workdir:
        for workers in plan.serve_workers:
            log_path = Path(workdir) / f"serve-workers-{workers}.log"
            server = ServerProcess(workers, log_path, options=model_options(plan))
            progress(f"serve: starting `{server.command_line}`")
            with server:
                ready_seconds = server.wait_until_ready()
                for clients, docs_per_request in plan.serve_cells:
                    progress(
                        f"serve: --workers {workers}, {clients} clients × {docs_per_request} "
                        f"doc(s) per request for {plan.serve_cell_seconds:g} s"
                    )
                    row = measure_cell(
                        server.base_url, workers, clients, docs_per_request, source, plan
                    )
                    progress(f"serve: {row_line(row)}")
                    rows.append(row)
            servers.append(
                ServerRun(
                    workers=workers,
                    ready_seconds=ready_seconds,
                    workers_ready_logged=server.workers_ready_logged,
                    exit_code=server.exit_code,
                    killed=server.killed,
                )
            )
    return ServeResult(
        texts=texts.description,
        real_texts=texts.real,
        distinct_texts=source.distinct_texts,
        documents_sent=source.documents_sent,
        cell_seconds=plan.serve_cell_seconds,
        cell_max_requests=plan.serve_cell_max_requests,
        servers=servers,
        rows=rows,
        load_average_1m_before=load_before,
        load_average_1m_after=os.getloadavg()[0],
    )
