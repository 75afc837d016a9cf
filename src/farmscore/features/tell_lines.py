"""Tell lines that no word list names: a small learned scorer of a page's short lines.

The patterns of `artifacts` and `prompter_lines` find the phrasings someone wrote down. A line
that hands the piece back to its prompter, echoes the prompt, notes its own formatting or
splices in promotion comes in endless wordings ("hope this works for you! happy to
trim it down to 300 words"). This scorer reads each short line's words and word pairs, a few
marks and where the line stands on the page, and gives the log-odds that it is such a line,
then which kind it is. Its weights come with the package (`farmscore/data/tell_lines.npz`),
fitted by `training/fit_tell_lines.py` on the development phrasings of `training/trials/`
planted in human training articles, against every other short line of the training corpora;
the file records each kind's threshold, the rule that set them and what it was fitted on.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import IO, Any

import numpy as np

from farmscore.features.lexicon import normalized_words
from farmscore.features.text import AnalyzedText, Span

FORMAT_VERSION = 1
DATA_PACKAGE = "farmscore.data"
RESOURCE = "tell_lines.npz"
# Tell lines are short: the development phrasings run from 2 to 33 words. Longer lines are
# article prose, and leaving them out keeps the scorer to a few lines of most pages.
MAX_LINE_WORDS = 40
MIN_PAGE_LINES = 2
# A line handing the piece over or back to its prompter, or echoing the prompt, sits at the
# page's edges: within this many lines of its start or end. Amid a page, the same words are a
# chatty post's own talk or a how-to's instructions.
EDGE_LINES = 2
EDGE_KINDS = frozenset({"prompter_address", "prompt_echo"})
# Characters whose presence in a line is a feature: brackets of slots, the colon of labels,
# the shouting and emoji of promotion.
MARKS = ("!", "?", ":", "[", "]", "{", "}", "<", ">", "#", "@", "*", "$", "£", "€", "%", "🔥", "👉")


# The kind of spliced promotion, which the structure family counts.
PROMOTION_KIND = "promotion"
# Said of a span no pattern found and this scorer did, so that a reader knows what found it.
LEARNED_NOTE = " (found by the tell-line scorer)"


class TellLinesFormatError(ValueError):
    """A tell-line weights file that this version of farmscore cannot read."""


def _length_bucket(n_words: int) -> str:
    if n_words <= 5:
        return "@len<=5"
    if n_words <= 12:
        return "@len<=12"
    if n_words <= 25:
        return "@len<=25"
    return "@len>25"


def line_features(words: Sequence[str], line: str, first: bool, last: bool) -> list[str]:
    """The features of one line: its lowercase words and word pairs, the marks it holds,
    whether it opens or ends the page, and its length. Distinct, in a fixed order."""
    features = dict.fromkeys(f"w {word}" for word in words)
    features.update(dict.fromkeys(f"b {a} {b}" for a, b in itertools.pairwise(words)))
    features.update(dict.fromkeys(f"c {mark}" for mark in MARKS if mark in line))
    if first:
        features["@first"] = None
    if last:
        features["@last"] = None
    features[_length_bucket(len(words))] = None
    return list(features)


@dataclass(frozen=True, slots=True)
class LineUnit:
    """A short line of a page: its span (from its first word), its features, and whether it
    is within `EDGE_LINES` of the page's start or end."""

    span: Span
    features: list[str]
    at_edge: bool


def line_units(doc: AnalyzedText) -> Iterator[LineUnit]:
    """The page's lines of 1 to `MAX_LINE_WORDS` words, each with its features. Training and
    scoring both read lines through here, so they see the same features."""
    lines = doc.lines
    # A tell line is told apart from the page it sits in: a text of one line has no page.
    if len(lines) < MIN_PAGE_LINES:
        return
    words = normalized_words(doc)
    word_spans = doc.word_spans
    text = doc.text
    last = len(lines) - 1
    for number, ((start, end), (first_word, end_word)) in enumerate(
        zip(lines, doc.word_ranges(lines), strict=True)
    ):
        n_words = end_word - first_word
        if n_words == 0 or n_words > MAX_LINE_WORDS:
            continue
        features = line_features(
            words[first_word:end_word], text[start:end], number == 0, number == last
        )
        at_edge = number < EDGE_LINES or number > last - EDGE_LINES
        yield LineUnit((word_spans[first_word][0], end), features, at_edge)


@dataclass(frozen=True, slots=True)
class TellLineScorer:
    """Log-odds that a line is a tell line (a weight per feature, scaled by 1/sqrt of the
    line's feature count), and which kind it is (a row of `kind_matrix` per feature, through
    `kind_rows`). A line is a tell line of its kind at or above that kind's threshold."""

    bias: float
    weights: Mapping[str, float]
    kinds: tuple[str, ...]
    kind_thresholds: np.ndarray
    kind_bias: np.ndarray
    kind_rows: Mapping[str, int]
    kind_matrix: np.ndarray
    # The lowest kind threshold: no line under it is a tell line of any kind.
    threshold: float

    def log_odds(self, features: Sequence[str]) -> float:
        weights = self.weights
        total = sum(weights.get(feature, 0.0) for feature in features)
        return self.bias + total / math.sqrt(len(features))

    def tell_kind(self, unit: LineUnit) -> str | None:
        """The kind of tell line `unit` is, or None."""
        log_odds = self.log_odds(unit.features)
        if log_odds < self.threshold:
            return None
        kind = self.kind_at(unit)
        if kind is None or log_odds < self.kind_thresholds[self.kinds.index(kind)]:
            return None
        return kind

    def kind_at(self, unit: LineUnit) -> str | None:
        """The kind of a line taken as a tell line, or None where its kind cannot be (a
        hand-over amid the page)."""
        kind = self.kind(unit.features)
        return kind if unit.at_edge or kind not in EDGE_KINDS else None

    def kind(self, features: Sequence[str]) -> str:
        rows = [self.kind_rows[feature] for feature in features if feature in self.kind_rows]
        scores = self.kind_bias + self.kind_matrix[rows].sum(axis=0) / math.sqrt(len(features))
        return self.kinds[int(np.argmax(scores))]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TellLineScorer:
        """From the fit's content: `weights` {feature: weight}, `kind_weights` {feature: a
        weight per kind}, and the scalars."""
        kind_weights = data["kind_weights"]
        if any(len(row) != len(data["kinds"]) for row in kind_weights.values()):
            raise TellLinesFormatError("a kind weight row does not have one weight per kind")
        return cls._build(
            data,
            weights={name: float(w) for name, w in data["weights"].items()},
            kind_rows={name: row for row, name in enumerate(kind_weights)},
            kind_matrix=np.asarray(list(kind_weights.values()), dtype=np.float64).reshape(
                len(kind_weights), len(data["kinds"])
            ),
        )

    @classmethod
    def load(cls, source: IO[bytes]) -> TellLineScorer:
        """From a weights file written by `save`, stored as a model file is
        (`farmscore.model.file_format`): the scalars as one JSON string, the feature names
        as one string of lines, their weights as float32 arrays."""
        with np.load(source, allow_pickle=False) as arrays:
            meta = json.loads(_one_string(arrays["meta"]))
            names = _one_string(arrays["features"]).split("\n")
            weights = arrays["weights"].astype(np.float64)
            kind_matrix = arrays["kind_matrix"].astype(np.float64)
        _check_format(meta)
        if not len(names) == len(weights) == len(kind_matrix) or kind_matrix.shape[1:] != (
            len(meta["kinds"]),
        ):
            raise TellLinesFormatError("the weights file's arrays do not match its features")
        with_kind = np.flatnonzero(np.abs(kind_matrix).max(axis=1) > 0)
        return cls._build(
            meta,
            weights={name: float(w) for name, w in zip(names, weights, strict=True) if w},
            kind_rows={names[i]: row for row, i in enumerate(with_kind)},
            kind_matrix=kind_matrix[with_kind],
        )

    @classmethod
    def _build(
        cls,
        meta: Mapping[str, Any],
        weights: dict[str, float],
        kind_rows: dict[str, int],
        kind_matrix: np.ndarray,
    ) -> TellLineScorer:
        _check_format(meta)
        kinds = tuple(meta["kinds"])
        thresholds = np.asarray(meta["kind_thresholds"], dtype=np.float64)
        if thresholds.shape != (len(kinds),):
            raise TellLinesFormatError("the weights file does not have one threshold per kind")
        return cls(
            bias=float(meta["bias"]),
            weights=weights,
            kinds=kinds,
            kind_thresholds=thresholds,
            kind_bias=np.asarray(meta["kind_bias"], dtype=np.float64),
            kind_rows=kind_rows,
            kind_matrix=kind_matrix,
            threshold=float(thresholds.min()),
        )


def save(content: Mapping[str, Any], destination: IO[bytes]) -> None:
    """Write the fit's content (see `TellLineScorer.from_json`) as a weights file."""
    names = sorted(set(content["weights"]) | set(content["kind_weights"]))
    zero = [0.0] * len(content["kinds"])
    meta = {key: value for key, value in content.items() if "weights" not in key}
    np.savez_compressed(
        destination,
        meta=np.array(json.dumps(meta, sort_keys=True)),
        # Feature names never hold a line break, so one string of lines holds them all.
        features=np.array("\n".join(names)),
        weights=np.asarray([content["weights"].get(n, 0.0) for n in names], dtype=np.float32),
        kind_matrix=np.asarray(
            [content["kind_weights"].get(n, zero) for n in names], dtype=np.float32
        ).reshape(len(names), len(zero)),
    )


def _one_string(array: np.ndarray) -> str:
    if array.dtype.kind != "U" or array.shape != ():
        raise TellLinesFormatError("the weights file holds an array where one string belongs")
    return str(array)


def _check_format(data: Mapping[str, Any]) -> None:
    if data.get("format_version") != FORMAT_VERSION:
        raise TellLinesFormatError(
            f"tell-line weights format {data.get('format_version')!r}, expected "
            f"{FORMAT_VERSION}: rebuild them with training/fit_tell_lines.py"
        )


@lru_cache(maxsize=1)
def packaged_scorer() -> TellLineScorer:
    """The scorer whose weights come with the package."""
    with resources.files(DATA_PACKAGE).joinpath(RESOURCE).open("rb") as source:
        return TellLineScorer.load(source)


def find_tell_lines(doc: AnalyzedText) -> dict[str, list[Span]]:
    """The page's short lines the packaged scorer finds to be tell lines, by kind (the `kinds`
    of the weights file), in text order; hand-overs and echoes only at the page's edges."""
    scorer = packaged_scorer()
    found: dict[str, list[Span]] = {}
    for unit in line_units(doc):
        kind = scorer.tell_kind(unit)
        if kind is not None:
            found.setdefault(kind, []).append(unit.span)
    return found
