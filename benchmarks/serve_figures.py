"""The serve section's figures: whether a response answers the request that was sent, and the
row that a cell of (workers, concurrent clients, documents per request) makes of its requests.
Pure: no sockets and no processes, so that every rule here can be tested on its own."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.timing import percentile, rate_per_second

# Kinds of error, counted by name in each row. A response's:
NOT_JSON = "not_json"
NO_RESULTS = "no_results"
WRONG_RESULT_COUNT = "wrong_result_count"
WRONG_IDS = "wrong_ids"
DOCUMENT_ERROR = "document_error"
# ...and a request that got no response at all:
TIMEOUT = "timeout"
CONNECTION = "connection"


def status_error(status: int) -> str:
    """The error kind of an HTTP status other than 200: `status_503`."""
    return f"status_{status}"


def check_response(status: int, body: bytes, sent_ids: Sequence[str]) -> str | None:
    """None when a response answers its request in full: status 200, a JSON object whose
    `results` hold one result per document sent, with the ids sent in the order sent, none
    of them an `error`. Otherwise the kind of error, one of the names above.

    >>> check_response(200, b'{"results": [{"id": "a", "score": 0.1}]}', ["a"]) is None
    True
    >>> check_response(200, b'{"results": []}', ["a"])
    'wrong_result_count'
    """
    if status != 200:
        return status_error(status)
    try:
        payload = json.loads(body)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
        return NOT_JSON
    results = payload.get("results") if isinstance(payload, dict) else None
    if not isinstance(results, list):
        return NO_RESULTS
    if len(results) != len(sent_ids):
        return WRONG_RESULT_COUNT
    if not all(isinstance(result, dict) for result in results):
        return NO_RESULTS
    if [result.get("id") for result in results] != list(sent_ids):
        return WRONG_IDS
    if any("error" in result for result in results):
        return DOCUMENT_ERROR
    return None


@dataclass(frozen=True)
class RequestOutcome:
    """One timed request: seconds from sending it to reading the whole response (None when
    no response came), the documents it carried, and its error kind (None: a complete,
    correct answer)."""

    seconds: float | None
    documents: int
    error: str | None


@dataclass(frozen=True)
class ServeRow:
    """One cell: `clients` keep-alive clients, each sending `docs_per_request` documents per
    request, against `farmscore serve --workers {workers}`, for `seconds` of wall clock."""

    workers: int
    clients: int
    docs_per_request: int
    seconds: float
    requests: int
    # Documents in complete, correct answers; errors count for nothing here.
    documents_scored: int
    docs_per_s: float
    requests_per_s: float
    # Over every request that got a response, errors included (a 503 after 30 s must show).
    latency_ms_p50: float | None
    latency_ms_p99: float | None
    latency_ms_max: float | None
    errors: int
    error_kinds: dict[str, int]
    # CPU the clients took (this harness process) over the wall clock: the cores they took
    # from the server's share of the machine.
    client_cpu_seconds: float
    client_cpu_cores: float


def serve_row(
    workers: int,
    clients: int,
    docs_per_request: int,
    seconds: float,
    client_cpu_seconds: float,
    outcomes: Sequence[RequestOutcome],
) -> ServeRow:
    """The row of one cell from its timed requests, its wall-clock `seconds` and the CPU
    seconds its clients took."""
    latencies_ms = [o.seconds * 1000 for o in outcomes if o.seconds is not None]
    error_kinds = Counter(o.error for o in outcomes if o.error is not None)
    scored = sum(o.documents for o in outcomes if o.error is None)

    def latency(fraction: float) -> float | None:
        return percentile(latencies_ms, fraction) if latencies_ms else None

    return ServeRow(
        workers=workers,
        clients=clients,
        docs_per_request=docs_per_request,
        seconds=seconds,
        requests=len(outcomes),
        documents_scored=scored,
        docs_per_s=rate_per_second(scored, seconds),
        requests_per_s=rate_per_second(len(outcomes), seconds),
        latency_ms_p50=latency(0.50),
        latency_ms_p99=latency(0.99),
        latency_ms_max=max(latencies_ms, default=None),
        errors=sum(error_kinds.values()),
        error_kinds=dict(sorted(error_kinds.items())),
        client_cpu_seconds=client_cpu_seconds,
        client_cpu_cores=rate_per_second(client_cpu_seconds, seconds),
    )


@dataclass(frozen=True)
class ServerRun:
    """One `farmscore serve --workers N` the section started: seconds until `/readyz`
    answered 200, workers that logged themselves ready, and how it ended."""

    workers: int
    ready_seconds: float
    workers_ready_logged: int
    # After SIGTERM: 0, or 143 (128 + SIGTERM) when uvicorn runs the only worker itself.
    exit_code: int | None
    # True when SIGTERM was not enough within the grace period and the group was killed.
    killed: bool


@dataclass(frozen=True)
class ServeResult:
    """Every cell of every worker count, and what the clients sent."""

    texts: str
    real_texts: bool
    distinct_texts: int
    # Untimed warm-up requests included; above distinct_texts, texts were sent again.
    documents_sent: int
    cell_seconds: float
    cell_max_requests: int
    servers: list[ServerRun]
    rows: list[ServeRow]
    # The clients share the machine's cores with the server: read the rates beside these.
    load_average_1m_before: float
    load_average_1m_after: float
