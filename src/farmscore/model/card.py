"""The model card: what a model folder promises about its model (format version, library
versions, the model file's SHA-256, training data hashes and rows, feature names, threshold,
metrics), as JSON and back.

Reading a card checks every key's type, refuses duplicate keys and non-finite constants, and
upgrades older known formats step by step; `farmscore.model.folder` then checks the model file
against it."""

from __future__ import annotations

import importlib.metadata
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

import farmscore
from farmscore.model.length_bands import BAND_NAMES

if TYPE_CHECKING:
    pass


CARD_FORMAT_VERSION = 3


MODEL_FILE_NAME = "model.npz"


RETRAIN_HINT = "retrain with `farmscore train`"


JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"


MetricValue: TypeAlias = "float | str | dict[str, MetricValue]"


CardDict: TypeAlias = dict[str, JsonValue]


CardUpgrade: TypeAlias = Callable[[CardDict], CardDict]


def _card_1_to_2(card: CardDict) -> CardDict:
    """Format 2 stores the model as arrays (`model.npz`); a format 1 card keeps naming its
    pickle, which `load_model_folder` loads only when told to trust it."""
    return {**card, "card_format_version": 2}


def _card_2_to_3(card: CardDict) -> CardDict:
    """Format 3 records the machine head's threshold in each length band and the verdict's
    heads and rule; a format 2 model had one threshold for every band and no substance axis."""
    threshold = card.get("threshold")
    return {
        **card,
        "card_format_version": 3,
        "thresholds_by_band": dict.fromkeys(BAND_NAMES, threshold),
        "verdict": {},
    }


# Step n upgrades a card dict of format n to format n + 1. An old step must never be laxer
# than the current checks, because a file picks its own version: the checks in
# `load_model_folder` run on the upgraded card, whatever it claimed.
_CARD_UPGRADES: Mapping[int, CardUpgrade] = MappingProxyType({1: _card_1_to_2, 2: _card_2_to_3})


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
    >>> from farmscore.model.folder import read_card, save_model_folder
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
    # The machine head's threshold in each length band, and how the verdict joins the heads
    # (`farmscore.model.verdict`): what each result's band and threshold refer to.
    thresholds_by_band: dict[str, float] = field(default_factory=dict)
    verdict: dict[str, JsonValue] = field(default_factory=dict)

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
                "thresholds_by_band": dict(self.thresholds_by_band),
                "verdict": dict(self.verdict),
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
            name=_get_printable_str(card, "name", where),
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
            thresholds_by_band=_get_band_thresholds(card, where),
            verdict=_as_object(_get(card, "verdict", where), f"{where}: verdict"),
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
        "thresholds_by_band",
        "verdict",
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


def _get_band_thresholds(card: CardDict, where: str) -> dict[str, float]:
    """The thresholds by length band: a probability for each band name."""
    raw = _as_object(_get(card, "thresholds_by_band", where), f"{where}: thresholds_by_band")
    thresholds: dict[str, float] = {}
    for band, value in raw.items():
        if band not in BAND_NAMES:
            raise ModelVerificationError(
                f"{where}: thresholds_by_band names an unknown band {band!r}; {RETRAIN_HINT}"
            )
        thresholds[band] = _get_threshold({"threshold": value}, f"{where}: {band}")
    return thresholds


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


def _leading(version: str, parts: int) -> str:
    return ".".join(version.split(".")[:parts])


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


def _get_printable_str(raw: Mapping[str, JsonValue], key: str, where: str) -> str:
    """A string that is printed to the terminal: control characters (escape codes that could
    rewrite what a user sees) are refused."""
    value = _get_str(raw, key, where)
    if not value.isprintable():
        raise _wrong_type(where, key, "printable text, without control characters", value)
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
