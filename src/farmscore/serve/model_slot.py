"""The model a worker serves, and its replacement without downtime.

A reload loads the model folder again and verifies it (card, SHA-256, versions, arrays)
while the current model keeps serving; only a model that passes replaces it, in one
assignment, so a request is scored wholly by the old model or wholly by the new.

Workers are separate processes. The one that takes the reload request records a new
generation in a file the workers share; every other worker notices it within
`FOLLOW_SECONDS` and loads the folder itself.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from farmscore.artifacts import ModelVerificationError
from farmscore.scoring import Scorer
from farmscore.serve.logs import server_logger
from farmscore.serve.settings import ServeSettings

FOLLOW_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class ServedModel:
    """A verified scorer and the generation it belongs to (0: loaded at start)."""

    scorer: Scorer
    generation: int

    def info(self) -> dict[str, Any]:
        card = self.scorer.card
        return {
            "name": card.name,
            "sha256": card.model_file.sha256,
            "threshold": round(self.scorer.threshold, 6),
            "generation": self.generation,
        }


class ModelSlot:
    """Holds the served model of this worker; `reload` replaces it for every worker,
    `follow_reloads` keeps this worker up with reloads taken by the others."""

    def __init__(self, settings: ServeSettings) -> None:
        self._settings = settings
        self._stop = threading.Event()
        self._refused_generation = -1
        self.current = ServedModel(self._load(), _read_generation(settings.generation_file))

    def _load(self) -> Scorer:
        return Scorer.load(self._settings.model_folder, threshold=self._settings.threshold)

    def reload(self) -> ServedModel:
        """Load and verify the model folder again; on success serve it here and tell the
        other workers. Raises `ModelVerificationError` (the current model stays) otherwise."""
        with _ExclusiveLock(self._settings.generation_file.with_suffix(".lock")):
            scorer = self._load()
            generation = _read_generation(self._settings.generation_file) + 1
            _write_generation(self._settings.generation_file, generation)
            self.current = ServedModel(scorer, generation)
        return self.current

    def follow_reloads(self) -> None:
        """Until `stop`: load the folder again whenever another worker recorded a newer
        generation. A folder that fails verification here is logged and skipped."""
        while not self._stop.wait(FOLLOW_SECONDS):
            generation = _read_generation(self._settings.generation_file)
            if generation <= self.current.generation or generation == self._refused_generation:
                continue
            try:
                self.current = ServedModel(self._load(), generation)
            except ModelVerificationError as error:
                self._refused_generation = generation
                server_logger().error(
                    "reload refused in this worker; the previous model keeps serving",
                    extra={"fields": {"generation": generation, "reason": str(error)}},
                )
                continue
            server_logger().info("model reloaded", extra={"fields": self.current.info()})

    def stop(self) -> None:
        self._stop.set()


class _ExclusiveLock:
    """An exclusive lock on `path` across processes: two reloads at once would both read
    generation g and both write g + 1."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd = -1

    def __enter__(self) -> None:
        self._fd = os.open(self._path, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)


def _read_generation(path: Path) -> int:
    try:
        return int(json.loads(path.read_text(encoding="utf-8"))["generation"])
    except FileNotFoundError:
        return 0


def _write_generation(path: Path, generation: int) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"generation": generation}), encoding="utf-8")
    os.replace(temporary, path)
