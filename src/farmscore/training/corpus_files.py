"""Read and write the corpora stored in the repository (`training/corpora/`): gzipped JSONL
files and the manifest that says where every file's rows came from.

Files are written byte for byte the same for the same rows (no time stamp in the gzip header,
keys in a fixed order), so a rebuilt corpus shows no change unless its rows changed.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MANIFEST_NAME = "MANIFEST.json"
MANIFEST_FORMAT_VERSION = 1
CORPUS_SUFFIX = ".jsonl.gz"


class CorpusFileError(ValueError):
    """A stored corpus or manifest that cannot be trusted; the message names the file."""


def write_corpus_file(path: Path, rows: Iterable[dict[str, str]]) -> str:
    """Write `rows` as gzipped JSONL (atomically) and return the file's SHA-256."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8"))
            out.write(b"\n")
    data = buffer.getvalue()
    temp = path.with_name(path.name + ".tmp")
    temp.write_bytes(data)
    os.replace(temp, path)
    return hashlib.sha256(data).hexdigest()


def read_corpus_file(path: Path, expected_sha256: str | None = None) -> list[dict[str, Any]]:
    """The rows of a gzipped JSONL corpus file, after checking its SHA-256 when one is given."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CorpusFileError(f"{path}: cannot read ({error.strerror or error})") from None
    if expected_sha256 is not None and hashlib.sha256(data).hexdigest() != expected_sha256:
        raise CorpusFileError(
            f"{path}: its SHA-256 differs from {MANIFEST_NAME}'s; rebuild it with "
            f"training/import_corpora.py or restore it from git"
        )
    rows = []
    for number, line in enumerate(gzip.decompress(data).splitlines(), start=1):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise CorpusFileError(f"{path} line {number}: not valid JSON ({error.msg})") from None
    return rows


def write_manifest(folder: Path, corpora: list[dict[str, Any]]) -> Path:
    """Write the manifest of `folder`'s corpus files."""
    path = folder / MANIFEST_NAME
    manifest = {"format_version": MANIFEST_FORMAT_VERSION, "corpora": corpora}
    path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_manifest(folder: Path) -> list[dict[str, Any]]:
    """The manifest's corpus entries (each with at least `file`, `sha256` and `role`)."""
    path = folder / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CorpusFileError(f"{path}: cannot read ({error.strerror or error})") from None
    except json.JSONDecodeError as error:
        raise CorpusFileError(f"{path}: not valid JSON ({error.msg})") from None
    if manifest.get("format_version") != MANIFEST_FORMAT_VERSION:
        raise CorpusFileError(
            f"{path}: format_version {manifest.get('format_version')!r}, expected "
            f"{MANIFEST_FORMAT_VERSION}"
        )
    corpora: list[dict[str, Any]] = manifest["corpora"]
    return corpora
