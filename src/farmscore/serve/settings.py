"""The options of `farmscore serve`, handed to every worker process through one environment
variable: uvicorn starts workers by importing the application, not by calling us."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

SETTINGS_VARIABLE = "FARMSCORE_SERVE_SETTINGS"
# The reload endpoint answers only to this bearer token; without one it is switched off.
TOKEN_VARIABLE = "FARMSCORE_RELOAD_TOKEN"

DEFAULT_MAX_BODY_BYTES = 10_000_000
DEFAULT_MAX_DOCUMENTS = 256
DEFAULT_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """What every worker needs to serve: where the model is, the limits, and the folder the
    workers share (Prometheus files, the model generation)."""

    model_folder: str
    state_folder: str
    threshold: float | None = None
    # "farm" or "machine" (`farmscore.model.verdict`): the policy a request gets by default.
    policy: str = "farm"
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_documents: int = DEFAULT_MAX_DOCUMENTS
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS

    def to_environment(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_environment(cls) -> ServeSettings:
        raw = os.environ.get(SETTINGS_VARIABLE)
        if raw is None:
            raise RuntimeError(
                f"{SETTINGS_VARIABLE} is not set: start the server with `farmscore serve`"
            )
        return cls(**json.loads(raw))

    @property
    def generations_folder(self) -> Path:
        """Verified copies of the model folder, one per generation (`model_slot`)."""
        return Path(self.state_folder) / "models"

    @property
    def generation_file(self) -> Path:
        return self.generations_folder / "generation.json"

    @property
    def metrics_folder(self) -> Path:
        return Path(self.state_folder) / "metrics"


def reload_token() -> str | None:
    """The reload token from the environment, or None when reloading over HTTP is off."""
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    return token or None
