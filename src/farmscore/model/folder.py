"""Save and load a model folder (`model.npz` + `model_card.json`), and verify the card.

The model file holds numbers and strings only: numpy arrays read with `allow_pickle=False` and
one JSON string (`farmscore.model.file_format`). Loading it runs no code from the file, whatever
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
import io
import math
import os
import tempfile
import warnings
import zipfile
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from farmscore.model.farm_model import FarmModel

from farmscore.model.card import (
    CARD_FORMAT_VERSION,
    MODEL_FILE_NAME,
    RETRAIN_HINT,
    ModelCard,
    ModelVerificationError,
    ModelVersionWarning,
    _parse_card_json,
    _upgrade_card_dict,
    card_json_text,
    installed_versions,
    version_mismatch,
)

CARD_FILE_NAME = "model_card.json"


# The model file of card format 1: a pickle, loaded only when the caller trusts it.
PICKLED_MODEL_FILE_NAME = "model.joblib"


# A model archive's limits: the shipped model has about 320 arrays and 20 MB unpacked, so a
# file past these is no model farmscore made, and is never unpacked.
MAX_MODEL_ARRAYS = 20_000


MAX_MODEL_UNPACKED_BYTES = 1 << 30


SHA256_CHUNK_BYTES = 1 << 20


MODEL_FOLDER_FILE_MODE = 0o644


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


def save_model_folder(folder: Path, model: FarmModel, card: ModelCard) -> ModelCard:
    """Write `model` (as arrays, `farmscore.model.file_format`) and its card into `folder` and
    return the card as written.

    The card gets the model file's SHA-256 and size, the running library versions and, if
    empty, `created` (now, UTC). Both files go to temp files in `folder` first and are moved
    into place with `os.replace`, model first and card last: the card is the commit record,
    so an interrupted save leaves either the old folder, a model with no card, or a card
    whose SHA-256 disagrees with the model; `load_model_folder` refuses the last two.
    """
    from farmscore.model.file_format import to_arrays

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
    a model (`farmscore.model.file_format.from_arrays`). With `allow_version_mismatch` the version
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
    from farmscore.model.file_format import ModelArraysError, from_arrays

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MODEL_ARRAYS:
                raise ModelArraysError(f"{len(members):,} arrays, over {MAX_MODEL_ARRAYS:,}")
            unpacked = sum(member.file_size for member in members)
            if unpacked > MAX_MODEL_UNPACKED_BYTES:
                raise ModelArraysError(f"{unpacked:,} bytes unpacked, over the model limit")
            for member in members:
                _check_declared_size(archive, member)
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
        return from_arrays(arrays)
    except (ModelArraysError, ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile) as error:
        raise ModelVerificationError(
            f"{path} is not a model farmscore can read ({type(error).__name__}: {error}); "
            f"restore the folder or {RETRAIN_HINT}"
        ) from None


def _check_declared_size(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse an array whose header claims more data than its file holds: numpy would try to
    allocate what the header says (a shape of 1e11 is a MemoryError) before finding out."""
    from farmscore.model.file_format import ModelArraysError

    with archive.open(member) as stream:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(stream)
        else:
            raise ModelArraysError(
                f"{member.filename}: array format {version} is not one numpy writes here"
            )
    declared = math.prod(shape) * dtype.itemsize
    if declared > member.file_size:
        raise ModelArraysError(
            f"{member.filename}: its header declares {declared:,} bytes of data, more than the "
            f"{member.file_size:,} bytes it holds"
        )


def _unpickled(data: bytes, path: Path) -> FarmModel:
    """A format 1 model, unpickled from the verified bytes (the caller trusts the folder),
    and brought to the arrays farmscore scores with."""
    import joblib

    from farmscore.model.farm_model import FarmModel
    from farmscore.model.tree_forest import compile_estimator

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
    candidates.append(Path(__file__).resolve().parents[3] / "models" / "default")
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
