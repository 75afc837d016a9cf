"""Save and load a model folder (`model.npz` + `model_card.json`), and verify the card.

The model file holds numbers and strings only: numpy arrays read with `allow_pickle=False` and
one JSON string (`farmscore.model_arrays`). Loading it runs no code from the file, whatever
the file holds. `load_model_folder` first checks everything the card promises (format
version, the model file's size and SHA-256, library versions), then the archive's size and
members, then every array's dtype and shape and every tree's node links, and refuses with
`ModelVerificationError` at the first that fails. What the check guarantees: a folder that
loads scores with exactly the numbers its card's SHA-256 names, through farmscore's own code;
the SHA-256 tells a file changed on its own from its card, not a file and card changed
together, which is why nothing in the file is trusted to run.

Folders of card format 1 hold a pickle (`model.joblib`): they load only when asked with
`allow_pickle=True`, for a folder the caller made or trusts, because unpickling runs code.

Card format policy (the habit of skops' `io/_protocol.py`):

- `card_format_version` is bumped whenever a change must not be ignored by an older reader.
  Older known versions are upgraded step by step on read; newer ones are refused.
- Keys this code does not know, at the top level or inside a nested record, are kept in the
  record's `extra` and written back unchanged: an additive annotation from a newer farmscore
  or a person survives a read and re-save instead of being silently dropped.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import io
import json
import os
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

import farmscore

if TYPE_CHECKING:
    from farmscore.farm_model import FarmModel

CARD_FORMAT_VERSION = 2
MODEL_FILE_NAME = "model.npz"
CARD_FILE_NAME = "model_card.json"
# The model file of card format 1: a pickle, loaded only when the caller trusts it.
PICKLED_MODEL_FILE_NAME = "model.joblib"
# A model archive's limits: the shipped model has about 320 arrays and 20 MB unpacked, so a
# file past these is no model farmscore made, and is never unpacked.
MAX_MODEL_ARRAYS = 20_000
MAX_MODEL_UNPACKED_BYTES = 1 << 30
SHA256_CHUNK_BYTES = 1 << 20
MODEL_FOLDER_FILE_MODE = 0o644
RETRAIN_HINT = "retrain with `farmscore train`"

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"
MetricValue: TypeAlias = "float | str | dict[str, MetricValue]"
CardDict: TypeAlias = dict[str, JsonValue]
CardUpgrade: TypeAlias = Callable[[CardDict], CardDict]


def _card_1_to_2(card: CardDict) -> CardDict:
    """Format 2 stores the model as arrays (`model.npz`); a format 1 card keeps naming its
    pickle, which `load_model_folder` loads only when told to trust it."""
    return {**card, "card_format_version": 2}


# Step n upgrades a card dict of format n to format n + 1. An old step must never be laxer
# than the current checks, because a file picks its own version: the checks in
# `load_model_folder` run on the upgraded card, whatever it claimed.
_CARD_UPGRADES: Mapping[int, CardUpgrade] = MappingProxyType({1: _card_1_to_2})

_REQUIRED_VERSION_KEYS = ("farmscore", "scikit-learn", "numpy", "python")


class ModelVerificationError(ValueError):
    """A model folder that cannot be trusted or read; the message says what and what to do."""


class ModelVersionWarning(UserWarning):
    """A model loaded although library versions differ from the ones that made it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelFile:
    """The pickled model's file name, SHA-256 (hex) and size in bytes."""

    name: str = MODEL_FILE_NAME
    sha256: str = ""
    size_bytes: int = 0
    extra: dict[str, JsonValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingDataFile:
    """One file the model was trained on: its hash, row count and rows per source and label.

    `rows_by_source_and_label` keys are `"source|label"` (see `source_label_key`).
    """

    file: str
    sha256: str
    rows: int
    rows_by_source_and_label: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    extra: dict[str, JsonValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class DataSource:
    """A data set the model learned from, with its licence and the credit it asks for."""

    name: str
    licence: str
    credit: str
    extra: dict[str, JsonValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelCard:
    """What a model folder promises about its model; round-trips through `model_card.json`.

    `save_model_folder` fills `model_file`, `versions` and (when empty) `created`; a card
    read back from a folder equals the one `save_model_folder` returned.

    >>> import tempfile
    >>> card = ModelCard(name="demo", feature_names=("a",), threshold=0.5, threshold_rule="f1")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     saved = save_model_folder(Path(d), [0.5], card)
    ...     (read_card(Path(d)) == saved, saved.model_file.size_bytes > 0)
    (True, True)
    """

    name: str
    threshold: float
    threshold_rule: str
    feature_names: tuple[str, ...] = ()
    card_format_version: int = CARD_FORMAT_VERSION
    created: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    model_file: ModelFile = field(default_factory=ModelFile)
    training_data: tuple[TrainingDataFile, ...] = ()
    metrics: dict[str, MetricValue] = field(default_factory=dict)
    data_sources: tuple[DataSource, ...] = ()
    notes: tuple[str, ...] = ()
    extra: dict[str, JsonValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        clashes = sorted(set(self.extra) & _CARD_KEYS)
        if clashes:
            raise ValueError(f"card extra keys {clashes} clash with card fields; set the fields")

    def to_dict(self) -> CardDict:
        """The card as the JSON object written to `model_card.json`."""
        out: CardDict = dict(self.extra)
        out.update(
            {
                "card_format_version": self.card_format_version,
                "name": self.name,
                "created": self.created,
                "versions": dict(self.versions),
                "model_file": _model_file_to_dict(self.model_file),
                "training_data": [_training_file_to_dict(t) for t in self.training_data],
                "feature_names": list(self.feature_names),
                "threshold": self.threshold,
                "threshold_rule": self.threshold_rule,
                "metrics": _metrics_to_json(self.metrics),
                "data_sources": [_data_source_to_dict(s) for s in self.data_sources],
                "notes": list(self.notes),
            }
        )
        return out

    @classmethod
    def from_dict(cls, raw: object, *, where: str) -> ModelCard:
        """Parse a card of the current format; `where` names the file in error messages."""
        card = _as_object(raw, where)
        version = card.get("card_format_version")
        if version != CARD_FORMAT_VERSION or isinstance(version, bool):
            raise ModelVerificationError(
                f"{where}: card_format_version is {version!r}, expected {CARD_FORMAT_VERSION}"
            )
        return cls(
            card_format_version=CARD_FORMAT_VERSION,
            name=_get_str(card, "name", where),
            created=_get_created(card, where),
            versions=_get_versions(card, where),
            model_file=_model_file_from(_get(card, "model_file", where), f"{where}: model_file"),
            training_data=tuple(
                _training_file_from(item, f"{where}: training_data[{i}]")
                for i, item in enumerate(_get_list(card, "training_data", where))
            ),
            feature_names=_get_str_tuple(card, "feature_names", where),
            threshold=_get_threshold(card, where),
            threshold_rule=_get_str(card, "threshold_rule", where),
            metrics=_metrics_from(_get(card, "metrics", where), f"{where}: metrics"),
            data_sources=tuple(
                _data_source_from(item, f"{where}: data_sources[{i}]")
                for i, item in enumerate(_get_list(card, "data_sources", where))
            ),
            notes=_get_str_tuple(card, "notes", where),
            extra=_unknown(card, _CARD_KEYS),
        )


_CARD_KEYS = frozenset(
    {
        "card_format_version",
        "name",
        "created",
        "versions",
        "model_file",
        "training_data",
        "feature_names",
        "threshold",
        "threshold_rule",
        "metrics",
        "data_sources",
        "notes",
    }
)
_MODEL_FILE_KEYS = frozenset({"name", "sha256", "bytes"})
_TRAINING_FILE_KEYS = frozenset({"file", "sha256", "rows", "rows_by_source_and_label", "notes"})
_DATA_SOURCE_KEYS = frozenset({"name", "licence", "credit"})


def source_label_key(source: str, label: str) -> str:
    """The `rows_by_source_and_label` key for one source and label.

    >>> source_label_key("l2r", "farm")
    'l2r|farm'
    """
    if "|" in source or "|" in label:
        raise ValueError(f"source {source!r} and label {label!r} must not contain '|'")
    return f"{source}|{label}"


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes as 64 lowercase hex digits, read in 1 MiB chunks.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "x"
    ...     _ = p.write_bytes(b"abc")
    ...     sha256_file(p)[:8]
    'ba7816bf'
    """
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(SHA256_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def installed_versions() -> dict[str, str]:
    """Versions of farmscore, scikit-learn, numpy and Python (major.minor.micro) running now."""
    info = sys.version_info
    return {
        "farmscore": farmscore.__version__,
        # The installed distribution's version, as `sklearn.__version__` reports it, without
        # importing scikit-learn (and SciPy) into a process that only scores.
        "scikit-learn": importlib.metadata.version("scikit-learn"),
        "numpy": str(np.__version__),
        "python": f"{info.major}.{info.minor}.{info.micro}",
    }


def card_json_text(card: ModelCard) -> str:
    """The card as written to disk: JSON, sorted keys, indent 2, trailing newline."""
    try:
        text = json.dumps(
            card.to_dict(), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False
        )
    except ValueError as error:
        raise ValueError(
            f"card {card.name!r} holds a NaN or infinite number ({error}); "
            "record an undefined metric as a string such as 'undefined'"
        ) from error
    return text + "\n"


def save_model_folder(folder: Path, model: FarmModel, card: ModelCard) -> ModelCard:
    """Write `model` (as arrays, `farmscore.model_arrays`) and its card into `folder` and
    return the card as written.

    The card gets the model file's SHA-256 and size, the running library versions and, if
    empty, `created` (now, UTC). Both files go to temp files in `folder` first and are moved
    into place with `os.replace`, model first and card last: the card is the commit record,
    so an interrupted save leaves either the old folder, a model with no card, or a card
    whose SHA-256 disagrees with the model; `load_model_folder` refuses the last two.
    """
    from farmscore.model_arrays import to_arrays

    folder.mkdir(parents=True, exist_ok=True)
    temp_paths: list[Path] = []
    try:
        model_temp = _temp_path(folder, MODEL_FILE_NAME, temp_paths)
        arrays: dict[str, Any] = to_arrays(model)
        with model_temp.open("wb") as stream:
            np.savez_compressed(stream, allow_pickle=False, **arrays)
        _fsync_file(model_temp)
        written = dataclasses.replace(
            card,
            card_format_version=CARD_FORMAT_VERSION,
            created=card.created or datetime.now(UTC).isoformat(timespec="seconds"),
            versions={**card.versions, **installed_versions()},
            model_file=dataclasses.replace(
                card.model_file,
                name=MODEL_FILE_NAME,
                sha256=sha256_file(model_temp),
                size_bytes=model_temp.stat().st_size,
            ),
        )
        card_temp = _temp_path(folder, CARD_FILE_NAME, temp_paths)
        card_temp.write_text(card_json_text(written), encoding="utf-8")
        _fsync_file(card_temp)
        os.replace(model_temp, folder / MODEL_FILE_NAME)
        os.replace(card_temp, folder / CARD_FILE_NAME)
        (folder / PICKLED_MODEL_FILE_NAME).unlink(missing_ok=True)  # a format 1 leftover
        _fsync_directory(folder)
    finally:
        for path in temp_paths:
            path.unlink(missing_ok=True)
    return written


def read_card(folder: Path) -> ModelCard:
    """The card of a model folder, upgraded to the current format; never unpickles anything."""
    if folder.is_file():
        raise ModelVerificationError(
            f"{folder} is a file; a model is a folder: pass the folder that holds "
            f"{MODEL_FILE_NAME} and {CARD_FILE_NAME}"
            + (f" ({folder.parent})" if folder.name in (MODEL_FILE_NAME, CARD_FILE_NAME) else "")
        )
    if not folder.is_dir():
        raise ModelVerificationError(
            f"model folder {folder} does not exist; pass the folder that holds "
            f"{MODEL_FILE_NAME} and {CARD_FILE_NAME}, or {RETRAIN_HINT}"
        )
    path = folder / CARD_FILE_NAME
    if not path.is_file():
        raise ModelVerificationError(
            f"{path} is missing, so {MODEL_FILE_NAME} cannot be checked before loading; "
            f"restore the card saved with the model or {RETRAIN_HINT}"
        )
    raw = _parse_card_json(path)
    return ModelCard.from_dict(_upgrade_card_dict(raw, where=str(path)), where=str(path))


def load_model_folder(
    folder: Path, *, allow_version_mismatch: bool = False, allow_pickle: bool = False
) -> tuple[FarmModel, ModelCard]:
    """The model and card of a folder, read only after every check of the card passed.

    Refuses (`ModelVerificationError`) a missing folder or file, an unreadable or newer card,
    a model file whose size or SHA-256 differs from the card's, a scikit-learn version other
    than the card's or a numpy/Python major.minor other than the card's, an archive over
    `MAX_MODEL_ARRAYS` arrays or `MAX_MODEL_UNPACKED_BYTES` unpacked, and arrays that are not
    a model (`farmscore.model_arrays.from_arrays`). With `allow_version_mismatch` the version
    refusal becomes a `ModelVersionWarning`; the file checks always apply. A card format 1
    folder holds a pickle and is refused unless `allow_pickle` says the caller trusts it.
    """
    card = read_card(folder)
    name = card.model_file.name
    if name == PICKLED_MODEL_FILE_NAME and not allow_pickle:
        raise ModelVerificationError(
            f"{folder} holds a pickled model ({name}, card format 1, farmscore 0.1): "
            f"unpickling runs code, so farmscore no longer loads it unless told to trust it; "
            f"{RETRAIN_HINT}, or re-save a folder you made yourself: "
            f"save_model_folder(folder, *load_model_folder(folder, allow_pickle=True))"
        )
    if name not in (MODEL_FILE_NAME, PICKLED_MODEL_FILE_NAME):
        raise ModelVerificationError(
            f"{folder / CARD_FILE_NAME} names model file {name!r}, expected "
            f"{MODEL_FILE_NAME!r}; {RETRAIN_HINT}"
        )
    model_path = folder / name
    if model_path.is_symlink() or not model_path.is_file():
        what = "a symbolic link" if model_path.is_symlink() else "missing"
        raise ModelVerificationError(
            f"{model_path} is {what}; a model folder holds its model file itself: restore it "
            f"together with its card or {RETRAIN_HINT}"
        )
    model_bytes = _read_verified_model(model_path, card)
    problem = version_mismatch(card.versions, installed_versions())
    if problem:
        message = f"{folder}: {problem}"
        if not allow_version_mismatch:
            raise ModelVerificationError(message)
        warnings.warn(message, ModelVersionWarning, stacklevel=2)
    if name == PICKLED_MODEL_FILE_NAME:
        return _unpickled(model_bytes, model_path), card
    # Read the very bytes that were hashed, so the file cannot change between check and load.
    return _model_from_archive(model_bytes, model_path), card


def _model_from_archive(data: bytes, path: Path) -> FarmModel:
    """The model in a `.npz` archive's bytes, after checking the archive is one farmscore
    could have written: a bounded number and size of arrays, plain numbers, no pickle."""
    from farmscore.model_arrays import ModelArraysError, from_arrays

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MODEL_ARRAYS:
                raise ModelArraysError(f"{len(members):,} arrays, over {MAX_MODEL_ARRAYS:,}")
            unpacked = sum(member.file_size for member in members)
            if unpacked > MAX_MODEL_UNPACKED_BYTES:
                raise ModelArraysError(f"{unpacked:,} bytes unpacked, over the model limit")
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
        return from_arrays(arrays)
    except (ModelArraysError, ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile) as error:
        raise ModelVerificationError(
            f"{path} is not a model farmscore can read ({type(error).__name__}: {error}); "
            f"restore the folder or {RETRAIN_HINT}"
        ) from None


def _unpickled(data: bytes, path: Path) -> FarmModel:
    """A format 1 model, unpickled from the verified bytes (the caller trusts the folder),
    and brought to the arrays farmscore scores with."""
    import joblib

    from farmscore.compiled import compile_estimator
    from farmscore.farm_model import FarmModel

    try:
        model = joblib.load(io.BytesIO(data))
    except Exception as error:  # a damaged pickle raises any type
        raise ModelVerificationError(
            f"{path} could not be unpickled ({type(error).__name__}: {error}); {RETRAIN_HINT}"
        ) from None
    if not isinstance(model, FarmModel):
        raise ModelVerificationError(
            f"{path} holds a {type(model).__name__}, not a farmscore model; {RETRAIN_HINT}"
        )
    if hasattr(model.estimator, "calibrated_classifiers_"):
        model.estimator = compile_estimator(model.estimator, model.kind)
    return model


def version_mismatch(card_versions: Mapping[str, str], installed: Mapping[str, str]) -> str:
    """Why a model made with `card_versions` cannot be trusted here, or "" when it can.

    scikit-learn must match exactly (pickles of estimators are only promised to load in the
    version that wrote them); numpy and Python must match in major.minor.

    >>> made = {"scikit-learn": "1.9.1", "numpy": "2.4.1", "python": "3.11.2"}
    >>> version_mismatch(made, {"scikit-learn": "1.9.1", "numpy": "2.4.6", "python": "3.11.7"})
    ''
    """
    differences: list[str] = []
    fixes: list[str] = []
    for library, digits in (("scikit-learn", 3), ("numpy", 2), ("python", 2)):
        made, now = card_versions.get(library, "?"), installed.get(library, "?")
        if _leading(made, digits) != _leading(now, digits):
            differences.append(f"{library} {made} (installed: {now})")
            fixes.append(_install_hint(library, made))
    if not differences:
        return ""
    return (
        f"the model was made with {', '.join(differences)}; install {' and '.join(fixes)} "
        f"(pip install -c requirements.lock .) or {RETRAIN_HINT}"
    )


def _install_hint(library: str, made: str) -> str:
    if library == "python":
        return f"Python {_leading(made, 2)}"
    if library == "scikit-learn":
        return f"scikit-learn=={made}"
    return f"{library}=={_leading(made, 2)}.*"


def default_model_dir() -> Path:
    """The folder of the model shipped with farmscore.

    Looks in the installed package (`farmscore/models/default`), then in the source tree's
    top-level `models/default` (editable installs); raises `ModelVerificationError` naming
    both when neither holds a card.
    """
    return first_folder_with_card(_default_model_candidates())


def first_folder_with_card(candidates: list[Path]) -> Path:
    """The first of `candidates` that holds a `model_card.json`."""
    for folder in candidates:
        if (folder / CARD_FILE_NAME).is_file():
            return folder
    places = " or ".join(str(folder) for folder in candidates)
    raise ModelVerificationError(
        f"no default model: found no {CARD_FILE_NAME} in {places}; reinstall farmscore, "
        f"pass a model folder, or {RETRAIN_HINT}"
    )


def _default_model_candidates() -> list[Path]:
    candidates: list[Path] = []
    packaged = resources.files("farmscore") / "models" / "default"
    # Only a real directory can be loaded from; a zipped install has none.
    if isinstance(packaged, Path):
        candidates.append(packaged)
    candidates.append(Path(__file__).resolve().parents[2] / "models" / "default")
    return candidates


def _read_verified_model(path: Path, card: ModelCard) -> bytes:
    """The model file's bytes, after checking their size and SHA-256 against the card."""
    expected = card.model_file
    tampered = (
        f"{MODEL_FILE_NAME} in {path.parent} does not match its card: it was changed after it "
        "was saved; retrain or restore it"
    )
    size_bytes = path.stat().st_size
    if size_bytes != expected.size_bytes:
        raise ModelVerificationError(
            f"{tampered} (size {size_bytes} bytes, card says {expected.size_bytes})"
        )
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected.sha256:
        raise ModelVerificationError(f"{tampered} (SHA-256 {actual}, card says {expected.sha256})")
    return data


def _upgrade_card_dict(
    raw: object, *, where: str, upgrades: Mapping[int, CardUpgrade] = _CARD_UPGRADES
) -> CardDict:
    """The card dict brought to `CARD_FORMAT_VERSION`, or a refusal for newer/unknown ones."""
    card = _as_object(raw, where)
    version = card.get("card_format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ModelVerificationError(
            f"{where}: card_format_version must be a whole number, got {version!r}; "
            f"restore the card saved with the model or {RETRAIN_HINT}"
        )
    if version > CARD_FORMAT_VERSION:
        raise ModelVerificationError(
            f"{where}: card format {version} was made by a newer farmscore; upgrade farmscore "
            f"(this one reads card formats up to {CARD_FORMAT_VERSION})"
        )
    while version < CARD_FORMAT_VERSION:
        step = upgrades.get(version)
        if step is None:
            raise ModelVerificationError(
                f"{where}: card format {version} is not one this farmscore knows; {RETRAIN_HINT}"
            )
        card = step(card)
        if card.get("card_format_version") != version + 1:
            raise ModelVerificationError(f"{where}: upgrading card format {version} failed")
        version += 1
    return card


def _parse_card_json(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ModelVerificationError(
            f"{path} is not UTF-8 text ({error}); restore it or {RETRAIN_HINT}"
        ) from error
    try:
        return json.loads(
            text, parse_constant=_refuse_constant, object_pairs_hook=_refuse_duplicate_keys
        )
    except json.JSONDecodeError as error:
        raise ModelVerificationError(
            f"{path} is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}); restore it or {RETRAIN_HINT}"
        ) from error
    except ValueError as error:
        raise ModelVerificationError(f"{path}: {error}; restore it or {RETRAIN_HINT}") from error
    except RecursionError:
        raise ModelVerificationError(
            f"{path} is nested deeper than a card can be (the JSON reader gave up); restore it "
            f"or {RETRAIN_HINT}"
        ) from None


def _get_threshold(card: CardDict, where: str) -> float:
    """The card's threshold: a probability, so a number from 0 to 1."""
    threshold = _get_number(card, "threshold", where)
    if not 0.0 <= threshold <= 1.0:
        raise ModelVerificationError(
            f"{where}: threshold {threshold!r} is not a probability from 0 to 1; restore the "
            f"card saved with the model or {RETRAIN_HINT}"
        )
    return threshold


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number JSON allows")


def _refuse_duplicate_keys(pairs: list[tuple[str, JsonValue]]) -> CardDict:
    # Two readers could each trust a different copy of a duplicated key, e.g. "sha256".
    out: CardDict = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"key {key!r} appears twice in one object")
        out[key] = value
    return out


def _temp_path(folder: Path, final_name: str, created: list[Path]) -> Path:
    handle, name = tempfile.mkstemp(dir=folder, prefix=f".{final_name}.", suffix=".tmp")
    os.close(handle)
    path = Path(name)
    created.append(path)
    # mkstemp makes owner-only files; a shipped model must be readable by every user.
    path.chmod(MODEL_FOLDER_FILE_MODE)
    return path


def _fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_directory(folder: Path) -> None:
    # Makes the renames durable on POSIX; Windows cannot open a directory (no O_DIRECTORY).
    if not hasattr(os, "O_DIRECTORY"):
        return
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _leading(version: str, parts: int) -> str:
    return ".".join(version.split(".")[:parts])


# --- JSON <-> records; every helper names the key and the file in its error -----------------


def _as_object(raw: object, where: str) -> CardDict:
    if not isinstance(raw, dict):
        raise ModelVerificationError(
            f"{where} must be a JSON object, got {type(raw).__name__}; {RETRAIN_HINT}"
        )
    return raw


def _get(raw: Mapping[str, JsonValue], key: str, where: str) -> JsonValue:
    if key not in raw:
        raise ModelVerificationError(f"{where} lacks the key {key!r}; {RETRAIN_HINT}")
    return raw[key]


def _wrong_type(where: str, key: str, wanted: str, value: object) -> ModelVerificationError:
    return ModelVerificationError(f"{where}: {key!r} must be {wanted}, got {value!r}")


def _get_str(raw: Mapping[str, JsonValue], key: str, where: str) -> str:
    value = _get(raw, key, where)
    if not isinstance(value, str):
        raise _wrong_type(where, key, "a string", value)
    return value


def _get_sha256(raw: Mapping[str, JsonValue], key: str, where: str) -> str:
    value = _get_str(raw, key, where)
    if len(value) != 64 or value.strip("0123456789abcdef"):
        raise _wrong_type(where, key, "64 lowercase hex digits", value)
    return value


def _get_count(raw: Mapping[str, JsonValue], key: str, where: str) -> int:
    value = _get(raw, key, where)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _wrong_type(where, key, "a whole number >= 0", value)
    return value


def _get_number(raw: Mapping[str, JsonValue], key: str, where: str) -> float:
    value = _get(raw, key, where)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _wrong_type(where, key, "a number", value)
    return float(value)


def _get_list(raw: Mapping[str, JsonValue], key: str, where: str) -> list[JsonValue]:
    value = _get(raw, key, where)
    if not isinstance(value, list):
        raise _wrong_type(where, key, "a list", value)
    return value


def _get_str_tuple(raw: Mapping[str, JsonValue], key: str, where: str) -> tuple[str, ...]:
    values = _get_list(raw, key, where)
    for value in values:
        if not isinstance(value, str):
            raise _wrong_type(where, key, "a list of strings", value)
    return tuple(str(value) for value in values)


def _get_created(raw: Mapping[str, JsonValue], where: str) -> str:
    value = _get_str(raw, "created", where)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise _wrong_type(where, "created", "an ISO date-time with a UTC offset", value)
    return value


def _get_versions(raw: Mapping[str, JsonValue], where: str) -> dict[str, str]:
    value = _get(raw, "versions", where)
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _wrong_type(where, "versions", "an object of version strings", value)
    versions = {key: str(v) for key, v in value.items()}
    missing = [key for key in _REQUIRED_VERSION_KEYS if key not in versions]
    if missing:
        raise ModelVerificationError(f"{where}: versions lacks {missing}; {RETRAIN_HINT}")
    return versions


def _unknown(raw: Mapping[str, JsonValue], known: frozenset[str]) -> dict[str, JsonValue]:
    return {key: value for key, value in raw.items() if key not in known}


def _model_file_to_dict(model_file: ModelFile) -> CardDict:
    return {
        **model_file.extra,
        "name": model_file.name,
        "sha256": model_file.sha256,
        "bytes": model_file.size_bytes,
    }


def _model_file_from(raw: JsonValue, where: str) -> ModelFile:
    record = _as_object(raw, where)
    return ModelFile(
        name=_get_str(record, "name", where),
        sha256=_get_sha256(record, "sha256", where),
        size_bytes=_get_count(record, "bytes", where),
        extra=_unknown(record, _MODEL_FILE_KEYS),
    )


def _training_file_to_dict(training_file: TrainingDataFile) -> CardDict:
    return {
        **training_file.extra,
        "file": training_file.file,
        "sha256": training_file.sha256,
        "rows": training_file.rows,
        "rows_by_source_and_label": dict(training_file.rows_by_source_and_label),
        "notes": list(training_file.notes),
    }


def _training_file_from(raw: JsonValue, where: str) -> TrainingDataFile:
    record = _as_object(raw, where)
    counts = _as_object(_get(record, "rows_by_source_and_label", where), where)
    for key in counts:
        if "|" not in key:
            raise _wrong_type(where, "rows_by_source_and_label", "keyed by 'source|label'", key)
    return TrainingDataFile(
        file=_get_str(record, "file", where),
        sha256=_get_sha256(record, "sha256", where),
        rows=_get_count(record, "rows", where),
        rows_by_source_and_label={
            key: _get_count(counts, key, f"{where}: rows_by_source_and_label") for key in counts
        },
        notes=_get_str_tuple(record, "notes", where),
        extra=_unknown(record, _TRAINING_FILE_KEYS),
    )


def _data_source_to_dict(source: DataSource) -> CardDict:
    return {
        **source.extra,
        "name": source.name,
        "licence": source.licence,
        "credit": source.credit,
    }


def _data_source_from(raw: JsonValue, where: str) -> DataSource:
    record = _as_object(raw, where)
    return DataSource(
        name=_get_str(record, "name", where),
        licence=_get_str(record, "licence", where),
        credit=_get_str(record, "credit", where),
        extra=_unknown(record, _DATA_SOURCE_KEYS),
    )


def _metrics_to_json(metrics: Mapping[str, MetricValue]) -> CardDict:
    return {
        key: _metrics_to_json(value) if isinstance(value, dict) else value
        for key, value in metrics.items()
    }


def _metrics_from(raw: JsonValue, where: str) -> dict[str, MetricValue]:
    record = _as_object(raw, where)
    metrics: dict[str, MetricValue] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            metrics[key] = _metrics_from(value, f"{where}.{key}")
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            metrics[key] = value
        else:
            raise _wrong_type(where, key, "a number, a string or an object of them", value)
    return metrics
