"""A fitted `FarmModel` as named numpy arrays, and back: the format of a model folder.

Reading it needs no pickle: `numpy.load(allow_pickle=False)` and `json.loads` only, so nothing
in a model file can run. `from_arrays` checks every array's dtype and shape and every tree's
node links before the model scores a single row: a tree whose child index points outside it
would make scikit-learn's compiled predictor read out of bounds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from farmscore.model.farm_model import SUBSTANCE_QUANTILES, FarmModel
from farmscore.model.length_bands import BAND_NAMES
from farmscore.model.tree_forest import (
    TREE_NODE_DTYPE,
    CalibratedLinear,
    CalibratedTrees,
    SigmoidCalibration,
)
from farmscore.model.wording import WordingModel, WordingVocabulary
from farmscore.reading.safe_json import UnreadableJsonError, parse_json

ARRAYS_FORMAT = "farmscore-model-arrays"
# 2 added a threshold and a reference row per length band and the substance reference;
# version 1 files still load, with one threshold and one reference for every band.
ARRAYS_FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)


class ModelArraysError(ValueError):
    """Arrays that are not a model this farmscore can trust; the message says what is wrong."""


def to_arrays(model: FarmModel) -> dict[str, NDArray[Any]]:
    """Every number and setting of `model` as named numpy arrays; the settings are one JSON
    string under "settings"."""
    estimator = model.estimator
    if not isinstance(estimator, CalibratedTrees | CalibratedLinear):
        raise ModelArraysError(f"cannot store a {type(estimator).__name__}")
    arrays: dict[str, NDArray[Any]] = {"reference": np.asarray(model.reference, np.float64)}
    settings: dict[str, Any] = {
        "format": ARRAYS_FORMAT,
        "format_version": ARRAYS_FORMAT_VERSION,
        "kind": model.kind,
        "feature_names": list(model.feature_names),
        "threshold": float(model.threshold),
        "threshold_rule": model.threshold_rule,
        "extra": model.extra,
        "calibration": {"a": estimator.calibration.a, "b": estimator.calibration.b},
    }
    if isinstance(estimator, CalibratedTrees):
        settings["baseline"] = estimator.baseline
        settings["n_trees"] = len(estimator.tree_nodes)
        for number, nodes in enumerate(estimator.tree_nodes):
            arrays[f"tree_{number:05d}"] = nodes
    else:
        settings["intercept"] = estimator.intercept
        arrays.update(mean=estimator.mean, scale=estimator.scale, coef=estimator.coef)
    if model.band_thresholds:
        settings["band_thresholds"] = [float(value) for value in model.band_thresholds]
    if model.band_references is not None:
        arrays["band_references"] = np.asarray(model.band_references, np.float64)
    if model.substance_quantiles is not None:
        arrays["substance_quantiles"] = np.asarray(model.substance_quantiles, np.float64)
    wording = model.wording
    if wording is not None:
        settings["wording"] = {
            "vocabulary_size": wording.vocabulary_size,
            "min_document_frequency": wording.min_document_frequency,
            "C": wording.C,
            "intercept": wording.intercept_,
        }
        # Tokens never hold whitespace, so one line each keeps the vocabulary in one string.
        arrays["wording_words"] = np.array("\n".join(wording.vocabulary_.words))
        arrays.update(
            wording_keys=wording.keys_, wording_idf=wording.idf_, wording_coef=wording.coef_
        )
    arrays["settings"] = np.array(json.dumps(settings, allow_nan=False))
    return arrays


def from_arrays(arrays: Mapping[str, NDArray[Any]]) -> FarmModel:
    """The `FarmModel` that `to_arrays` stored, after checking every part; raises
    `ModelArraysError` naming the first part that is not what a model holds."""
    settings = _settings(arrays)
    names = _string_list(settings.get("feature_names"), "feature_names")
    n_features = len(names)
    kind = settings.get("kind")
    calibration = _calibration(settings.get("calibration"))
    estimator: CalibratedTrees | CalibratedLinear
    if kind == "boosted":
        n_trees = _whole(settings.get("n_trees"), "n_trees")
        trees = [_tree(arrays, f"tree_{i:05d}", n_features) for i in range(n_trees)]
        baseline = _number(settings.get("baseline"), "baseline")
        estimator = CalibratedTrees(trees, baseline, calibration, n_features)
    elif kind == "logistic":
        vectors = [_vector(arrays, key, n_features, np.float64) for key in ("mean", "scale")]
        coef = _vector(arrays, "coef", n_features, np.float64)
        if not (vectors[1] > 0).all():
            raise ModelArraysError("scale: every feature's scale must be positive")
        intercept = _number(settings.get("intercept"), "intercept")
        estimator = CalibratedLinear(vectors[0], vectors[1], coef, intercept, calibration)
    else:
        raise ModelArraysError(f"kind {kind!r} is neither 'boosted' nor 'logistic'")
    threshold = _number(settings.get("threshold"), "threshold")
    if not 0.0 <= threshold <= 1.0:
        raise ModelArraysError(f"threshold {threshold} is not a probability from 0 to 1")
    extra = settings.get("extra", {})
    if not isinstance(extra, dict):
        raise ModelArraysError("extra: expected a JSON object")
    return FarmModel(
        estimator=estimator,
        feature_names=names,
        threshold=threshold,
        kind=kind,
        reference=_vector(arrays, "reference", n_features, np.float64),
        threshold_rule=str(settings.get("threshold_rule", "")),
        extra=extra,
        wording=_wording(arrays, settings.get("wording")),
        band_thresholds=_band_thresholds(settings.get("band_thresholds")),
        band_references=_band_matrix(arrays, "band_references", n_features),
        substance_quantiles=_band_matrix(arrays, "substance_quantiles", SUBSTANCE_QUANTILES),
    )


def _band_thresholds(raw: object) -> tuple[float, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) != len(BAND_NAMES):
        raise ModelArraysError(f"band_thresholds: expected {len(BAND_NAMES)} numbers")
    values = tuple(_number(value, "band threshold") for value in raw)
    if not all(0.0 <= value <= 1.0 for value in values):
        raise ModelArraysError("band_thresholds: a threshold is not a probability from 0 to 1")
    return values


def _band_matrix(
    arrays: Mapping[str, NDArray[Any]], key: str, width: int
) -> NDArray[np.float64] | None:
    """One row per length band, or None when the file has none."""
    values = arrays.get(key)
    if values is None:
        return None
    if values.dtype != np.float64 or values.shape != (len(BAND_NAMES), width):
        raise ModelArraysError(f"{key}: not {len(BAND_NAMES)} rows of {width} numbers")
    if not np.isfinite(values).all():
        raise ModelArraysError(f"{key}: holds a value that is not a finite number")
    return values


def _settings(arrays: Mapping[str, NDArray[Any]]) -> dict[str, Any]:
    raw = arrays.get("settings")
    if raw is None or raw.dtype.kind != "U" or raw.shape != ():
        raise ModelArraysError("settings: missing, or not one string")
    try:
        settings = parse_json(str(raw))
    except UnreadableJsonError as error:
        raise ModelArraysError(f"settings: not readable JSON ({error})") from None
    if not isinstance(settings, dict) or settings.get("format") != ARRAYS_FORMAT:
        raise ModelArraysError(f"settings: not a {ARRAYS_FORMAT} file")
    if settings.get("format_version") not in READABLE_VERSIONS:
        raise ModelArraysError(
            f"settings: format version {settings.get('format_version')!r}, this farmscore "
            f"reads {', '.join(map(str, READABLE_VERSIONS))}"
        )
    return settings


def _tree(arrays: Mapping[str, NDArray[Any]], key: str, n_features: int) -> NDArray[Any]:
    """A tree's node array, after checking that every link leads forward inside the tree and
    every split reads a feature that exists: what the compiled predictor takes on trust."""
    nodes = arrays.get(key)
    if nodes is None or nodes.dtype != TREE_NODE_DTYPE or nodes.ndim != 1:
        raise ModelArraysError(f"{key}: missing, or not a tree's node records")
    if len(nodes) == 0:
        raise ModelArraysError(f"{key}: a tree has at least one node")
    positions = np.arange(len(nodes))
    internal = nodes["is_leaf"] == 0
    for field in ("left", "right"):
        links = nodes[field][internal].astype(np.int64)
        if ((links <= positions[internal]) | (links >= len(nodes))).any():
            raise ModelArraysError(f"{key}: a {field} child index points outside the tree")
    features = nodes["feature_idx"][internal]
    if ((features < 0) | (features >= n_features)).any():
        raise ModelArraysError(f"{key}: a split reads a feature the model does not have")
    if nodes["is_categorical"].any():
        raise ModelArraysError(f"{key}: categorical splits are not used by farmscore")
    if not np.isfinite(nodes["value"][~internal]).all():
        raise ModelArraysError(f"{key}: a leaf value is not a finite number")
    return np.ascontiguousarray(nodes)


def _wording(arrays: Mapping[str, NDArray[Any]], settings: object) -> WordingModel | None:
    if settings is None:
        return None
    if not isinstance(settings, dict):
        raise ModelArraysError("wording: expected a JSON object")
    words_array = arrays.get("wording_words")
    if words_array is None or words_array.dtype.kind != "U" or words_array.shape != ():
        raise ModelArraysError("wording_words: missing, or not one string")
    keys = arrays.get("wording_keys")
    if keys is None or keys.dtype != np.int64 or keys.ndim != 1:
        raise ModelArraysError("wording_keys: missing, or not whole numbers")
    if len(keys) > 1 and not (np.diff(keys) > 0).all():
        raise ModelArraysError("wording_keys: not sorted")
    model = WordingModel(
        _whole(settings.get("vocabulary_size"), "wording vocabulary_size"),
        _whole(settings.get("min_document_frequency"), "wording min_document_frequency"),
        _number(settings.get("C"), "wording C"),
    )
    model.vocabulary_ = WordingVocabulary(str(words_array).split("\n"))
    model.keys_ = keys
    model.idf_ = _vector(arrays, "wording_idf", len(keys), np.float32)
    model.coef_ = _vector(arrays, "wording_coef", len(keys), np.float32)
    model.intercept_ = _number(settings.get("intercept"), "wording intercept")
    return model


def _vector(
    arrays: Mapping[str, NDArray[Any]], key: str, length: int, dtype: type[np.generic]
) -> NDArray[Any]:
    values = arrays.get(key)
    if values is None or values.dtype != dtype or values.shape != (length,):
        raise ModelArraysError(f"{key}: missing, or not {length} numbers of type {dtype.__name__}")
    if not np.isfinite(values).all():
        raise ModelArraysError(f"{key}: holds a value that is not a finite number")
    return values


def _calibration(raw: object) -> SigmoidCalibration:
    if not isinstance(raw, dict):
        raise ModelArraysError("calibration: expected a JSON object with a and b")
    return SigmoidCalibration(_number(raw.get("a"), "calibration a"), _number(raw.get("b"), "b"))


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        raise ModelArraysError(f"{name}: expected a finite number, got {value!r}")
    return float(value)


def _whole(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ModelArraysError(f"{name}: expected a whole number, got {value!r}")
    return value


def _string_list(value: object, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ModelArraysError(f"{name}: expected a list of strings")
    return list(value)
