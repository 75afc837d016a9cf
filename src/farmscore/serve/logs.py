"""One JSON object per log line, for the server's own events and uvicorn's."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

ACCESS_LOGGER = "farmscore.serve.access"
SERVER_LOGGER = "farmscore.serve"


class JsonFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", ...fields}`; the fields come from
    `extra={"fields": {...}}`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_config(level: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` for uvicorn and farmscore: JSON lines on standard
    error. uvicorn's own access log is off; `farmscore.serve.access` writes one line per
    request instead, with the request id, documents and milliseconds."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "farmscore": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
        },
    }


def server_logger() -> logging.Logger:
    return logging.getLogger(SERVER_LOGGER)


def access_logger() -> logging.Logger:
    return logging.getLogger(ACCESS_LOGGER)
