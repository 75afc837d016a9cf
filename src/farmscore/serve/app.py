"""The FastAPI application: `POST /v1/score`, health, readiness, metrics and reload.

Scoring is CPU work in Python. It runs in one thread per worker process, off the event loop,
so `/healthz` and `/readyz` answer while a large batch scores; requests beyond the one being
scored wait their turn, and any that waits or scores past `timeout_seconds` is answered 503.
A request whose client goes away is cancelled as soon as the server sees the connection close,
so an abandoned batch does not hold the scoring thread.
"""

from __future__ import annotations

import asyncio
import hmac
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from farmscore import __version__
from farmscore.model.card import ModelVerificationError
from farmscore.serve.guard import RequestGuard
from farmscore.serve.logs import server_logger
from farmscore.serve.metrics import CONTENT_TYPE, ServeMetrics
from farmscore.serve.model_slot import ModelSlot
from farmscore.serve.schema import ErrorResponse, ScoreRequest, ScoreResponse
from farmscore.serve.scoring import ScoredRequest, ScoringCancelledError, score_request
from farmscore.serve.settings import ServeSettings, reload_token

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "The body is not JSON."},
    413: {"model": ErrorResponse, "description": "Body or document count over the limit."},
    422: {"model": ErrorResponse, "description": "The JSON does not have the expected shape."},
    503: {"model": ErrorResponse, "description": "Scoring did not finish in time."},
}
# nginx's status for a client that closed its connection before the answer: no client reads
# it, but the request log and the metrics count it.
CLIENT_CLOSED_REQUEST = 499


class ClientDisconnectedError(Exception):
    """The client closed its connection before its documents were scored."""


def app_from_environment() -> FastAPI:
    """The application for a worker process started by `farmscore serve`."""
    return create_app(ServeSettings.from_environment())


def create_app(settings: ServeSettings) -> FastAPI:
    metrics = ServeMetrics(settings.metrics_folder)
    slot: ModelSlot | None = None
    scoring_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="farmscore-scoring")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        nonlocal slot
        slot = await run_in_threadpool(ModelSlot, settings)
        metrics.generation.set(slot.current.generation)
        follower = threading.Thread(
            target=slot.follow_reloads, name="farmscore-reloads", daemon=True
        )
        follower.start()
        # The serve benchmark counts these lines to know every worker takes connections.
        server_logger().info("worker ready", extra={"fields": slot.current.info()})
        try:
            yield
        finally:
            slot.stop()
            scoring_thread.shutdown(wait=False, cancel_futures=True)
            metrics.worker_exited()

    app = FastAPI(
        title="farmscore",
        version=__version__,
        summary="Tell substantive articles from content-farm pages, with reasons.",
        lifespan=lifespan,
        # The interactive pages load their scripts from a CDN, so offline they are blank; the
        # schema they would render stays at /openapi.json.
        docs_url=None,
        redoc_url=None,
    )

    def served() -> ModelSlot:
        if slot is None:
            raise HTTPException(503, "the model is not loaded yet")
        return slot

    @app.post(
        "/v1/score",
        response_model=ScoreResponse,
        responses=ERRORS,
        summary="Score articles",
        description="Each document gets a calibrated score, a label and the reasons for it, "
        "in input order; one that cannot be scored gets an `error` in its place.",
    )
    async def score(payload: ScoreRequest, request: Request) -> Response:
        request.state.documents = len(payload.documents)
        if len(payload.documents) > settings.max_documents:
            metrics.errors.labels(kind="too_many_documents").inc()
            return _error(
                413,
                f"{len(payload.documents):,} documents in one request; the limit is "
                f"{settings.max_documents:,}: split them over several requests",
            )
        model = served().current
        scorer = model.scorer
        if payload.threshold is not None or payload.policy is not None:
            scorer = scorer.with_settings(threshold=payload.threshold, policy=payload.policy)
        cancelled = threading.Event()
        job = scoring_thread.submit(
            score_request, scorer, payload.documents, payload.reasons, cancelled
        )
        try:
            outcome = await _scored_while_connected(job, request, settings.timeout_seconds)
        except TimeoutError:
            _cancel(job, cancelled, request, reason="timeout")
            metrics.errors.labels(kind="timeout").inc()
            return _error(
                503,
                f"scoring took longer than {settings.timeout_seconds:g} s (waiting included); "
                "send fewer documents per request or retry later",
            )
        except ClientDisconnectedError:
            _cancel(job, cancelled, request, reason="client_disconnected")
            metrics.errors.labels(kind="client_disconnected").inc()
            return _error(CLIENT_CLOSED_REQUEST, "the client closed the connection")
        metrics.documents.labels(outcome="scored").inc(len(outcome.results) - outcome.errors)
        if outcome.errors:
            metrics.documents.labels(outcome="error").inc(outcome.errors)
        for label, count in outcome.labels.items():
            metrics.labels.labels(label=label).inc(count)
        return JSONResponse({"model": model.info(), "results": outcome.results})

    # HEAD too: load balancers and uptime checks probe with it.
    @app.api_route("/healthz", methods=["GET", "HEAD"], summary="The process is up")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.api_route(
        "/readyz",
        methods=["GET", "HEAD"],
        summary="The model is loaded and verified",
        responses={503: {}},
    )
    async def readyz() -> Response:
        if slot is None:
            return _error(503, "the model is not loaded yet")
        return JSONResponse({"status": "ready", "model": slot.current.info()})

    @app.get("/metrics", summary="Prometheus metrics of every worker")
    async def prometheus() -> Response:
        return Response(await run_in_threadpool(metrics.render), media_type=CONTENT_TYPE)

    @app.post(
        "/v1/admin/reload",
        summary="Load the model folder again",
        description="Needs `Authorization: Bearer <FARMSCORE_RELOAD_TOKEN>`. The folder is "
        "verified before it replaces the served model; a folder that fails is refused (409). "
        "A reload that fails for any other reason answers 500 with the reason. Either way "
        "the current model keeps serving and no copy of the folder is left behind. Every "
        "worker follows a reload within a second.",
        responses={
            401: {"model": ErrorResponse},
            403: {"model": ErrorResponse},
            409: {"model": ErrorResponse, "description": "The folder failed verification."},
            500: {"model": ErrorResponse, "description": "The reload failed otherwise."},
        },
    )
    async def reload(request: Request) -> Response:
        expected = reload_token()
        if expected is None:
            return _error(
                403,
                "reloading over HTTP is off: start the server with "
                "FARMSCORE_RELOAD_TOKEN set in its environment",
            )
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
            return _error(401, "a reload needs the header Authorization: Bearer <token>")
        current = served()
        try:
            model = await run_in_threadpool(current.reload)
        except ModelVerificationError as error:
            metrics.reloads.labels(outcome="refused").inc()
            server_logger().error("reload refused", extra={"fields": {"reason": str(error)}})
            return JSONResponse(
                {
                    "error": f"the model folder was refused: {error}",
                    "model": current.current.info(),
                },
                status_code=409,
            )
        except Exception as error:
            # Not the folder's fault (the state folder, the disk, memory): answered here, with
            # the model still served, rather than as an anonymous internal error.
            metrics.reloads.labels(outcome="failed").inc()
            server_logger().error(
                "reload failed", exc_info=error, extra={"fields": {"reason": str(error)}}
            )
            return JSONResponse(
                {
                    "error": f"the reload failed ({type(error).__name__}: {error}); the "
                    "current model keeps serving and the server log has the details",
                    "model": current.current.info(),
                },
                status_code=500,
            )
        metrics.reloads.labels(outcome="accepted").inc()
        metrics.generation.set(model.generation)
        server_logger().info("model reloaded", extra={"fields": model.info()})
        return JSONResponse({"status": "reloaded", "model": model.info()})

    @app.exception_handler(RequestValidationError)
    async def shape_error(request: Request, error: RequestValidationError) -> Response:
        problems = error.errors()
        if any(problem.get("type") == "json_invalid" for problem in problems):
            metrics.errors.labels(kind="bad_json").inc()
            return _error(400, "the body is not valid JSON; send a JSON object")
        content_type = request.headers.get("content-type", "")
        if "json" not in content_type and any(p.get("loc") == ("body",) for p in problems):
            # FastAPI reads a body as JSON only when it says it is.
            metrics.errors.labels(kind="bad_json").inc()
            return _error(
                400,
                f"the body was sent as {content_type or 'no content type'!r}; send a JSON "
                "object with Content-Type: application/json",
            )
        metrics.errors.labels(kind="bad_shape").inc()
        fields = [
            {
                "field": ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
                or "body",
                "message": str(problem.get("msg", "")),
            }
            for problem in problems
        ]
        named = ", ".join(f"{field['field']}: {field['message']}" for field in fields[:3])
        return JSONResponse(
            {"error": f"the request does not have the expected shape ({named})", "fields": fields},
            status_code=422,
        )

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, error: HTTPException) -> Response:
        return _error(error.status_code, str(error.detail))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, error: Exception) -> Response:
        metrics.errors.labels(kind="internal").inc()
        server_logger().error(
            "internal error",
            exc_info=error,
            extra={"fields": {"request_id": getattr(request.state, "request_id", None)}},
        )
        return _error(500, "internal error; the server log has the details")

    metrics.known_paths = frozenset(getattr(route, "path", "") for route in app.routes)
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes, metrics=metrics)
    return app


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _scored_while_connected(
    job: Future[ScoredRequest], request: Request, timeout_seconds: float
) -> ScoredRequest:
    """The outcome of `job`. Raises `TimeoutError` after `timeout_seconds`, and
    `ClientDisconnectedError` as soon as the client closes its connection; a job still
    waiting for the scoring thread is then dropped from its queue."""
    scoring = asyncio.wrap_future(job)
    disconnected = asyncio.ensure_future(_until_disconnected(request))
    try:
        done, _ = await asyncio.wait(
            (scoring, disconnected),
            timeout=timeout_seconds,
            return_when=asyncio.FIRST_COMPLETED,
        )
    finally:
        disconnected.cancel()
        scoring.cancel()
    if scoring in done:
        return scoring.result()
    if disconnected in done:
        raise ClientDisconnectedError
    raise TimeoutError


async def _until_disconnected(request: Request) -> None:
    """Returns once the client has closed its connection. `RequestGuard` has read the whole
    body already, so the server's next message is the disconnect."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _cancel(
    job: Future[ScoredRequest], cancelled: threading.Event, request: Request, reason: str
) -> None:
    """Tell the scoring thread to stop `job`, and log once it has let go: how long stopping
    took and how many documents were scored for nobody."""
    cancelled.set()
    asked = time.perf_counter()
    fields = {
        "request_id": request.state.request_id,
        "reason": reason,
        "documents": request.state.documents,
    }

    def log_stop(stopped: Future[ScoredRequest]) -> None:
        fields["documents_scored"] = _documents_scored(stopped)
        fields["stop_ms"] = round((time.perf_counter() - asked) * 1000, 2)
        server_logger().info("scoring stopped", extra={"fields": fields})

    job.add_done_callback(log_stop)


def _documents_scored(job: Future[ScoredRequest]) -> int | None:
    """Documents a cancelled `job` scored before it stopped; None if it failed instead."""
    if job.cancelled():
        return 0  # still queued when cancelled: it never started
    error = job.exception()
    if error is None:
        outcome = job.result()  # it finished as it was cancelled
        return len(outcome.results) - outcome.errors
    return error.scored if isinstance(error, ScoringCancelledError) else None
