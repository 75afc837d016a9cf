"""Fuzz stage: clients that hang up while `farmscore serve` scores their request.

A real server (one worker, then two) gets requests of up to 256 documents from clients that
close their connection after a random wait, some with a reset instead of a close, some two at
a time. Afterwards the server must still answer /healthz and an ordinary /v1/score, no worker
may have died or logged an error, and its JSON log must hold one `request` line per request
and, for each answered 499 (the client was gone), a `scoring stopped` line whose `stop_ms`
says how long the scoring thread took to let go.
"""

from __future__ import annotations

import json
import random
import socket
import struct
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from benchmarks.fuzz_report import Finding, FuzzReport
from benchmarks.hostile import prose
from benchmarks.serve_process import LOOPBACK, ServerProcess, ServerStartError
from farmscore.serve.settings import DEFAULT_MAX_DOCUMENTS

# One hung-up request per this many inputs of a campaign, and at least this many per server.
INPUTS_PER_REQUEST = 500
MIN_REQUESTS = 3
STOP_TARGET_MS = 500
CLIENT_CLOSED_REQUEST = 499
# How long a client waits before it hangs up: from before scoring starts to well into it (a
# request of 256 documents takes about 2 s to score on 2 cores; a small one is answered first).
HANG_UP_AFTER_S = (0.02, 0.6)
RESET_SHARE = 0.3  # hang up with a TCP reset, as a client that was killed
PAIR_SHARE = 0.3  # two clients at once, so that one waits for the scoring thread
HTML_SHARE = 0.1
STARTUP_S = 120.0
ANSWER_TIMEOUT_S = 60.0
LOG_WAIT_S = 30.0


@dataclass
class ServeOutcome:
    """What the server's log says of the hung-up requests."""

    statuses: dict[str, int] = field(default_factory=dict)  # by request id
    stop_ms: dict[str, float] = field(default_factory=dict)  # of requests answered 499


def request_body(rng: random.Random) -> bytes:
    """A /v1/score body of 1 to 256 documents of 50 to 2,000 words."""
    documents: list[dict[str, str]] = []
    for index in range(rng.randint(1, DEFAULT_MAX_DOCUMENTS)):
        text = prose(rng, rng.randint(50, 2_000))
        if rng.random() < HTML_SHARE:
            documents.append({"id": f"d{index}", "html": f"<html><body><p>{text}</p></body>"})
        else:
            documents.append({"id": f"d{index}", "text": text})
    return json.dumps({"documents": documents, "reasons": rng.randint(0, 5)}).encode()


def raw_request(port: int, request_id: str, body: bytes) -> bytes:
    head = (
        f"POST /v1/score HTTP/1.1\r\nHost: {LOOPBACK}:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"X-Request-Id: {request_id}\r\n\r\n"
    )
    return head.encode() + body


def hang_up(port: int, requests: dict[str, bytes], wait_s: float, reset: bool) -> None:
    """Send each request on a connection of its own, wait, and close them all."""
    with ExitStack() as connections:
        for request_id, body in requests.items():
            connection = connections.enter_context(
                socket.create_connection((LOOPBACK, port), timeout=ANSWER_TIMEOUT_S)
            )
            connection.sendall(raw_request(port, request_id, body))
            if reset:  # closing then sends RST, not FIN
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        time.sleep(wait_s)


def read_outcome(entries: list[dict[str, object]], request_ids: set[str]) -> ServeOutcome:
    """The status and stopping time the log gives each of `request_ids`."""
    outcome = ServeOutcome()
    for entry in entries:
        request_id = entry.get("request_id")
        if request_id not in request_ids or not isinstance(request_id, str):
            continue
        message, status, stop_ms = entry.get("message"), entry.get("status"), entry.get("stop_ms")
        if message == "request" and isinstance(status, int):
            outcome.statuses[request_id] = status
        elif message == "scoring stopped" and isinstance(stop_ms, int | float):
            outcome.stop_ms[request_id] = float(stop_ms)
    return outcome


def settled(outcome: ServeOutcome, request_ids: set[str]) -> bool:
    """Whether every request has its line, and every 499 its `scoring stopped` line."""
    cancelled = {r for r, status in outcome.statuses.items() if status == CLIENT_CLOSED_REQUEST}
    return set(outcome.statuses) == request_ids and cancelled <= set(outcome.stop_ms)


def wait_for_outcome(server: ServerProcess, request_ids: set[str]) -> ServeOutcome:
    """The log's account of the requests, waited for: a line is written once scoring has let
    go, which may be after the next request was sent."""
    deadline = time.monotonic() + LOG_WAIT_S
    outcome = read_outcome(server.log_entries(), request_ids)
    while not settled(outcome, request_ids) and time.monotonic() < deadline:
        time.sleep(0.2)
        outcome = read_outcome(server.log_entries(), request_ids)
    return outcome


def still_answers(server: ServerProcess, rng: random.Random) -> str | None:
    """None when the server answers /healthz and scores an ordinary request; else what
    went wrong."""
    try:
        health = httpx.get(f"{server.base_url}/healthz", timeout=ANSWER_TIMEOUT_S, trust_env=False)
        document = {"id": "after", "text": prose(rng, 200)}
        scored = httpx.post(
            f"{server.base_url}/v1/score",
            json={"documents": [document]},
            timeout=ANSWER_TIMEOUT_S,
            trust_env=False,
        )
    except httpx.HTTPError as error:
        return f"stopped answering: {type(error).__name__}: {error}"
    if health.status_code != 200 or scored.status_code != 200:
        return f"answered /healthz {health.status_code}, /v1/score {scored.status_code}"
    if [row.get("id") for row in scored.json().get("results", [])] != ["after"]:
        return f"scored an ordinary request wrongly: {scored.text[:200]}"
    return None


def log_problems(server: ServerProcess) -> list[str]:
    """Errors the log holds: a traceback, an error line, a worker started more than once."""
    text = server.log_path.read_text(encoding="utf-8", errors="replace")
    problems = []
    if "Traceback" in text:
        problems.append(f"a traceback in the log: {text[text.index('Traceback') :][:400]}")
    errors = [e for e in server.log_entries() if e.get("level") in ("error", "critical")]
    if errors:
        problems.append(f"{len(errors)} error lines in the log, first {str(errors[0])[:300]}")
    if server.count_ready_lines() > server.workers:
        problems.append(f"{server.count_ready_lines()} workers started for {server.workers}")
    return problems


def unaccounted_requests(outcome: ServeOutcome, request_ids: set[str]) -> list[str]:
    """Requests the log has no line for, and 499s without a `scoring stopped` line."""
    problems = []
    if unlogged := sorted(request_ids - set(outcome.statuses)):
        problems.append(f"{len(unlogged)} requests without a request line, first {unlogged[:3]}")
    cancelled = {r for r, status in outcome.statuses.items() if status == CLIENT_CLOSED_REQUEST}
    if unstopped := sorted(cancelled - set(outcome.stop_ms)):
        problems.append(f"{len(unstopped)} requests answered 499 without a scoring stopped line")
    return problems


def hang_up_on(server: ServerProcess, rng: random.Random, n_requests: int, prefix: str) -> set[str]:
    """Send `n_requests` requests and hang up on each; returns their ids."""
    request_ids: set[str] = set()
    while len(request_ids) < n_requests:
        together = 2 if rng.random() < PAIR_SHARE and n_requests - len(request_ids) > 1 else 1
        requests = {f"{prefix}-{len(request_ids) + i}": request_body(rng) for i in range(together)}
        hang_up(server.port, requests, rng.uniform(*HANG_UP_AFTER_S), rng.random() < RESET_SHARE)
        request_ids.update(requests)
    return request_ids


def fuzz_disconnects(
    rng: random.Random, n_inputs: int, workers: int, workdir: Path, report: FuzzReport
) -> None:
    way_in = f"disconnected clients serve --workers {workers}"
    n_requests = max(MIN_REQUESTS, n_inputs // INPUTS_PER_REQUEST)
    with ServerProcess(workers, workdir / f"serve-{workers}.log") as server:
        try:
            server.wait_until_ready(STARTUP_S)
        except ServerStartError as error:
            report.crashes.append(Finding(way_in, "start", str(error)[-600:]))
            return
        try:
            request_ids = hang_up_on(server, rng, n_requests, f"fuzz-gone-{workers}")
        except OSError as error:  # refused, or reset before the request was sent
            report.crashes.append(Finding(way_in, server.command_line, f"cannot send: {error}"))
            return
        report.inputs[way_in] += len(request_ids)
        unanswered = still_answers(server, rng)
        outcome = wait_for_outcome(server, request_ids)
        crashes = [unanswered] if unanswered else []
        crashes += log_problems(server)
    report.crashes.extend(Finding(way_in, server.command_line, problem) for problem in crashes)
    for problem in unaccounted_requests(outcome, request_ids):
        report.lost.append(Finding(way_in, server.command_line, problem))
    cancelled = list(outcome.stop_ms.values())
    report.figure(
        "disconnected clients",
        f"serve --workers {workers}",
        {
            "requests": len(request_ids),
            "stopped_while_scoring": len(cancelled),
            "answered_before_the_hang_up": sum(s == 200 for s in outcome.statuses.values()),
            "max_stop_ms": max(cancelled, default=None),
            "target_stop_ms": STOP_TARGET_MS,
        },
    )
