"""Tell lines that no word list names: a small learned scorer of a page's short lines.

The patterns of `artifacts` and `prompter_lines` find the phrasings someone wrote down. A line that
hands the piece back to its prompter, echoes the prompt, labels the reply with a chat role, notes
its own formatting, speaks as a model of itself, leaves a slot unfilled or splices in promotion
comes in endless wordings ("hope this works for you! happy to trim it down to 300 words"). This
scorer reads each short line's words and word pairs, a few marks and where the line stands on the
page and, for each kind of tell line, gives the log-odds that the line is one: a logistic model per
kind, so that a human line that looks a little like one kind (a newsletter sign-up, like promotion)
does not raise the bar of another (a hand-over). Promotion's model also reads the letters of words
and their shapes (a price, a code, a link): promotion in new words shares them with promotion in
known ones. Its weights come with the package (`farmscore/data/tell_lines.npz`), fitted by
`training/fit_tell_lines.py` on the development phrasings of `training/trials/` planted in human
training articles, against every other short line of the training corpora; the file records each
kind's threshold, the rule that set them and what it was fitted on.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import IO, Any

import numpy as np

from farmscore.features.lexicon import normalized_words
from farmscore.features.quoted_speech import reports_a_quotation
from farmscore.features.text import AnalyzedText, Span

FORMAT_VERSION = 2
DATA_PACKAGE = "farmscore.data"
RESOURCE = "tell_lines.npz"
# Tell lines are short: the development phrasings run from 2 to 33 words. Longer lines are
# article prose, and leaving them out keeps the scorer to a few lines of most pages.
MAX_LINE_WORDS = 40
MIN_PAGE_LINES = 2
# A line handing the piece over or back to its prompter, echoing the prompt or labelling the
# reply with a chat role sits at the page's edges: within this many lines of its start or end.
# Amid a page, the same words are a chatty post's own talk, a how-to's instructions or an
# interview's "A:".
EDGE_LINES = 2
EDGE_KINDS = frozenset({"prompter_address", "prompt_echo", "role_marker"})
# A line that quotes someone's words and says whose is not the page's own hand-over, echo,
# role label, slot or self-reference: '"[The council] has failed residents," said the leader.'
QUOTE_EXCUSED_KINDS = EDGE_KINDS | {"placeholder", "self_reference"}
# A model's account of itself says what it is and what it lacks; in fewer words ("Sorry, I
# can't. I am busy.") it is as likely a line of dialogue. 828 of the 830 development
# disclaimers have 7 words or more.
MIN_WORDS_OF_KIND = {"self_reference": 7}
# Characters whose presence in a line is a feature: brackets of slots, the colon of labels,
# the shouting and emoji of promotion.
MARKS = ("!", "?", ":", "[", "]", "{", "}", "<", ">", "#", "@", "*", "$", "£", "€", "%", "🔥", "👉")
# Words this long or longer are read as letter 4-grams too: "subscribe" and "subscription"
# share "<sub", "subs" and "bscr"; shorter words are mostly their own single gram.
MIN_GRAM_WORD_LETTERS = 5
# Words recur by Zipf's law: the grams and shapes of this many words are kept, 3.7 MB at most
# (measured with common words of 7.6 letters on average; 16,384 words took 10 MB).
GRAM_MEMO_WORDS = 4_096


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
    """The features of one line that every kind reads: its lowercase words and word pairs, the
    marks it holds, whether it opens or ends the page, and its length. Distinct, in a fixed
    order."""
    features = dict.fromkeys(f"w {word}" for word in words)
    features.update(dict.fromkeys(f"b {a} {b}" for a, b in itertools.pairwise(words)))
    features.update(dict.fromkeys(f"c {mark}" for mark in MARKS if mark in line))
    if first:
        features["@first"] = None
    if last:
        features["@last"] = None
    features[_length_bucket(len(words))] = None
    return list(features)


def extra_features(words: Sequence[str]) -> list[str]:
    """The features only some kinds read (`TellLineScorer.reads_extra`): the letter 4-grams of
    words of `MIN_GRAM_WORD_LETTERS` letters or more, each word's shape when it is not a plain
    word (a number, a link, a handle, a hashtag, a symbol), and the first word. Distinct, in a
    fixed order.

    >>> extra_features(["grab", "£10", "bonus"])
    ['g <bon', 'g bonu', 'g onus', 'g nus>', 's number', 'f grab']
    """
    # One dict from chained iterators, not an update per word: this runs for every short line.
    features = dict.fromkeys(
        itertools.chain.from_iterable(
            _letter_grams(word) for word in words if len(word) >= MIN_GRAM_WORD_LETTERS
        )
    )
    features.update(
        dict.fromkeys(f"s {shape}" for shape in map(_shape, words) if shape is not None)
    )
    if words:
        features[f"f {words[0]}"] = None
    return list(features)


@lru_cache(maxsize=GRAM_MEMO_WORDS)
def _letter_grams(word: str) -> tuple[str, ...]:
    """The letter 4-grams of a word of letters, its ends marked ("<bon", "nus>"); none for a
    word with other characters."""
    if not word.isalpha():
        return ()
    padded = f"<{word}>"
    return tuple(f"g {padded[i : i + 4]}" for i in range(len(padded) - 3))


@lru_cache(maxsize=GRAM_MEMO_WORDS)
def _shape(word: str) -> str | None:
    """What a word is when it is not a plain word: a link, a handle, a hashtag, a number (a
    price, a code, a percentage) or a symbol."""
    if word.startswith(("http", "www")):
        return "link"
    if word.isalpha():
        return None  # most words: a plain word has no shape feature
    if word.startswith("@"):
        return "handle"
    if word.startswith("#"):
        return "hashtag"
    if any(character.isdigit() for character in word):
        return "number"
    if not any(character.isalpha() for character in word):
        return "symbol"
    return None


@dataclass(frozen=True, slots=True)
class LineUnit:
    """A short line of a page: its span (from its first word), the features every kind reads
    and those only some read, and whether it is within `EDGE_LINES` of the page's start or
    end."""

    span: Span
    features: list[str]
    at_edge: bool
    extra: list[str] = field(default_factory=list)
    # Whether the line reports someone's quoted words ('... began its reply with "Sure,
    # here's ..."'): a hand-over, an echo or a slot it quotes is not the page's own.
    reports_a_quote: bool = False
    # The line's words, for the kinds that need a few (`MIN_WORDS_OF_KIND`).
    n_words: int = MAX_LINE_WORDS


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
        zip(lines, doc.line_word_ranges, strict=True)
    ):
        n_words = end_word - first_word
        if n_words == 0 or n_words > MAX_LINE_WORDS:
            continue
        line_words = words[first_word:end_word]
        line = text[start:end]
        features = line_features(line_words, line, number == 0, number == last)
        at_edge = number < EDGE_LINES or number > last - EDGE_LINES
        yield LineUnit(
            (word_spans[first_word][0], end),
            features,
            at_edge,
            extra_features(line_words),
            reports_a_quotation(line),
            n_words,
        )


@dataclass(frozen=True, slots=True)
class TellLineScorer:
    """For each kind of tell line, the log-odds that a line is one: a bias and a weight per
    feature (a column of `matrix` per kind, its rows named by `rows`), scaled by 1/sqrt of the
    number of features the kind reads in the line. A line is a tell line of a kind at or above
    that kind's threshold: a hand-over, an echo or a role label only at the page's edge, none
    of `QUOTE_EXCUSED_KINDS` in a line that quotes someone, and a model's self-reference only
    in a line of `MIN_WORDS_OF_KIND` words; of two kinds, it is the one whose threshold it
    clears by more."""

    kinds: tuple[str, ...]
    thresholds: np.ndarray
    bias: np.ndarray
    # Whether each kind reads the line's `extra` features, whether it counts only at an edge,
    # and whether a line that quotes someone excuses it.
    reads_extra: np.ndarray
    edge_only: np.ndarray
    quote_excused: np.ndarray
    # The fewest words a line of each kind has.
    min_words: np.ndarray
    rows: Mapping[str, int]
    # A row per feature of `rows`, and a last row of zeros.
    matrix: np.ndarray

    def log_odds(self, unit: LineUnit) -> np.ndarray:
        """The log-odds of each kind (in `kinds` order) that `unit` is a tell line of it."""
        log_odds: np.ndarray = self.log_odds_of([unit])[0]
        return log_odds

    def log_odds_of(self, units: Sequence[LineUnit]) -> np.ndarray:
        """`log_odds` of many lines at once, a row per line: one pass over the weights."""
        if not units:
            return np.empty((0, len(self.kinds)))
        rows = self.rows
        found: list[int] = []
        starts: list[int] = []
        for unit in units:
            starts.append(len(found))
            found += [rows[name] for name in unit.features if name in rows]
            found += [rows[name] for name in unit.extra if name in rows]
            found.append(len(rows))  # the zero row: no line sums nothing
        totals = np.add.reduceat(self.matrix[found], starts, axis=0)
        counts = np.array([len(unit.features) for unit in units])[:, None] + np.outer(
            [len(unit.extra) for unit in units], self.reads_extra
        )
        # A kind that does not read the extra features has no weight on them.
        log_odds: np.ndarray = self.bias + totals / np.sqrt(np.maximum(counts, 1))
        return log_odds

    def eligible_log_odds(self, units: Sequence[LineUnit]) -> np.ndarray:
        """`log_odds_of`, with -inf where a line cannot be of a kind: a hand-over or an echo
        amid the page, a kind the line quotes as someone's words, or a kind that needs more
        words than the line has."""
        log_odds = self.log_odds_of(units)
        amid = np.array([not unit.at_edge for unit in units], dtype=bool)
        log_odds[np.ix_(amid, self.edge_only)] = -np.inf
        quoting = np.array([unit.reports_a_quote for unit in units], dtype=bool)
        log_odds[np.ix_(quoting, self.quote_excused)] = -np.inf
        n_words = np.array([unit.n_words for unit in units])
        log_odds[n_words[:, None] < self.min_words] = -np.inf
        return log_odds

    def tell_kind(self, unit: LineUnit) -> str | None:
        """The kind of tell line `unit` is, or None."""
        return self.tell_kinds([unit])[0]

    def tell_kinds(self, units: Sequence[LineUnit]) -> list[str | None]:
        """`tell_kind` of many lines at once."""
        if not units:
            return []
        margins = self.eligible_log_odds(units) - self.thresholds
        best = margins.argmax(axis=1)
        return [
            self.kinds[kind] if margins[row, kind] >= 0.0 else None for row, kind in enumerate(best)
        ]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TellLineScorer:
        """From the fit's content: `weights` {feature: a weight per kind}, and the rest as the
        weights file's meta holds it."""
        weights = data["weights"]
        if any(len(row) != len(data["kinds"]) for row in weights.values()):
            raise TellLinesFormatError("a weight row does not have one weight per kind")
        matrix = np.asarray(list(weights.values()), dtype=np.float64)
        return cls._build(data, list(weights), matrix.reshape(len(weights), len(data["kinds"])))

    @classmethod
    def load(cls, source: IO[bytes]) -> TellLineScorer:
        """From a weights file written by `save`, stored as a model file is
        (`farmscore.model.file_format`): the scalars as one JSON string, the feature names
        as one string of lines, their weights as a float32 array, a column per kind."""
        with np.load(source, allow_pickle=False) as arrays:
            meta = json.loads(_one_string(arrays["meta"]))
            names = _one_string(arrays["features"]).split("\n")
            matrix = arrays["weights"].astype(np.float64)
        _check_format(meta)
        if matrix.shape != (len(names), len(meta["kinds"])):
            raise TellLinesFormatError("the weights file's arrays do not match its features")
        return cls._build(meta, names, matrix)

    @classmethod
    def _build(
        cls, meta: Mapping[str, Any], names: Sequence[str], matrix: np.ndarray
    ) -> TellLineScorer:
        _check_format(meta)
        kinds = tuple(meta["kinds"])
        per_kind = {
            key: np.asarray(meta[key], dtype=np.float64) for key in ("kind_thresholds", "kind_bias")
        }
        if any(values.shape != (len(kinds),) for values in per_kind.values()):
            raise TellLinesFormatError("the weights file does not have one threshold per kind")
        extra = set(meta["extra_kinds"])
        if not extra <= set(kinds):
            raise TellLinesFormatError(f"extra_kinds {sorted(extra)} are not all kinds")
        return cls(
            kinds=kinds,
            thresholds=per_kind["kind_thresholds"],
            bias=per_kind["kind_bias"],
            reads_extra=np.array([kind in extra for kind in kinds]),
            edge_only=np.array([kind in EDGE_KINDS for kind in kinds]),
            quote_excused=np.array([kind in QUOTE_EXCUSED_KINDS for kind in kinds]),
            min_words=np.array([MIN_WORDS_OF_KIND.get(kind, 0) for kind in kinds]),
            rows={name: row for row, name in enumerate(names)},
            matrix=np.vstack([matrix, np.zeros((1, len(kinds)))]),
        )


def save(content: Mapping[str, Any], destination: IO[bytes]) -> None:
    """Write the fit's content (see `TellLineScorer.from_json`) as a weights file."""
    names = sorted(content["weights"])
    meta = {key: value for key, value in content.items() if key != "weights"}
    np.savez_compressed(
        destination,
        meta=np.array(json.dumps(meta, sort_keys=True)),
        # Feature names never hold a line break, so one string of lines holds them all.
        features=np.array("\n".join(names)),
        weights=np.asarray([content["weights"][name] for name in names], dtype=np.float32).reshape(
            len(names), len(content["kinds"])
        ),
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
    units = list(line_units(doc))
    found: dict[str, list[Span]] = {}
    for unit, kind in zip(units, packaged_scorer().tell_kinds(units), strict=True):
        if kind is not None:
            found.setdefault(kind, []).append(unit.span)
    return found
