"""Fit the tell-line scorer (`farmscore.features.tell_lines`) and set its thresholds.

Positives are the development phrasings of `training/trials/tells_dev*.json`, each planted in
human training articles where such a line sits (an opening line before the body, a sign-off
after it, promotion amid it, the rest between two paragraphs). Negatives are every other short
line of the training corpora's human articles, the development lines of chatbots quoted as
reported speech and of a newsroom's own furniture planted the same way, legitimate lines that
resemble tells (`lookalike_sets`), and the inner lines of machine articles (their first and
last lines may hold real leaks, so they are left out).
Each kind has its own model: its planted lines against every negative line.
Only the training split of the story groups is read (`farmscore.training.splits`); its
validation groups fit nothing and set each kind's threshold just above its model's highest
line on their human pages, as they are: a tell condemns a page, so the scorer is held to none
of them (with about 3,900 pages, a rate under 1 in 3,900 a kind).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, diags, hstack
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
    "role_marker": "role_marker",
    "ai_disclaimer": "self_reference",
    "placeholder": "placeholder",
}
# Development keys of legitimate lines: chatbots quoted as reported speech, and a newsroom's
# own furniture ("Read more:", a newsletter sign-up, a correction). Negatives, planted too.
NEGATIVE_KEYS = ("reported_speech", "reported_speech_chatbot", "newsroom_furniture")
# Development keys of legitimate lines that resemble one kind alone ("[sic]", "[1]" and "Write
# your name in the box" resemble a placeholder): negatives of that kind's model only, and they
# hold up that kind's threshold only. As negatives of every kind they raised the others'
# thresholds: with two authors' files left out in turn, 8 fewer of their 280 hand-overs caught.
LOOKALIKE_OF_KIND = {"placeholder_lookalike": "placeholder"}
# Legitimate lines that end a page as often as they sit amid it.
AT_EITHER_END = frozenset({"newsroom_furniture", "outlet_self_promo"})


@dataclass(frozen=True, slots=True)
class FitSettings:
    # How many human articles each development line is planted in.
    plants_per_line: int = 6
    # L2 regularisation strength (sklearn's C) of each kind's model.
    c: float = 1.0
    # Weight of a planted line against one negative line.
    positive_weight: float = 5.0
    # Weights smaller than this are dropped, to keep the file small: with 0.05, 0.1 or 0.2 the
    # scorer caught the same development lines, within one line a kind.
    min_weight: float = 0.1
    seed: int = 0
    # The kinds whose models also read a line's letter 4-grams and word shapes
    # (`tell_lines.extra_features`). Across four authors' development files each left out of
    # the fit in turn, promotion's model caught 148 of 340 lines with them and 64 without;
    # hand-overs, echoes and notes caught fewer with them (their thresholds rose).
    extra_kinds: tuple[str, ...] = ("promotion",)
    # Whether the legitimate development lines (furniture, reported speech, look-alikes),
    # planted in validation pages, also hold the thresholds up.
    legit_lines_set_thresholds: bool = True


@dataclass
class FitReport:
    """What the fit saw, for the weights file's provenance."""

    counts: dict[str, int] = field(default_factory=dict)
    validation_pages: int = 0
    # The highest log-odds of a line of each kind, on the validation pages or among the planted
    # legitimate lines: the kind's threshold sits just above it.
    highest_by_kind: dict[str, float] = field(default_factory=dict)


def plant(dev_kind: str, line: str, text: str, rng: random.Random) -> str:
    """`text` with `line` where a line of its kind sits. Not `trials.place`, which puts a line
    amid the body at its middle word: the fit plants at any paragraph boundary, so that it does
    not learn the trials' one position."""
    if dev_kind in ("preamble", "prompt_echo", "role_marker"):
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
    """Rows of binary features: a row per line, a column per feature name."""

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
        return csr_matrix(
            (np.ones(len(self.indices)), np.asarray(self.indices), indptr),
            shape=(len(indptr) - 1, len(self.columns)),
        )

    def names(self) -> list[str]:
        return sorted(self.columns, key=self.columns.__getitem__)


@dataclass
class _Rows:
    """The fit's lines: the features every kind reads, the extra ones, label, kind, weight."""

    features: _Matrix = field(default_factory=_Matrix)
    extra: _Matrix = field(default_factory=_Matrix)
    labels: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)

    def add(self, unit: LineUnit, label: int, kind: str = "", weight: float = 1.0) -> None:
        self.features.add(unit.features)
        self.extra.add(unit.extra)
        self.labels.append(label)
        self.kinds.append(kind)
        self.weights.append(weight)


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
    readers, a tutorial's instruction): planted as a negative, as heavily as a positive.

    Each kind gets its own model, fitted on its planted lines against every negative line
    (the other kinds' lines are neither): a human line that looks a little like one kind then
    raises only that kind's threshold."""
    report = FitReport()
    rows = _Rows()
    hosts = list(human_fit)

    def planted(dev_kind: str, line: str) -> Iterator[LineUnit]:
        # Drawn for the line alone: adding a file or a kind leaves every other line's hosts
        # and places as they were, so that a refit changes only what it should.
        rng = random.Random(f"{settings.seed}:{dev_kind}:{line}")
        for host in rng.sample(hosts, settings.plants_per_line):
            unit = _planted_unit(plant(dev_kind, line, host, rng), line)
            if unit is not None:
                yield unit

    for dev in dev_sets:
        for dev_kind, lines in dev.items():
            for line in lines:
                if dev_kind in KIND_OF_DEV_KIND:
                    for unit in planted(dev_kind, line):
                        rows.add(unit, 1, KIND_OF_DEV_KIND[dev_kind], settings.positive_weight)
                elif dev_kind in NEGATIVE_KEYS:
                    for unit in planted(dev_kind, line):
                        rows.add(unit, 0, weight=settings.positive_weight / 4)
                elif dev_kind in LOOKALIKE_OF_KIND:
                    for unit in planted(dev_kind, line):
                        rows.add(unit, 0, LOOKALIKE_OF_KIND[dev_kind], settings.positive_weight)
    for lookalikes in lookalike_sets:
        for category, lines in lookalikes.items():
            for line in lines:
                for unit in planted(category, line):
                    rows.add(unit, 0, weight=settings.positive_weight)
    for text in human_fit:
        for unit in _units_of(text):
            rows.add(unit, 0)
    for text in machine_fit:
        units = _units_of(text)
        for unit in units[2:-2]:
            rows.add(unit, 0)
    report.counts = dict(
        Counter(
            kind if label else f"{kind} look-alike" if kind else "other"
            for kind, label in zip(rows.kinds, rows.labels, strict=True)
        )
    )
    kinds = tuple(
        sorted({kind for kind, label in zip(rows.kinds, rows.labels, strict=True) if label})
    )
    names, bias, matrix = _fit_kinds(rows, kinds, settings)
    content: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "kinds": list(kinds),
        "kind_thresholds": [np.inf] * len(kinds),
        "kind_bias": bias,
        "extra_kinds": [kind for kind in kinds if kind in settings.extra_kinds],
        "weights": {name: [float(w) for w in row] for name, row in zip(names, matrix, strict=True)},
    }
    scorer = TellLineScorer.from_json(content)
    highest = _highest_by_kind(scorer, [_units_of(text) for text in human_validation])
    if settings.legit_lines_set_thresholds:
        # Every legitimate development line, planted in a validation page, must stay under its
        # kind's threshold too: furniture and look-alikes are rare in the validation pages.
        legit_sets = [
            {key: lines for key, lines in dev.items() if key in NEGATIVE_KEYS} for dev in dev_sets
        ]
        legit = _planted_units(
            [*legit_sets, *lookalike_sets], human_validation, random.Random(settings.seed + 1)
        )
        for kind, value in _highest_by_kind(scorer, [legit]).items():
            highest[kind] = max(highest.get(kind, -np.inf), value)
        for key, kind in LOOKALIKE_OF_KIND.items():
            lookalikes_of_kind = _planted_units(
                [{key: dev[key]} for dev in dev_sets if key in dev],
                human_validation,
                random.Random(settings.seed + 2),
            )
            of_kind = _highest_by_kind(scorer, [lookalikes_of_kind])
            if kind in of_kind:
                highest[kind] = max(highest.get(kind, -np.inf), of_kind[kind])
    # A kind no validation line can be (none stands at an edge) gets the highest threshold.
    ceiling = max(highest.values(), default=0.0)
    content["kind_thresholds"] = [
        float(np.nextafter(highest.get(kind, ceiling), np.inf)) for kind in kinds
    ]
    report.validation_pages = len(human_validation)
    report.highest_by_kind = highest
    return content, report


def _fit_kinds(
    rows: _Rows, kinds: Sequence[str], settings: FitSettings
) -> tuple[list[str], list[float], np.ndarray]:
    """Each kind's model: the feature names with a weight of at least `min_weight` in some
    kind, their weights (a column per kind, float32 as the file keeps them, smaller ones
    zero) and each kind's bias."""
    base, extra = rows.features.build(), rows.extra.build()
    base_count = np.diff(base.indptr)
    extra_count = np.diff(extra.indptr)
    labels = np.asarray(rows.labels)
    line_kinds = np.asarray(rows.kinds)
    weights = np.asarray(rows.weights)
    names = rows.features.names() + rows.extra.names()
    matrix = np.zeros((len(names), len(kinds)), dtype=np.float32)
    bias: list[float] = []
    for column, kind in enumerate(kinds):
        reads_extra = kind in settings.extra_kinds
        counts = base_count + extra_count * reads_extra
        X = hstack([base, extra], format="csr") if reads_extra else base
        X = diags(1.0 / np.sqrt(np.maximum(counts, 1))) @ X
        # The kind's lines and its look-alikes against every line of no kind; the other kinds'
        # lines and look-alikes sit out.
        chosen = np.isin(line_kinds, ("", kind))
        model = LogisticRegression(C=settings.c, max_iter=3000)
        model.fit(X[chosen], labels[chosen] == 1, sample_weight=weights[chosen])
        matrix[: X.shape[1], column] = model.coef_[0]  # the extra features' columns come last
        bias.append(float(model.intercept_[0]))
    matrix[np.abs(matrix) < settings.min_weight] = 0.0
    kept = np.flatnonzero(np.abs(matrix).max(axis=1) > 0)
    return [names[i] for i in kept], bias, matrix[kept]


def _planted_units(
    line_sets: Iterable[Mapping[str, Sequence[str]]], hosts: Sequence[str], rng: random.Random
) -> list[LineUnit]:
    """Each line of `line_sets`, planted once in one of `hosts` where a line of its category
    sits, as the unit it becomes (a line too long to be one is left out)."""
    units = []
    for lines_by_category in line_sets:
        for category, lines in lines_by_category.items():
            for line in lines:
                unit = _planted_unit(plant(category, line, rng.choice(hosts), rng), line)
                if unit is not None:
                    units.append(unit)
    return units


def _highest_by_kind(
    scorer: TellLineScorer, pages: Iterable[Sequence[LineUnit]]
) -> dict[str, float]:
    """For each kind, the highest log-odds of a line of `pages` that could count as one (a
    hand-over or an echo only at the page's edge)."""
    highest: dict[str, float] = {}
    for units in pages:
        if not units:
            continue
        for kind, value in zip(
            scorer.kinds, scorer.eligible_log_odds(units).max(axis=0), strict=True
        ):
            if value > -np.inf:
                highest[kind] = max(highest.get(kind, -np.inf), float(value))
    return highest
