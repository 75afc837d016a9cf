"""Model folders: save, verify before reading, refuse what cannot be trusted."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pytest
import sklearn

from farmscore.model import card as card_module
from farmscore.model import folder as artifacts
from farmscore.model.card import (
    CARD_FORMAT_VERSION,
    MODEL_FILE_NAME,
    DataSource,
    ModelCard,
    ModelVerificationError,
    ModelVersionWarning,
    TrainingDataFile,
    installed_versions,
    source_label_key,
    version_mismatch,
)
from farmscore.model.farm_model import FarmModel
from farmscore.model.file_format import to_arrays
from farmscore.model.folder import (
    CARD_FILE_NAME,
    PICKLED_MODEL_FILE_NAME,
    default_model_dir,
    first_folder_with_card,
    load_model_folder,
    read_card,
    save_model_folder,
    sha256_file,
)
from farmscore.model.length_bands import BAND_NAMES
from farmscore.model.tree_forest import compile_estimator
from farmscore.training.fitting import fit_calibrated

CardEdit = Callable[[dict[str, Any]], None]


class _WritesFileWhenUnpickled:
    """A stand-in for a hostile pickle: unpickling it writes `marker`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[Path, str]]:
        return (Path.write_text, (self.marker, "unpickled"))


@pytest.fixture
def features() -> np.ndarray:
    rng = np.random.default_rng(7)
    return rng.normal(size=(20, 3))


def _fitted(features: np.ndarray, kind: str = "logistic") -> tuple[Any, FarmModel]:
    """A scikit-learn fit on `features`, and the FarmModel made from it."""
    labels = (features[:, 0] + 0.5 * features[:, 1] > 0).astype(int)
    groups = [str(i) for i in range(len(labels))]
    fitted = fit_calibrated(features, labels, groups, kind, n_folds=3)  # type: ignore[arg-type]
    model = FarmModel(
        estimator=compile_estimator(fitted, kind),  # type: ignore[arg-type]
        feature_names=["duplicate_line_char_fraction", "filler_phrases_per_1k_words", "x"],
        threshold=0.42,
        kind=kind,  # type: ignore[arg-type]
        reference=np.median(features, axis=0),
        threshold_rule="max F1 on validation folds",
    )
    return fitted, model


@pytest.fixture
def fitted_model(features: np.ndarray) -> FarmModel:
    return _fitted(features)[1]


@pytest.fixture
def card() -> ModelCard:
    return ModelCard(
        name="tiny",
        feature_names=("duplicate_line_char_fraction", "filler_phrases_per_1k_words", "x"),
        threshold=0.42,
        threshold_rule="max F1 on validation folds",
        training_data=(
            TrainingDataFile(
                file="data/train.jsonl",
                sha256="a" * 64,
                rows=20,
                rows_by_source_and_label={"l2r|farm": 12, "guardian|substantive": 8},
                notes=("assembled pages",),
            ),
        ),
        metrics={"test": {"f1": 0.91, "rows": 40, "split": "story groups"}, "auc": 0.97},
        data_sources=(DataSource(name="l2r", licence="CC BY 4.0", credit="L2R authors"),),
        notes=("trained on 20 rows for a test",),
    )


@pytest.fixture
def saved_folder(tmp_path: Path, fitted_model: FarmModel, card: ModelCard) -> Path:
    folder = tmp_path / "models" / "tiny"
    save_model_folder(folder, fitted_model, card)
    return folder


@pytest.fixture
def no_unpickling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything reaches joblib.load."""

    def refuse(*args: object, **kwargs: object) -> object:
        pytest.fail("joblib.load was called on a model that should have been refused")

    monkeypatch.setattr(joblib, "load", refuse)


def _edit_card(folder: Path, edit: CardEdit) -> None:
    path = folder / CARD_FILE_NAME
    raw = json.loads(path.read_text(encoding="utf-8"))
    edit(raw)
    path.write_text(json.dumps(raw), encoding="utf-8")


def _set_version(library: str, version: str) -> CardEdit:
    def edit(raw: dict[str, Any]) -> None:
        raw["versions"][library] = version

    return edit


# --- round trip ------------------------------------------------------------------------------


def test_round_trip_gives_the_same_predictions_and_card(
    saved_folder: Path, fitted_model: FarmModel, features: np.ndarray
) -> None:
    model, loaded_card = load_model_folder(saved_folder)
    assert isinstance(model, FarmModel)
    np.testing.assert_array_equal(
        model.predict_proba(features), fitted_model.predict_proba(features)
    )
    assert (model.threshold, model.kind, model.feature_names) == (
        0.42,
        "logistic",
        ["duplicate_line_char_fraction", "filler_phrases_per_1k_words", "x"],
    )
    assert loaded_card == read_card(saved_folder)


@pytest.mark.parametrize("kind", ["boosted", "logistic"])
def test_both_kinds_score_as_the_scikit_learn_fit_they_came_from(
    tmp_path: Path, features: np.ndarray, card: ModelCard, kind: str
) -> None:
    fitted, model = _fitted(np.tile(features, (6, 1)), kind)
    save_model_folder(tmp_path, model, card)
    loaded, _ = load_model_folder(tmp_path)
    np.testing.assert_allclose(
        loaded.predict_proba(features), fitted.predict_proba(features)[:, 1], atol=1e-12
    )


def test_save_fills_hash_size_versions_and_created(
    tmp_path: Path, fitted_model: FarmModel, card: ModelCard
) -> None:
    written = save_model_folder(tmp_path, fitted_model, card)
    model_path = tmp_path / MODEL_FILE_NAME
    assert written.model_file.sha256 == sha256_file(model_path)
    assert written.model_file.size_bytes == model_path.stat().st_size
    assert written.versions == installed_versions()
    assert written.versions["scikit-learn"] == sklearn.__version__
    assert written.versions["python"] == ".".join(str(n) for n in sys.version_info[:3])
    assert written.created.endswith("+00:00")
    # Everything the caller gave survives.
    assert written.metrics == card.metrics
    assert written.training_data == card.training_data
    assert read_card(tmp_path) == written


def test_save_keeps_a_given_created_time(
    tmp_path: Path, fitted_model: FarmModel, card: ModelCard
) -> None:
    given = dataclasses.replace(card, created="2026-01-02T03:04:05+00:00")
    assert save_model_folder(tmp_path, fitted_model, given).created == given.created


def test_card_file_is_sorted_indented_json(saved_folder: Path) -> None:
    text = (saved_folder / CARD_FILE_NAME).read_text(encoding="utf-8")
    raw = json.loads(text)
    assert text == json.dumps(raw, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert raw["card_format_version"] == CARD_FORMAT_VERSION == 3
    assert raw["model_file"]["name"] == MODEL_FILE_NAME
    assert raw["training_data"][0]["rows_by_source_and_label"] == {
        "guardian|substantive": 8,
        "l2r|farm": 12,
    }


def test_read_card_never_unpickles(saved_folder: Path, no_unpickling: None) -> None:
    assert read_card(saved_folder).name == "tiny"


# --- atomic save -----------------------------------------------------------------------------


def test_save_and_resave_leave_exactly_two_files(
    saved_folder: Path, fitted_model: FarmModel, card: ModelCard
) -> None:
    save_model_folder(saved_folder, fitted_model, card)
    assert sorted(p.name for p in saved_folder.iterdir()) == [MODEL_FILE_NAME, CARD_FILE_NAME]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_saved_files_are_readable_by_everyone(saved_folder: Path) -> None:
    modes = {p.name: p.stat().st_mode & 0o777 for p in saved_folder.iterdir()}
    assert modes == {MODEL_FILE_NAME: 0o644, CARD_FILE_NAME: 0o644}


def test_failed_dump_leaves_old_folder_untouched_and_no_temp_files(
    saved_folder: Path, card: ModelCard, features: np.ndarray, fitted_model: FarmModel
) -> None:
    before = {p.name: p.read_bytes() for p in saved_folder.iterdir()}
    unstorable = dataclasses.replace(fitted_model, estimator=object())
    with pytest.raises(ValueError, match="cannot store a object"):
        save_model_folder(saved_folder, unstorable, card)
    assert {p.name: p.read_bytes() for p in saved_folder.iterdir()} == before
    model, _ = load_model_folder(saved_folder)
    assert model.predict_proba(features).shape == (20,)


def test_interrupted_between_renames_is_refused_not_loaded(
    saved_folder: Path, card: ModelCard, monkeypatch: pytest.MonkeyPatch, fitted_model: FarmModel
) -> None:
    real_replace = os.replace
    calls: list[str] = []

    def replace_then_die(src: str | Path, dst: str | Path) -> None:
        calls.append(Path(dst).name)
        if len(calls) == 2:
            raise KeyboardInterrupt("power cut")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_then_die)
    different = dataclasses.replace(fitted_model, threshold=0.9)
    with pytest.raises(KeyboardInterrupt):
        save_model_folder(saved_folder, different, card)
    monkeypatch.setattr(os, "replace", real_replace)

    assert calls == [MODEL_FILE_NAME, CARD_FILE_NAME]  # the card is the commit record
    assert sorted(p.name for p in saved_folder.iterdir()) == [MODEL_FILE_NAME, CARD_FILE_NAME]
    with pytest.raises(ModelVerificationError, match="does not match its card"):
        load_model_folder(saved_folder)


def test_non_finite_metric_is_refused_and_writes_nothing(
    tmp_path: Path, card: ModelCard, fitted_model: FarmModel
) -> None:
    bad = dataclasses.replace(card, metrics={"precision": float("nan")})
    with pytest.raises(ValueError, match="NaN or infinite"):
        save_model_folder(tmp_path, fitted_model, bad)
    assert list(tmp_path.iterdir()) == []


# --- tampered model files --------------------------------------------------------------------


def test_flipped_byte_is_refused_before_unpickling(saved_folder: Path, no_unpickling: None) -> None:
    path = saved_folder / MODEL_FILE_NAME
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ModelVerificationError) as caught:
        load_model_folder(saved_folder, allow_version_mismatch=True)
    message = str(caught.value)
    assert f"model.npz in {saved_folder} does not match its card" in message
    assert "changed after it was saved; retrain or restore it" in message
    assert "SHA-256" in message


@pytest.mark.parametrize(
    "change",
    [lambda b: b + b"\0", lambda b: b[:-1], lambda b: b""],
    ids=["appended", "truncated", "emptied"],
)
def test_resized_model_file_is_refused(
    saved_folder: Path, no_unpickling: None, change: Callable[[bytes], bytes]
) -> None:
    path = saved_folder / MODEL_FILE_NAME
    path.write_bytes(change(path.read_bytes()))
    with pytest.raises(
        ModelVerificationError, match=r"does not match its card.*\(size \d+ bytes, card says"
    ):
        load_model_folder(saved_folder)


def test_swapped_hostile_pickle_never_runs(saved_folder: Path, tmp_path: Path) -> None:
    marker = tmp_path / "payload-ran.txt"
    hostile = tmp_path / "hostile.joblib"
    joblib.dump(_WritesFileWhenUnpickled(marker), hostile, compress=3)
    # The payload is real: loading it directly does run it.
    joblib.load(hostile)
    assert marker.read_text() == "unpickled"
    marker.unlink()

    (saved_folder / MODEL_FILE_NAME).write_bytes(hostile.read_bytes())
    for allow in (False, True):
        with pytest.raises(ModelVerificationError, match="does not match its card"):
            load_model_folder(saved_folder, allow_version_mismatch=allow)
    assert not marker.exists()


def test_card_naming_another_model_file_is_refused(saved_folder: Path, no_unpickling: None) -> None:
    _edit_card(saved_folder, lambda raw: raw["model_file"].update(name="../evil.joblib"))
    with pytest.raises(ModelVerificationError, match=r"names model file '\.\./evil\.joblib'"):
        load_model_folder(saved_folder)


# --- library versions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("library", "version", "expected_fix"),
    [
        ("scikit-learn", "0.0.1", "install scikit-learn==0.0.1"),
        ("numpy", "1.26.4", "install numpy==1.26.*"),
        ("python", "3.0.1", "install Python 3.0"),
    ],
)
def test_version_mismatch_is_refused_naming_both_versions(
    saved_folder: Path, no_unpickling: None, library: str, version: str, expected_fix: str
) -> None:
    _edit_card(saved_folder, _set_version(library, version))
    with pytest.raises(ModelVerificationError) as caught:
        load_model_folder(saved_folder)
    message = str(caught.value)
    assert f"{library} {version} (installed: {installed_versions()[library]})" in message
    assert expected_fix in message
    assert "(pip install -c requirements.lock .)" in message
    assert "retrain with `farmscore train`" in message


def test_several_mismatches_are_all_named(saved_folder: Path, no_unpickling: None) -> None:
    _edit_card(saved_folder, _set_version("scikit-learn", "1.0.0"))
    _edit_card(saved_folder, _set_version("numpy", "1.20.0"))
    with pytest.raises(ModelVerificationError, match=r"scikit-learn 1\.0\.0 .*numpy 1\.20\.0"):
        load_model_folder(saved_folder)


def test_version_mismatch_is_allowed_with_a_warning_when_asked(
    saved_folder: Path, features: np.ndarray
) -> None:
    _edit_card(saved_folder, _set_version("scikit-learn", "0.0.1"))
    with pytest.warns(ModelVersionWarning, match=r"scikit-learn 0\.0\.1 \(installed"):
        model, loaded_card = load_model_folder(saved_folder, allow_version_mismatch=True)
    assert loaded_card.versions["scikit-learn"] == "0.0.1"
    assert model.predict_proba(features).shape == (20,)


def test_allowing_version_mismatch_never_skips_the_hash_check(
    saved_folder: Path, no_unpickling: None
) -> None:
    _edit_card(saved_folder, _set_version("scikit-learn", "0.0.1"))
    _edit_card(saved_folder, lambda raw: raw["model_file"].update(sha256="0" * 64))
    with pytest.raises(ModelVerificationError, match="does not match its card"):
        load_model_folder(saved_folder, allow_version_mismatch=True)


_MADE = {"farmscore": "0.1.0", "scikit-learn": "1.9.1", "numpy": "2.4.6", "python": "3.11.7"}


@pytest.mark.parametrize(
    ("installed", "differing"),
    [
        ({}, []),
        ({"numpy": "2.4.0"}, []),
        ({"python": "3.11.0"}, []),
        ({"farmscore": "9.9.9"}, []),
        ({"scikit-learn": "1.9.2"}, ["scikit-learn"]),
        ({"scikit-learn": "1.9.1rc1"}, ["scikit-learn"]),
        ({"numpy": "2.5.0"}, ["numpy"]),
        ({"python": "3.12.1"}, ["python"]),
        ({"numpy": "3.0.0", "python": "3.13.0"}, ["numpy", "python"]),
    ],
)
def test_version_mismatch_table(installed: dict[str, str], differing: list[str]) -> None:
    message = version_mismatch(_MADE, {**_MADE, **installed})
    named = [library for library in ("scikit-learn", "numpy", "python") if f"{library} " in message]
    assert named == differing
    assert (message == "") == (not differing)


# --- card format versions --------------------------------------------------------------------


def test_newer_card_format_is_refused(saved_folder: Path, no_unpickling: None) -> None:
    _edit_card(saved_folder, lambda raw: raw.update(card_format_version=CARD_FORMAT_VERSION + 1))
    with pytest.raises(
        ModelVerificationError, match="made by a newer farmscore; upgrade farmscore"
    ):
        read_card(saved_folder)


@pytest.mark.parametrize("version", [0, -1, "1", 1.0, True, None])
def test_unknown_or_mistyped_card_format_is_refused(
    saved_folder: Path, no_unpickling: None, version: object
) -> None:
    _edit_card(saved_folder, lambda raw: raw.update(card_format_version=version))
    with pytest.raises(ModelVerificationError, match=r"card_format_version|card format"):
        load_model_folder(saved_folder)


def test_missing_card_format_is_refused(saved_folder: Path) -> None:
    _edit_card(saved_folder, lambda raw: raw.pop("card_format_version"))
    with pytest.raises(ModelVerificationError, match="card_format_version must be a whole number"):
        read_card(saved_folder)


def test_older_formats_are_upgraded_step_by_step(saved_folder: Path) -> None:
    current = json.loads((saved_folder / CARD_FILE_NAME).read_text(encoding="utf-8"))
    # A made-up format 0 that kept the hash at the top level, before the per-band thresholds
    # and the verdict of format 3.
    dropped = {"model_file", "thresholds_by_band", "verdict"}
    old = {k: v for k, v in current.items() if k not in dropped}
    old.update(card_format_version=0, model_sha256=current["model_file"]["sha256"])
    old.update(model_bytes=current["model_file"]["bytes"])

    def zero_to_one(raw: dict[str, Any]) -> dict[str, Any]:
        upgraded = {k: v for k, v in raw.items() if k not in {"model_sha256", "model_bytes"}}
        upgraded["model_file"] = {
            "name": MODEL_FILE_NAME,
            "sha256": raw["model_sha256"],
            "bytes": raw["model_bytes"],
        }
        upgraded["card_format_version"] = 1
        return upgraded

    steps = {0: zero_to_one, 1: card_module._card_1_to_2, 2: card_module._card_2_to_3}
    upgraded = card_module._upgrade_card_dict(old, where="old card", upgrades=steps)
    # An old model had one threshold for every band.
    expected = dataclasses.replace(
        read_card(saved_folder),
        thresholds_by_band=dict.fromkeys(BAND_NAMES, current["threshold"]),
        verdict={},
    )
    assert ModelCard.from_dict(upgraded, where="old card") == expected
    with pytest.raises(ModelVerificationError, match="upgrading card format 0 failed"):
        card_module._upgrade_card_dict(old, where="old card", upgrades={0: lambda raw: raw})


# --- missing and malformed files -------------------------------------------------------------


def test_missing_folder_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "nope"
    with pytest.raises(ModelVerificationError, match=f"model folder {folder} does not exist"):
        load_model_folder(folder)


def test_missing_card_is_named(saved_folder: Path, no_unpickling: None) -> None:
    (saved_folder / CARD_FILE_NAME).unlink()
    expected = f"{saved_folder / CARD_FILE_NAME} is missing"
    with pytest.raises(ModelVerificationError, match=expected):
        load_model_folder(saved_folder)


def test_missing_model_is_named(saved_folder: Path, no_unpickling: None) -> None:
    (saved_folder / MODEL_FILE_NAME).unlink()
    with pytest.raises(
        ModelVerificationError, match=f"{saved_folder / MODEL_FILE_NAME} is missing"
    ):
        load_model_folder(saved_folder)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is not valid JSON"),
        (b"   \n\t ", "is not valid JSON"),
        (b'{"name": "tiny",', r"is not valid JSON \(line 1, column"),
        (b"\xff\xfe\x00garbage\x80", "is not UTF-8 text"),
        (b"[1, 2]", "must be a JSON object, got list"),
        (b'"card"', "must be a JSON object, got str"),
        (b'{"card_format_version": NaN}', "NaN is not a number JSON allows"),
        (b'{"card_format_version": 1, "card_format_version": 2}', "appears twice"),
        ('{"name": "ферма"}'.encode(), "card_format_version must be a whole number"),
    ],
    ids=["empty", "whitespace", "truncated", "binary", "list", "string", "nan", "dup", "utf8"],
)
def test_malformed_card_is_refused_naming_the_file(
    saved_folder: Path, no_unpickling: None, content: bytes, expected: str
) -> None:
    path = saved_folder / CARD_FILE_NAME
    path.write_bytes(content)
    with pytest.raises(ModelVerificationError, match=expected) as caught:
        load_model_folder(saved_folder)
    assert str(path) in str(caught.value)


def _drop(key: str) -> CardEdit:
    return lambda raw: raw.pop(key)


def _put(key: str, value: object) -> CardEdit:
    return lambda raw: raw.update({key: value})


def _put_in_training_file(key: str, value: object) -> CardEdit:
    return lambda raw: raw["training_data"][0].update({key: value})


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (_drop("name"), "lacks the key 'name'"),
        (_drop("metrics"), "lacks the key 'metrics'"),
        (_put("threshold", "0.5"), "'threshold' must be a number"),
        (_put("threshold", True), "'threshold' must be a number"),
        (_put("feature_names", ["a", 1]), "'feature_names' must be a list of strings"),
        (_put("feature_names", "abc"), "'feature_names' must be a list"),
        (_put("created", "yesterday"), "'created' must be an ISO date-time"),
        (_put("created", "2026-01-02T03:04:05"), "'created' must be an ISO date-time"),
        (_put("versions", {"numpy": "2.4.6"}), "versions lacks"),
        (_put("versions", {"numpy": 2}), "'versions' must be an object of version strings"),
        (_put("metrics", [0.9]), "metrics must be a JSON object"),
        (_put("metrics", {"f1": None}), "'f1' must be a number, a string"),
        (_put("data_sources", [{"name": "x"}]), r"data_sources\[0\] lacks the key 'licence'"),
        (lambda raw: raw["model_file"].update(sha256="XYZ"), "'sha256' must be 64 lowercase"),
        (lambda raw: raw["model_file"].update(bytes=-3), "'bytes' must be a whole number"),
        (_put_in_training_file("rows", 2.5), r"training_data\[0\]: 'rows' must be a whole"),
        (
            _put_in_training_file("rows_by_source_and_label", {"l2r-farm": 3}),
            "keyed by 'source|label'",
        ),
        (
            _put_in_training_file("rows_by_source_and_label", {"l2r|farm": -1}),
            "'l2r|farm' must be a whole number",
        ),
    ],
)
def test_wrong_fields_are_refused_naming_the_key(
    saved_folder: Path, no_unpickling: None, edit: CardEdit, expected: str
) -> None:
    _edit_card(saved_folder, edit)
    with pytest.raises(ModelVerificationError, match=expected) as caught:
        read_card(saved_folder)
    assert str(saved_folder / CARD_FILE_NAME) in str(caught.value)


# --- forward compatibility -------------------------------------------------------------------


def test_unknown_keys_are_kept_through_read_and_resave(
    saved_folder: Path, fitted_model: FarmModel
) -> None:
    def annotate(raw: dict[str, Any]) -> None:
        raw["reviewed_by"] = {"person": "Zoë", "on": "2026-02-03"}
        raw["model_file"]["compression"] = "zlib"
        raw["training_data"][0]["language"] = "en"
        raw["data_sources"][0]["url"] = "https://example.org"
        raw["versions"]["scipy"] = "1.17.0"

    _edit_card(saved_folder, annotate)
    read = read_card(saved_folder)
    assert read.extra == {"reviewed_by": {"person": "Zoë", "on": "2026-02-03"}}
    assert read.model_file.extra == {"compression": "zlib"}
    assert read.training_data[0].extra == {"language": "en"}
    assert read.data_sources[0].extra == {"url": "https://example.org"}

    save_model_folder(saved_folder, fitted_model, read)
    raw = json.loads((saved_folder / CARD_FILE_NAME).read_text(encoding="utf-8"))
    assert raw["reviewed_by"]["person"] == "Zoë"
    assert raw["model_file"]["compression"] == "zlib"
    assert raw["training_data"][0]["language"] == "en"
    assert raw["data_sources"][0]["url"] == "https://example.org"
    assert raw["versions"]["scipy"] == "1.17.0"


def test_extra_keys_may_not_shadow_card_fields(card: ModelCard) -> None:
    with pytest.raises(ValueError, match=r"\['threshold'\] clash"):
        dataclasses.replace(card, extra={"threshold": 0.1})


# --- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"", b"abc", "Ärger im Büro".encode(), bytes(range(256)) * 9000],
    ids=["empty", "abc", "non-ascii", "over-two-chunks"],
)
def test_sha256_file_matches_hashlib(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(content)
    assert sha256_file(path) == hashlib.sha256(content).hexdigest()


def test_sha256_file_known_value(tmp_path: Path) -> None:
    path = tmp_path / "abc.txt"
    path.write_bytes(b"abc")
    expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert sha256_file(path) == expected


def test_source_label_key() -> None:
    assert source_label_key("l2r", "farm") == "l2r|farm"
    with pytest.raises(ValueError, match="must not contain"):
        source_label_key("a|b", "farm")


def test_first_folder_with_card_prefers_the_first(tmp_path: Path) -> None:
    packaged, source = tmp_path / "pkg" / "default", tmp_path / "src" / "default"
    for folder in (packaged, source):
        folder.mkdir(parents=True)
    (source / CARD_FILE_NAME).write_text("{}", encoding="utf-8")
    assert first_folder_with_card([packaged, source]) == source
    (packaged / CARD_FILE_NAME).write_text("{}", encoding="utf-8")
    assert first_folder_with_card([packaged, source]) == packaged


def test_first_folder_with_card_names_every_place_when_none(tmp_path: Path) -> None:
    places = [tmp_path / "pkg" / "default", tmp_path / "src" / "default"]
    with pytest.raises(ModelVerificationError) as caught:
        first_folder_with_card(places)
    assert all(str(place) in str(caught.value) for place in places)


def test_default_model_dir_looks_in_the_package_then_the_source_tree() -> None:
    candidates = artifacts._default_model_candidates()
    repo_default = Path(artifacts.__file__).resolve().parents[3] / "models" / "default"
    assert candidates[-1] == repo_default
    assert all(path.parts[-2:] == ("models", "default") for path in candidates)
    if any((path / CARD_FILE_NAME).is_file() for path in candidates):
        assert default_model_dir() in candidates
    else:
        with pytest.raises(ModelVerificationError, match=str(repo_default)):
            default_model_dir()


# --- what the file holds cannot run, and damage is refused -----------------------------------


def _rehash(folder: Path) -> None:
    """Make the card agree with whatever the model file now holds, as an attacker who can
    write the whole folder would."""
    data = (folder / MODEL_FILE_NAME).read_bytes()
    _edit_card(
        folder,
        lambda raw: raw["model_file"].update(
            sha256=hashlib.sha256(data).hexdigest(), bytes=len(data)
        ),
    )


def test_a_hostile_pickle_with_a_matching_card_never_runs(
    saved_folder: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "payload-ran.txt"
    hostile = tmp_path / "hostile.joblib"
    joblib.dump(_WritesFileWhenUnpickled(marker), hostile, compress=3)
    (saved_folder / MODEL_FILE_NAME).write_bytes(hostile.read_bytes())
    _rehash(saved_folder)
    with pytest.raises(ModelVerificationError, match="is not a model farmscore can read"):
        load_model_folder(saved_folder)
    assert not marker.exists()


def test_an_array_of_pickled_objects_is_refused_unread(
    saved_folder: Path, fitted_model: FarmModel, tmp_path: Path
) -> None:
    marker = tmp_path / "payload-ran.txt"
    arrays: dict[str, Any] = to_arrays(fitted_model)
    arrays["reference"] = np.array([_WritesFileWhenUnpickled(marker)], dtype=object)
    with (saved_folder / MODEL_FILE_NAME).open("wb") as stream:
        np.savez_compressed(stream, **arrays)
    _rehash(saved_folder)
    with pytest.raises(ModelVerificationError, match="Object arrays cannot be loaded"):
        load_model_folder(saved_folder)
    assert not marker.exists()


def test_a_tree_pointing_outside_itself_is_refused_before_it_scores(
    tmp_path: Path, features: np.ndarray, card: ModelCard
) -> None:
    _, model = _fitted(np.tile(features, (6, 1)), "boosted")
    save_model_folder(tmp_path, model, card)
    arrays = to_arrays(model)
    # The compiled predictor would read far outside the tree: a crash, or worse.
    tree = arrays["tree_00000"].copy()
    internal = np.flatnonzero(tree["is_leaf"] == 0)
    assert internal.size, "the fixture's first tree should split"
    tree["right"][internal[0]] = 2_000_000_000
    arrays["tree_00000"] = tree
    with (tmp_path / MODEL_FILE_NAME).open("wb") as stream:
        np.savez_compressed(stream, **arrays)
    _rehash(tmp_path)
    with pytest.raises(ModelVerificationError, match="right child index points outside"):
        load_model_folder(tmp_path)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda a: a.update(threshold=np.array(7.5)), "settings"),
        (lambda a: a.pop("reference"), "reference: missing"),
        (lambda a: a.update(reference=np.array([1.0, np.inf, 0.0])), "not a finite number"),
        (lambda a: a.update(coef=np.ones(5)), "coef: missing, or not 3 numbers"),
        (lambda a: a.update(settings=np.array("[" * 100_000)), "settings: not readable JSON"),
    ],
    ids=["stray-array", "no-reference", "infinite", "wrong-shape", "deep-json"],
)
def test_arrays_that_are_not_a_model_are_refused_naming_the_part(
    saved_folder: Path,
    fitted_model: FarmModel,
    edit: Callable[[dict[str, Any]], None],
    expected: str,
) -> None:
    arrays: dict[str, Any] = to_arrays(fitted_model)
    edit(arrays)
    with (saved_folder / MODEL_FILE_NAME).open("wb") as stream:
        np.savez_compressed(stream, **arrays)
    _rehash(saved_folder)
    if expected == "settings":  # an array nobody asks for is harmless and ignored
        load_model_folder(saved_folder)
        return
    with pytest.raises(ModelVerificationError, match=expected):
        load_model_folder(saved_folder)


@pytest.mark.parametrize("cut", [1, 100, 0.5])
def test_a_truncated_model_with_a_matching_card_is_refused(saved_folder: Path, cut: float) -> None:
    path = saved_folder / MODEL_FILE_NAME
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut)] if cut < 1 else data[:-cut])
    _rehash(saved_folder)
    with pytest.raises(ModelVerificationError, match="is not a model farmscore can read"):
        load_model_folder(saved_folder)


def test_an_archive_past_the_limits_is_never_unpacked(
    saved_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(artifacts, "MAX_MODEL_UNPACKED_BYTES", 100)
    with pytest.raises(ModelVerificationError, match="bytes unpacked, over the model limit"):
        load_model_folder(saved_folder)


def test_a_model_file_that_is_a_link_is_refused(saved_folder: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.npz"
    (saved_folder / MODEL_FILE_NAME).rename(elsewhere)
    (saved_folder / MODEL_FILE_NAME).symlink_to(elsewhere)
    with pytest.raises(ModelVerificationError, match="is a symbolic link"):
        load_model_folder(saved_folder)


@pytest.mark.parametrize("threshold", [7.5, -0.1])
def test_a_card_threshold_outside_zero_to_one_is_refused(
    saved_folder: Path, threshold: float
) -> None:
    _edit_card(saved_folder, lambda raw: raw.update(threshold=threshold))
    with pytest.raises(ModelVerificationError, match="is not a probability from 0 to 1"):
        read_card(saved_folder)


def test_a_card_nested_deeper_than_json_allows_is_refused(saved_folder: Path) -> None:
    (saved_folder / CARD_FILE_NAME).write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(ModelVerificationError, match="nested deeper than a card can be"):
        read_card(saved_folder)


# --- card format 1: a pickle, loaded only when trusted ---------------------------------------


def _format_1_folder(folder: Path, features: np.ndarray) -> Any:
    """A folder as farmscore 0.1 wrote it: a pickled FarmModel around the scikit-learn fit."""
    fitted, model = _fitted(features)
    folder.mkdir(parents=True)
    pickled = dataclasses.replace(model, estimator=fitted)
    joblib.dump(pickled, folder / PICKLED_MODEL_FILE_NAME, compress=3)
    data = (folder / PICKLED_MODEL_FILE_NAME).read_bytes()
    card = {
        "card_format_version": 1,
        "name": "old",
        "created": "2026-11-30T10:00:00+00:00",
        "versions": installed_versions(),
        "model_file": {
            "name": PICKLED_MODEL_FILE_NAME,
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
        },
        "training_data": [],
        "feature_names": list(model.feature_names),
        "threshold": 0.42,
        "threshold_rule": "old",
        "metrics": {},
        "data_sources": [],
        "notes": [],
    }
    (folder / CARD_FILE_NAME).write_text(json.dumps(card), encoding="utf-8")
    return fitted


def test_a_format_1_folder_is_refused_unless_trusted_then_scores_as_before(
    tmp_path: Path, features: np.ndarray, card: ModelCard, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "old"
    fitted = _format_1_folder(folder, features)
    with monkeypatch.context() as patched:
        patched.setattr(joblib, "load", lambda *a, **k: pytest.fail("unpickled untrusted"))
        with pytest.raises(ModelVerificationError, match=r"holds a pickled model.*allow_pickle"):
            load_model_folder(folder)
    model, old_card = load_model_folder(folder, allow_pickle=True)
    np.testing.assert_allclose(
        model.predict_proba(features), fitted.predict_proba(features)[:, 1], atol=1e-12
    )
    # Re-saved, it is an arrays folder that loads without trust and scores the same.
    save_model_folder(folder, model, old_card)
    assert sorted(p.name for p in folder.iterdir()) == [MODEL_FILE_NAME, CARD_FILE_NAME]
    again, _ = load_model_folder(folder)
    np.testing.assert_array_equal(again.predict_proba(features), model.predict_proba(features))


@pytest.mark.parametrize("name", ["\x1b[2J\x1b[31mowned", "two\nlines", "bell\x07"])
def test_a_card_name_with_control_characters_is_refused(
    saved_folder: Path, no_unpickling: None, name: str
) -> None:
    # The name is printed on every score summary: escape codes could rewrite the terminal.
    _edit_card(saved_folder, lambda raw: raw.update(name=name))
    with pytest.raises(ModelVerificationError, match="'name' must be printable text"):
        read_card(saved_folder)


def test_an_array_whose_header_claims_more_than_its_data_is_refused_unallocated(
    saved_folder: Path, fitted_model: FarmModel
) -> None:
    # A header of shape 1e11 made numpy try to allocate 800 GB: a MemoryError, not a refusal.
    path = saved_folder / MODEL_FILE_NAME
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": "<f8", "fortran_order": False, "shape": (10**11,)}
    )
    buffer.write(b"\0" * 64)
    with zipfile.ZipFile(path, "w") as archive:
        for key, array in to_arrays(fitted_model).items():
            if key == "reference":
                continue
            stored = io.BytesIO()
            np.lib.format.write_array(stored, np.asarray(array), allow_pickle=False)
            archive.writestr(f"{key}.npy", stored.getvalue())
        archive.writestr("reference.npy", buffer.getvalue())
    _rehash(saved_folder)
    with pytest.raises(ModelVerificationError, match="header declares 800,000,000,000 bytes"):
        load_model_folder(saved_folder)
