"""The model a worker serves, and its replacement without downtime.

Workers never read the operator's model folder directly. Each accepted version of it is
copied into the server's own state folder first and verified there (card, SHA-256,
versions, arrays); only a copy that passes becomes a numbered generation. Workers load
generations, so every worker serves the same verified bytes, a worker started late (or
restarted) loads the last good generation even while the operator's folder is half-written,
and a folder that fails verification is refused while the current model keeps serving.

A reload is taken by whichever worker receives the request: it records the new generation
in a file the workers share, and every other worker loads it within `FOLLOW_SECONDS`. Within
a worker the new model replaces the old in one assignment, so a request is scored wholly by
one of them.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from farmscore.atomic_files import write_text_atomic
from farmscore.model.card import ModelVerificationError
from farmscore.model.length_bands import BAND_NAMES
from farmscore.model.verdict import Policy
from farmscore.scoring import Scorer
from farmscore.serve.logs import server_logger
from farmscore.serve.settings import ServeSettings

FOLLOW_SECONDS = 0.5


class ServeStateError(RuntimeError):
    """The server's own state folder holds something the server did not write there."""


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
            "thresholds_by_band": {
                band: round(self.scorer.threshold_for(index), 6)
                for index, band in enumerate(BAND_NAMES)
            },
            "policy": self.scorer.policy,
            "generation": self.generation,
        }


def publish_generation(settings: ServeSettings) -> ServedModel:
    """Copy the operator's model folder into the state folder, verify the copy, and make it
    the next generation (0 at start). Raises `ModelVerificationError`, publishing nothing,
    when the copy fails verification; whatever it raises, it leaves no staged copy behind."""
    generations = settings.generations_folder
    generations.mkdir(parents=True, exist_ok=True)
    with _ExclusiveLock(generations / "reload.lock"):
        staged = Path(tempfile.mkdtemp(prefix=".staged-", dir=generations))
        try:
            scorer = _verified_copy(settings, staged)
            latest = _read_generation(settings.generation_file)
            generation = 0 if latest is None else latest + 1
            published = _generation_folder(settings, generation)
            # Left by a publish that died before recording it, so no worker has loaded it.
            shutil.rmtree(published, ignore_errors=True)
            os.replace(staged, published)
        finally:
            shutil.rmtree(staged, ignore_errors=True)  # already gone once published
        scorer.folder = published
        _write_generation(settings.generation_file, generation)
        _remove_older_than(settings, generation - 1)
    return ServedModel(scorer, generation)


def _verified_copy(settings: ServeSettings, staged: Path) -> Scorer:
    """The scorer of a copy of the operator's folder made in `staged`, verified after
    copying: what passed is exactly what the workers will load."""
    try:
        _copy_files(Path(settings.model_folder), staged)
        return Scorer.load(staged, threshold=settings.threshold, policy=served_policy(settings))
    except OSError as error:
        raise ModelVerificationError(f"cannot copy {settings.model_folder}: {error}") from None


class ModelSlot:
    """Holds the served model of this worker; `reload` publishes a new generation for every
    worker, `follow_reloads` keeps this worker up with generations published by others."""

    def __init__(self, settings: ServeSettings) -> None:
        self._settings = settings
        self._stop = threading.Event()
        self.current = self._latest()

    def _latest(self, attempts: int = 3) -> ServedModel:
        """The newest published generation, loaded. A reload can remove the generation just
        read before it is loaded; the one after it is then newer still."""
        for _ in range(attempts):
            generation = _read_generation(self._settings.generation_file)
            if generation is None:
                raise RuntimeError(
                    f"no model generation in {self._settings.state_folder}: start the server "
                    "with `farmscore serve`"
                )
            if _generation_folder(self._settings, generation).is_dir():
                try:
                    return ServedModel(self._load(generation), generation)
                except (ModelVerificationError, OSError):
                    # Removed while loading (a published copy is never changed otherwise).
                    continue
        raise RuntimeError(f"the model generations in {self._settings.state_folder} vanished")

    def _load(self, generation: int) -> Scorer:
        folder = _generation_folder(self._settings, generation)
        return Scorer.load(
            folder, threshold=self._settings.threshold, policy=served_policy(self._settings)
        )

    def reload(self) -> ServedModel:
        """Publish the operator's folder as a new generation and serve it here; raises
        `ModelVerificationError` when it fails verification; the current model stays
        whatever it raises."""
        self.current = publish_generation(self._settings)
        return self.current

    def follow_reloads(self) -> None:
        """Until `stop`: load each newer generation another worker published."""
        while not self._stop.wait(FOLLOW_SECONDS):
            try:
                generation = _read_generation(self._settings.generation_file)
            except ServeStateError as error:
                # The worker keeps its model, and follows again once the file is readable.
                server_logger().warning(
                    "could not read the published generation; the current model keeps serving",
                    extra={"fields": {"reason": str(error)}},
                )
                continue
            if generation is None or generation <= self.current.generation:
                continue
            try:
                self.current = ServedModel(self._load(generation), generation)
            except (ModelVerificationError, OSError) as error:
                # A newer generation may have replaced this one meanwhile; try it next time.
                server_logger().warning(
                    "could not load a published generation; the previous model keeps serving",
                    extra={"fields": {"generation": generation, "reason": str(error)}},
                )
                continue
            server_logger().info("model reloaded", extra={"fields": self.current.info()})

    def stop(self) -> None:
        self._stop.set()


class _ExclusiveLock:
    """An exclusive lock on `path` across processes: two reloads at once would both read
    generation g and both publish g + 1."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd = -1

    def __enter__(self) -> None:
        self._fd = os.open(self._path, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)


def _copy_files(source: Path, target: Path) -> None:
    """The files of a model folder (a card and its model file; no subfolders). A symbolic link
    is refused, as `Scorer.load` refuses one: copying it would copy whatever it points at."""
    if not source.is_dir():
        raise ModelVerificationError(f"{source} is not a folder")
    for path in source.iterdir():
        if path.is_symlink():
            raise ModelVerificationError(
                f"{path} is a symbolic link; a model folder holds its files itself"
            )
        if path.is_file():
            shutil.copyfile(path, target / path.name)


def _generation_folder(settings: ServeSettings, generation: int) -> Path:
    return settings.generations_folder / f"generation-{generation:06d}"


def _remove_older_than(settings: ServeSettings, oldest_kept: int) -> None:
    # The previous generation stays: a worker may be loading it at this moment.
    for generation in range(max(0, oldest_kept - 1), oldest_kept):
        shutil.rmtree(_generation_folder(settings, generation), ignore_errors=True)


def _read_generation(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return int(json.loads(text)["generation"])
    except (ValueError, KeyError, TypeError) as error:
        raise ServeStateError(
            f"{path} does not hold a generation number ({type(error).__name__}: {error}); "
            "the server writes it and nothing else should: restart the server"
        ) from None


def _write_generation(path: Path, generation: int) -> None:
    write_text_atomic(path, json.dumps({"generation": generation}))


def served_policy(settings: ServeSettings) -> Policy:
    """The server's default policy, as the scorer takes it."""
    return "machine" if settings.policy == "machine" else "farm"
