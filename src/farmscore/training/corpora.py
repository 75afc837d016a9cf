"""The training corpora as one validated table: load the JSONL files, describe them for the model
card, remove the xsum shared-opening shortcut, and split by story group.

Each corpus line is a JSON object with the string fields id, text, label (substantive or
content_farm), source and group; `load_corpora` adds the file name, the label as 0/1, and the
generator and domain that the source names.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from farmscore.training.corpus_files import (
    CORPUS_SUFFIX,
    CorpusFileError,
    read_corpus_file,
    read_manifest,
)
from farmscore.training.corpus_sources import ROLE_TRAIN, generator_family
from farmscore.training.splits import is_test_group

LABEL_CODES: dict[str, int] = {"substantive": 0, "content_farm": 1}
DEFAULT_CORPUS_FILES: tuple[str, ...] = (
    "l2r.jsonl",
    "xsum.jsonl",
    "bbc.jsonl",
    "opinion.jsonl",
    "localnews.jsonl",
)
REQUIRED_FIELDS: tuple[str, ...] = ("id", "text", "label", "source", "group")
CORPUS_COLUMNS: tuple[str, ...] = (
    *REQUIRED_FIELDS,
    "file",
    "generator",
    "domain",
    "corpus",
    "family",
    "genre",
    "role",
)
# The corpora stored in the repository (see training/corpora/MANIFEST.json).
REPOSITORY_CORPORA_DIR = Path(__file__).resolve().parents[3] / "training" / "corpora"
# Fields every row of a repository corpus carries beyond the shared corpora's.
REPOSITORY_FIELDS: tuple[str, ...] = ("generator", "family", "domain", "genre")

HUMAN_GENERATOR = "human"
XSUM_DOMAIN = "xsum"
# Long human-only corpora: their source names the corpus, then a year or an outlet, no writer.
LONG_HUMAN_CORPORA: tuple[str, ...] = ("bbc", "opinion", "localnews")
# A stripped xsum text shorter than this is a stub that says nothing about its writer.
MIN_WORDS_AFTER_STRIP = 20

_NON_SPACE = re.compile(r"\S+")


class CorpusError(ValueError):
    """A corpus file or line that cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class _FileContents:
    records: list[dict[str, Any]]
    sha256: str
    size_bytes: int


def parse_source(source: str) -> tuple[str, str]:
    """The (generator, domain) that a corpus `source` names.

    >>> parse_source("l2r/NewsArticle/GPT-4o")
    ('GPT-4o', 'NewsArticle')
    >>> parse_source("glimpse_xsum/claude-3-opus-20240229")
    ('claude-3-opus-20240229', 'xsum')
    >>> parse_source("opinion/Major/NYTimes/2021")
    ('human', 'opinion')
    """
    parts = source.split("/")
    if parts[0] == "l2r" and len(parts) == 3 and all(parts):
        return parts[2], parts[1]
    if parts[0].endswith("_xsum") and len(parts) == 2 and parts[1]:
        return parts[1], XSUM_DOMAIN
    if parts[0] in LONG_HUMAN_CORPORA:
        return HUMAN_GENERATOR, parts[0]
    raise ValueError(
        f"source {source!r} has an unknown layout; expected l2r/<domain>/<writer>, "
        f"<name>_xsum/<writer>, or one of {', '.join(LONG_HUMAN_CORPORA)} followed by /..."
    )


def _validated(raw: object, where: str) -> dict[str, Any]:
    """The record with file, label code, generator and domain added; CorpusError if unusable."""
    if not isinstance(raw, dict):
        raise CorpusError(f"{where}: expected a JSON object, got {type(raw).__name__}")
    missing = [name for name in REQUIRED_FIELDS if name not in raw]
    if missing:
        raise CorpusError(f"{where}: missing field(s) {', '.join(missing)}")
    for name in REQUIRED_FIELDS:
        if not isinstance(raw[name], str):
            raise CorpusError(
                f"{where}: field {name!r} must be a string, got {type(raw[name]).__name__}"
            )
    for name in ("id", "text", "source", "group"):
        if not raw[name].strip():
            raise CorpusError(f"{where}: field {name!r} is empty")
    if raw["label"] not in LABEL_CODES:
        raise CorpusError(f"{where}: label {raw['label']!r} is not one of {', '.join(LABEL_CODES)}")
    try:
        generator, domain = parse_source(raw["source"])
    except ValueError as error:
        raise CorpusError(f"{where}: {error}") from None
    label = LABEL_CODES[raw["label"]]
    # A human writer labelled content_farm (or an LLM labelled substantive) means the file is
    # mislabelled, and the model would learn the mistake.
    if (generator == HUMAN_GENERATOR) != (label == 0):
        raise CorpusError(
            f"{where}: source {raw['source']!r} names writer {generator!r} but the label is "
            f"{raw['label']!r}"
        )
    record = {name: raw[name] for name in REQUIRED_FIELDS}
    record["label"] = label
    record["generator"] = generator
    record["domain"] = domain
    return record


def _read_corpus_file(path: Path) -> _FileContents:
    """Parse and validate one JSONL file, hashing the bytes it read."""
    if not path.is_file():
        raise FileNotFoundError(
            f"corpus file {path} does not exist; pass the folder that holds the .jsonl files "
            f"and names that exist in it"
        )
    data = path.read_bytes()
    records: list[dict[str, Any]] = []
    for line_number, raw_line in enumerate(data.split(b"\n"), start=1):
        where = f"{path.name} line {line_number}"
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise CorpusError(
                f"{where}: not UTF-8 ({error.reason} at byte {error.start})"
            ) from None
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusError(
                f"{where}: not valid JSON ({error.msg} at column {error.colno}); "
                f"fix or remove the line"
            ) from None
        record = _validated(raw, where)
        record["file"] = path.name
        record["_line"] = line_number
        records.append(record)
    return _FileContents(records, hashlib.sha256(data).hexdigest(), len(data))


def load_corpora(data_dir: Path, files: Sequence[str] | None = None) -> pd.DataFrame:
    """All rows of the named corpus files (default: `DEFAULT_CORPUS_FILES`) as one table.

    Columns: id, text, label (0 substantive, 1 content_farm), source, group, file, generator
    ("human" or the LLM's name) and domain (l2r's domain, "xsum", or the long human corpus).
    Rows keep file order, then line order. Raises CorpusError naming the file and line of the
    first row that is not valid, and of an id seen twice.

    >>> from tempfile import TemporaryDirectory
    >>> with TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "x.jsonl").write_text(
    ...         '{"id": "a", "text": "Hi.", "label": "content_farm",'
    ...         ' "source": "l2r/NewsArticle/GPT-4o", "group": "l2r/NewsArticle/0"}\\n')
    ...     frame = load_corpora(Path(folder), ["x.jsonl"])
    >>> int(frame.loc[0, "label"]), frame.loc[0, "generator"], frame.loc[0, "domain"]
    (1, 'GPT-4o', 'NewsArticle')
    """
    names = tuple(files) if files is not None else DEFAULT_CORPUS_FILES
    rows: list[dict[str, Any]] = []
    first_seen: dict[str, str] = {}
    for name in names:
        for record in _read_corpus_file(Path(data_dir) / name).records:
            where = f"{record['file']} line {record.pop('_line')}"
            earlier = first_seen.setdefault(record["id"], where)
            if earlier != where:
                raise CorpusError(f"{where}: id {record['id']!r} already used at {earlier}")
            rows.append(record)
    frame = pd.DataFrame(rows, columns=list(CORPUS_COLUMNS))
    frame["label"] = frame["label"].astype("int64")
    frame["corpus"] = frame["file"].str.removesuffix(".jsonl")
    frame["family"] = frame["generator"].map(generator_family)
    frame["genre"] = frame["domain"].map(lambda d: _SHARED_GENRES.get(d, d))
    frame["role"] = ROLE_TRAIN
    return frame


_SHARED_GENRES = {"bbc": "news", "localnews": "news", "xsum": "news", "opinion": "opinion"}


def load_repository_corpora(folder: Path = REPOSITORY_CORPORA_DIR) -> pd.DataFrame:
    """Every row of the corpora stored in the repository, with the columns of `load_corpora`
    and `role` (`train`, or `evaluation`: never trained on). Each file's SHA-256 is checked
    against the manifest first; CorpusError names a file or row that cannot be used."""
    rows: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    try:
        entries = read_manifest(folder)
    except CorpusFileError as error:
        raise CorpusError(str(error)) from None
    for entry in entries:
        path = folder / entry["file"]
        try:
            records = read_corpus_file(path, entry["sha256"])
        except CorpusFileError as error:
            raise CorpusError(str(error)) from None
        for number, raw in enumerate(records, start=1):
            where = f"{path.name} row {number}"
            record = _validated_repository_row(raw, where)
            earlier = seen.setdefault(record["id"], where)
            if earlier != where:
                raise CorpusError(f"{where}: id {record['id']!r} already used at {earlier}")
            record.update(file=path.name, corpus=path.name.removesuffix(CORPUS_SUFFIX))
            record["role"] = entry["role"]
            rows.append(record)
    frame = pd.DataFrame(rows, columns=list(CORPUS_COLUMNS))
    frame["label"] = frame["label"].astype("int64")
    return frame


def _validated_repository_row(raw: object, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise CorpusError(f"{where}: expected a JSON object, got {type(raw).__name__}")
    missing = [name for name in (*REQUIRED_FIELDS, *REPOSITORY_FIELDS) if name not in raw]
    if missing:
        raise CorpusError(f"{where}: missing field(s) {', '.join(missing)}")
    if raw["label"] not in LABEL_CODES:
        raise CorpusError(f"{where}: label {raw['label']!r} is not one of {', '.join(LABEL_CODES)}")
    if not str(raw["text"]).strip():
        raise CorpusError(f"{where}: field 'text' is empty")
    if (raw["generator"] == HUMAN_GENERATOR) != (raw["label"] == "substantive"):
        raise CorpusError(
            f"{where}: writer {raw['generator']!r} does not fit the label {raw['label']!r}"
        )
    record: dict[str, Any] = {n: str(raw[n]) for n in (*REQUIRED_FIELDS, *REPOSITORY_FIELDS)}
    record["label"] = LABEL_CODES[raw["label"]]
    return record


def file_digests(data_dir: Path, files: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """One entry per corpus file for the model card: file name, sha256 of its bytes, size in
    bytes, rows, and rows by label name and by source (both sorted by key).

    The files are validated as `load_corpora` does, so a card never describes unusable data.
    """
    names = tuple(files) if files is not None else DEFAULT_CORPUS_FILES
    label_names = {code: name for name, code in LABEL_CODES.items()}
    digests: list[dict[str, Any]] = []
    for name in names:
        contents = _read_corpus_file(Path(data_dir) / name)
        by_label = Counter(label_names[r["label"]] for r in contents.records)
        by_source = Counter(r["source"] for r in contents.records)
        digests.append(
            {
                "file": name,
                "sha256": contents.sha256,
                "size_bytes": contents.size_bytes,
                "rows": len(contents.records),
                "rows_by_label": dict(sorted(by_label.items())),
                "rows_by_source": dict(sorted(by_source.items())),
            }
        )
    return digests


def _common_prefix_words(first: list[str], second: list[str]) -> int:
    """How many leading words the two word lists share."""
    count = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        count += 1
    return count


def _without_leading_words(text: str, n_words: int) -> str:
    """`text` after its first `n_words` whitespace-separated words, cut at a word boundary."""
    if n_words <= 0:
        return text
    for index, match in enumerate(_NON_SPACE.finditer(text)):
        if index == n_words:
            return text[match.start() :]
    return ""


def strip_shared_openings(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` in which no xsum human text and LLM text of one group open alike.

    Every LLM text in xsum continues the first ~30 words of its human original, so a model could
    learn the shared opening instead of style. Within each xsum group (domain "xsum"), each LLM
    text loses the longest word prefix it shares with the group's human text, and the human text
    loses the longest prefix it shares with any of the group's LLM texts; the cut falls at a word
    boundary and the rest is kept. Rows left with fewer than `MIN_WORDS_AFTER_STRIP` words are
    dropped. Other rows, and groups without both a human and an LLM text, are unchanged. The
    index is reset.

    >>> rows = pd.DataFrame({"text": ["Same start here. Human goes on " + "word " * 20,
    ...                               "Same start here. Model says " + "token " * 20],
    ...                      "label": [0, 1], "group": ["xsum/a"] * 2, "domain": ["xsum"] * 2})
    >>> [t.split()[0] for t in strip_shared_openings(rows)["text"]]
    ['Human', 'Model']
    """
    missing = [name for name in ("text", "label", "group", "domain") if name not in frame]
    if missing:
        raise ValueError(f"strip_shared_openings needs column(s) {', '.join(missing)}")
    texts = frame["text"].tolist()
    labels = frame["label"].tolist()
    members: dict[str, list[int]] = {}
    for position, (group, domain) in enumerate(zip(frame["group"], frame["domain"], strict=True)):
        if domain == XSUM_DOMAIN:
            members.setdefault(group, []).append(position)

    cut_words = [0] * len(texts)
    for positions in members.values():
        humans = [p for p in positions if labels[p] == 0]
        machines = [p for p in positions if labels[p] == 1]
        words = {p: texts[p].split() for p in positions}
        for human in humans:
            for machine in machines:
                shared = _common_prefix_words(words[human], words[machine])
                cut_words[human] = max(cut_words[human], shared)
                cut_words[machine] = max(cut_words[machine], shared)

    new_texts: list[str] = []
    keep: list[bool] = []
    for text, n_cut in zip(texts, cut_words, strict=True):
        if n_cut == 0:
            new_texts.append(text)
            keep.append(True)
            continue
        rest = _without_leading_words(text, n_cut)
        new_texts.append(rest)
        keep.append(len(rest.split()) >= MIN_WORDS_AFTER_STRIP)
    stripped = frame.copy()
    stripped["text"] = new_texts
    return stripped.loc[keep].reset_index(drop=True)


def split_by_group(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test) rows, split by `farmscore.training.splits.is_test_group` on the `group`
    column, so that a story and all its rewrites fall on one side. Indexes are reset."""
    is_test = frame["group"].map(is_test_group).astype(bool)
    return frame.loc[~is_test].reset_index(drop=True), frame.loc[is_test].reset_index(drop=True)
