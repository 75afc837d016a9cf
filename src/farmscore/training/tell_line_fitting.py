"""Fit the tell-line scorer (`farmscore.features.tell_lines`) and set its thresholds.

Positives are the development phrasings of `training/trials/tells_dev*.json`, each planted in
human training articles where such a line sits (an opening line before the body, a sign-off
after it, promotion amid it, the rest between two paragraphs). Negatives are every other short
line of the training corpora's human articles, the development lines of chatbots quoted as
reported speech and of a newsroom's own furniture planted the same way, legitimate lines that
resemble tells (`lookalike_sets`), and the inner lines of machine articles (their first and
last lines may hold real leaks, so they are left out).
Only the training split of the story groups is read (`farmscore.training.splits`); its
validation groups fit nothing and set each kind's threshold just above the highest line of
that kind on their human pages, as they are: a tell condemns a page, so the scorer is held to
none of them (with about 3,900 pages, a rate under 1 in 3,900 a kind).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from farmscore.features.tell_lines import FORMAT_VERSION, LineUnit, TellLineScorer, line_units
from farmscore.features.text import AnalyzedText

# The development files' kinds, as the kinds of leaked text they plant. AI disclaimers are
# left to the patterns: without the words that say a machine is speaking, "I can't verify..."
# is any first-person writer's, and a line of a blogger's ("I don't see anyone else online
# talking about this") on one of the 181 shared pages scored as one.
KIND_OF_DEV_KIND = {
    "preamble": "prompter_address",
    "signoff": "prompter_address",
    "format_note": "format_note",
    "prompt_echo": "prompt_echo",
    "promo": "promotion",
}
# Development keys of legitimate lines: chatbots quoted as reported speech, and a newsroom's
# own furniture ("Read more:", a newsletter sign-up, a correction). Negatives, planted too.
NEGATIVE_KEYS = ("reported_speech", "reported_speech_chatbot", "newsroom_furniture")
# Legitimate lines that end a page as often as they sit amid it.
AT_EITHER_END = frozenset({"newsroom_furniture", "outlet_self_promo"})


@dataclass(frozen=True, slots=True)
class FitSettings:
    # How many human articles each development line is planted in.
    plants_per_line: int = 6
    # L2 regularisation strength (sklearn's C) of the tell-or-not and the which-kind models.
    c: float = 1.0
    kind_c: float = 2.0
    # Weight of a planted line against one negative line.
    positive_weight: float = 5.0
    # Weights smaller than this are dropped, to keep the file small: with 0.05, 0.1 or 0.2 the
    # scorer caught the same development lines, within one line a kind.
    min_weight: float = 0.1
    seed: int = 0


@dataclass
class FitReport:
    """What the fit saw, for the weights file's provenance."""

    counts: dict[str, int] = field(default_factory=dict)
    validation_pages: int = 0
    # The highest log-odds of a validation line of each kind: the kind's threshold sits on it.
    highest_by_kind: dict[str, float] = field(default_factory=dict)


def plant(dev_kind: str, line: str, text: str, rng: random.Random) -> str:
    """`text` with `line` where a line of its kind sits. Not `trials.place`, which puts a line
    amid the body at its middle word: the fit plants at any paragraph boundary, so that it does
    not learn the trials' one position."""
    if dev_kind in ("preamble", "prompt_echo"):
        return f"{line}\n\n{text}"
    if dev_kind.endswith("signoff") or (dev_kind in AT_EITHER_END and rng.random() < 0.5):
        return f"{text}\n\n{line}"
    paragraphs = text.split("\n\n") if "\n\n" in text else text.split("\n")
    if len(paragraphs) < 2:
        return f"{text}\n\n{line}" if rng.random() < 0.5 else f"{line}\n\n{text}"
    at = (len(paragraphs) // 2 or 1) if dev_kind == "promo" else rng.randrange(1, len(paragraphs))
    return "\n\n".join([*paragraphs[:at], line, *paragraphs[at:]])


def _units_of(text: str) -> list[LineUnit]:
    return list(line_units(AnalyzedText(text)))


def _planted_unit(text: str, line: str) -> LineUnit | None:
    """The planted line's unit, if it is short enough to be one."""
    at = text.find(line)
    planted = (
        unit for unit in _units_of(text) if unit.span[0] <= at + len(line) and unit.span[1] > at
    )
    return next(planted, None)


class _Matrix:
    """Rows of binary features scaled by 1/sqrt(count), as the scorer reads them."""

    def __init__(self) -> None:
        self.columns: dict[str, int] = {}
        self.indices: list[int] = []
        self.indptr: list[int] = [0]

    def add(self, features: Sequence[str]) -> None:
        columns = self.columns
        for feature in features:
            self.indices.append(columns.setdefault(feature, len(columns)))
        self.indptr.append(len(self.indices))

    def build(self) -> csr_matrix:
        indptr = np.asarray(self.indptr)
        scale = 1.0 / np.sqrt(np.maximum(np.diff(indptr), 1))
        data = np.repeat(scale, np.diff(indptr))
        return csr_matrix(
            (data, np.asarray(self.indices), indptr),
            shape=(len(indptr) - 1, len(self.columns)),
        )


def fit_tell_lines(
    dev_sets: Sequence[Mapping[str, Sequence[str]]],
    human_fit: Sequence[str],
    machine_fit: Sequence[str],
    human_validation: Sequence[str],
    settings: FitSettings = FitSettings(),
    lookalike_sets: Sequence[Mapping[str, Sequence[str]]] = (),
) -> tuple[dict[str, Any], FitReport]:
    """The weights file's content (without provenance) and what the fit saw. Every line of
    `lookalike_sets` is a legitimate line that resembles a tell (a blogger's sign-off to
    readers, a tutorial's instruction): planted as a negative, as heavily as a positive."""
    rng = random.Random(settings.seed)
    report = FitReport()
    matrix = _Matrix()
    labels: list[int] = []
    kinds: list[str] = []
    weights: list[float] = []

    def add(unit: LineUnit, label: int, kind: str = "", weight: float = 1.0) -> None:
        matrix.add(unit.features)
        labels.append(label)
        kinds.append(kind)
        weights.append(weight)

    hosts = list(human_fit)

    def planted(dev_kind: str, line: str) -> Iterator[LineUnit]:
        for host in rng.sample(hosts, settings.plants_per_line):
            unit = _planted_unit(plant(dev_kind, line, host, rng), line)
            if unit is not None:
                yield unit

    for dev in dev_sets:
        for dev_kind, lines in dev.items():
            for line in lines:
                if dev_kind in KIND_OF_DEV_KIND:
                    for unit in planted(dev_kind, line):
                        add(unit, 1, KIND_OF_DEV_KIND[dev_kind], settings.positive_weight)
                elif dev_kind in NEGATIVE_KEYS:
                    for unit in planted(dev_kind, line):
                        add(unit, 0, weight=settings.positive_weight / 4)
    for lookalikes in lookalike_sets:
        for category, lines in lookalikes.items():
            for line in lines:
                for unit in planted(category, line):
                    add(unit, 0, weight=settings.positive_weight)
    for text in human_fit:
        for unit in _units_of(text):
            add(unit, 0)
    for text in machine_fit:
        units = _units_of(text)
        for unit in units[2:-2]:
            add(unit, 0)
    report.counts = dict(Counter("tell" if y else "other" for y in labels))
    X = matrix.build()
    y = np.asarray(labels)
    model = LogisticRegression(C=settings.c, max_iter=3000)
    model.fit(X, y, sample_weight=np.asarray(weights))
    names = sorted(matrix.columns, key=matrix.columns.__getitem__)
    # Weights as the file keeps them (float32), so that the threshold is set on what is shipped.
    coefficients = model.coef_[0].astype(np.float32)
    tell_weights = {
        name: float(w)
        for name, w in zip(names, coefficients, strict=True)
        if abs(w) >= settings.min_weight
    }
    positive = y == 1
    kind_names, kind_bias, kind_coef = _fit_kinds(
        X[positive], np.asarray(kinds)[positive], settings.kind_c
    )
    kind_coef = kind_coef.astype(np.float32)
    kind_rows = {
        name: [float(w) for w in kind_coef[:, j]]
        for j, name in enumerate(names)
        if len(kind_names) > 1 and np.abs(kind_coef[:, j]).max() >= settings.min_weight
    }
    content: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "bias": float(model.intercept_[0]),
        "kinds": list(kind_names),
        "kind_thresholds": [-np.inf] * len(kind_names),
        "kind_bias": list(kind_bias),
        "weights": tell_weights,
        "kind_weights": kind_rows,
    }
    highest = _highest_by_kind(TellLineScorer.from_json(content), human_validation)
    # A kind no validation line reads as gets the highest threshold of the others.
    ceiling = max(highest.values(), default=0.0)
    content["kind_thresholds"] = [
        float(np.nextafter(highest.get(kind, ceiling), np.inf)) for kind in kind_names
    ]
    report.validation_pages = len(human_validation)
    report.highest_by_kind = highest
    return content, report


def _fit_kinds(
    X: csr_matrix, kinds: np.ndarray, c: float
) -> tuple[tuple[str, ...], tuple[float, ...], np.ndarray]:
    """The kinds, and a score per kind (bias and a weight row per feature) whose largest names
    a tell line's kind. One kind needs no model; two get sklearn's one row as two."""
    names = tuple(sorted({str(kind) for kind in kinds}))
    if len(names) == 1:
        return names, (0.0,), np.zeros((1, X.shape[1]))
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit(X, kinds)
    assert tuple(str(k) for k in model.classes_) == names
    coef, bias = model.coef_, model.intercept_
    if len(names) == 2:
        coef, bias = np.vstack([np.zeros_like(coef[0]), coef[0]]), np.array([0.0, bias[0]])
    return names, tuple(float(b) for b in bias), coef


def _highest_by_kind(scorer: TellLineScorer, pages: Iterable[str]) -> dict[str, float]:
    """For each kind, the highest log-odds of a line of `pages` that could count as one."""
    highest: dict[str, float] = {}
    for text in pages:
        for unit in _units_of(text):
            kind = scorer.kind_at(unit)
            if kind is not None:
                highest[kind] = max(highest.get(kind, -np.inf), scorer.log_odds(unit.features))
    return highest
