"""The outermost layer of every request: its id, the body-size limit, its log line and its
metrics.

The body is read here, whole and at most `max_body_bytes` of it, before the application
sees it: FastAPI turns any error raised while it reads a body into a 400, and a client that
sends too much must get a 413.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.responses import JSONResponse

from farmscore.serve.logs import access_logger
from farmscore.serve.metrics import ServeMetrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# A client's X-Request-ID is kept when it is a plain token, so logs can be joined with its
# own; anything else gets a fresh id.
_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")


class RequestGuard:
    """ASGI middleware: request ids, the body limit, one JSON log line and the metrics of
    each HTTP request."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, metrics: ServeMetrics) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope.get("headers") or [])
        request_id = _request_id(headers.get(b"x-request-id", b""))
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["documents"] = 0
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode("ascii")),
                ]
            await send(message)

        try:
            body = await self._read_body(headers, receive)
            if body is None:
                self.metrics.errors.labels(kind="too_large").inc()
                too_large = JSONResponse(
                    {
                        "error": f"the request body is over {self.max_body_bytes:,} bytes; "
                        "send fewer or shorter documents per request"
                    },
                    status_code=413,
                )
                await too_large(scope, receive, send_with_id)
                return
            await self.app(scope, _replay(body, receive), send_with_id)
        finally:
            seconds = time.perf_counter() - started
            self.metrics.observe_request(scope.get("path", ""), status, seconds)
            access_logger().info(
                "request",
                extra={
                    "fields": {
                        "request_id": request_id,
                        "method": scope.get("method"),
                        "path": scope.get("path"),
                        "status": status,
                        "documents": state.get("documents", 0),
                        "ms": round(seconds * 1000, 2),
                    }
                },
            )

    async def _read_body(self, headers: dict[bytes, bytes], receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it is known to be over the limit (by its
        Content-Length, or by what has arrived)."""
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            return None
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; the application sees an empty body
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            parts.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(parts)


def _request_id(given: bytes) -> str:
    text = given.decode("ascii", errors="replace")
    return text if _CLIENT_REQUEST_ID.fullmatch(text) else uuid.uuid4().hex


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive callable that gives the buffered body once, then waits on the real one
    (which reports a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
