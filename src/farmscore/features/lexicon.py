"""The filler lexicon: candidate phrases, their measured weights, and how phrases are matched.

A phrase is a sequence of word tokens, matched case-insensitively on whole tokens of
`AnalyzedText.words_lower` with typographic apostrophes folded to "'", so "Delve" matches
`delve` but "delved" does not, and "moreover" never matches inside "moreoverly".

Each lexicon entry records how often the phrase occurs per 1,000 words in human and in machine
training text and the log-odds ratio of the two with an informative Dirichlet prior (Monroe,
Colaresi and Quinn 2008, "Fightin' Words"). Its weight is that log-odds when the phrase is
reliably more machine-like, else 0: a common "AI tell" that human writers use as often is no
evidence at all.

>>> lex = load_lexicon()
>>> lex.format_version
1
>>> matcher = PhraseMatcher([e for e in lex.entries if e.phrase == "moreover"])
>>> [(i, n) for i, n, _ in matcher.longest_matches(["and", "moreover", "so"])]
[(1, 1)]
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from importlib import resources
from itertools import compress, count
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from farmscore.features.text import AnalyzedText

FORMAT_VERSION = 1
CANDIDATES_FORMAT_VERSION = 1
DATA_PACKAGE = "farmscore.data"
LEXICON_RESOURCE = "lexicon.json"
CANDIDATES_RESOURCE = "lexicon_candidates.json"

CATEGORIES = ("filler", "hedge", "transition", "llm_vocab", "promo", "clickbait", "mined")
ORIGINS = ("curated", "mined")

# Apostrophes the tokeniser keeps inside a word, folded so "it’s" and "it's" are one token.
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})


class LexiconFormatError(ValueError):
    """A lexicon or candidate file that this version of farmscore cannot trust."""


def normalized_words(doc: AnalyzedText) -> list[str]:
    """The document's lower-cased word tokens with typographic apostrophes folded to "'"."""
    text = doc.text
    if "’" not in text and "ʼ" not in text:
        return doc.words_lower
    # Both apostrophes are one code point, like "'", so the word spans still fit the folded
    # text; slicing it is several times faster than folding word by word.
    folded = doc.lower.replace("’", "'").replace("ʼ", "'")
    if len(folded) == len(text):
        return [folded[s:e] for s, e in doc.word_spans]
    return [w.translate(_APOSTROPHES) for w in doc.words_lower]


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """The tokens a phrase is matched as: "In today's fast-paced world" ->
    ('in', "today's", 'fast', 'paced', 'world')."""
    # Imported here because importing the features package imports the filler family, which
    # imports this module: a top-level import would make the two depend on load order.
    from farmscore.features.text import AnalyzedText

    return tuple(normalized_words(AnalyzedText(phrase)))


@dataclass(frozen=True, slots=True)
class Candidate:
    """A phrase to measure: its text, category and whether a person or the miner proposed it."""

    phrase: str
    category: str
    origin: str = "curated"

    @property
    def tokens(self) -> tuple[str, ...]:
        return phrase_tokens(self.phrase)


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One measured phrase. Rates are per 1,000 words of training text in each class; docfreq
    counts training documents containing the phrase; `domains_machine` counts the corpus
    domains (source without its writer) whose machine text uses it; `log_odds` and `z` compare
    machine with human text over all training rows, `log_odds_paired` and `z_paired` only over
    stories that have both a human original and machine rewrites; `weight` is what the
    filler features add per match."""

    phrase: str
    category: str
    origin: str
    count_human: int
    count_machine: int
    rate_human_per_1k: float
    rate_machine_per_1k: float
    docfreq_human: int
    docfreq_machine: int
    domains_machine: int
    log_odds: float
    z: float
    log_odds_paired: float
    z_paired: float
    weight: float

    @property
    def tokens(self) -> tuple[str, ...]:
        return phrase_tokens(self.phrase)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A versioned lexicon file: provenance header plus every measured entry."""

    format_version: int
    lexicon_version: str
    created: str
    header: Mapping[str, Any]
    entries: tuple[LexiconEntry, ...]

    def weighted(self) -> tuple[LexiconEntry, ...]:
        """Entries that count as evidence (weight > 0)."""
        return tuple(e for e in self.entries if e.weight > 0)


@dataclass(frozen=True, slots=True)
class LogOdds:
    """A log-odds ratio (natural log) of class a over class b and its z-score."""

    log_odds: float
    z: float


def dirichlet_log_odds(
    count_a: float,
    total_a: float,
    count_b: float,
    total_b: float,
    prior_count: float,
    prior_total: float,
) -> LogOdds:
    """Log-odds ratio of a phrase in class a versus class b with an informative Dirichlet
    prior (Monroe et al. 2008, eq. 16 and 18-20): `prior_count` pseudo-occurrences of the
    phrase out of `prior_total` pseudo-words are added to each class.

    >>> r = dirichlet_log_odds(10, 100, 5, 200, prior_count=1, prior_total=10)
    >>> round(r.log_odds, 4), round(r.z, 4)
    (1.3291, 2.6189)
    """
    if prior_count <= 0 or prior_total <= prior_count:
        raise ValueError(
            f"prior_count must be > 0 and below prior_total, got {prior_count} of {prior_total}"
        )
    a = count_a + prior_count
    b = count_b + prior_count
    delta = math.log(a / (total_a + prior_total - a)) - math.log(b / (total_b + prior_total - b))
    # The paper's approximation of the variance, valid when counts are small against totals.
    variance = 1.0 / a + 1.0 / b
    return LogOdds(delta, delta / math.sqrt(variance))


def entry_weight(overall: LogOdds, paired: LogOdds, z_min: float, cap: float) -> float:
    """The weight of a phrase: the smaller of its overall and within-story log-odds, capped;
    0 unless the overall comparison finds it more machine-like with z >= `z_min` and the
    within-story comparison agrees in direction.

    The within-story comparison guards against a confound: overall, human text is mostly
    long news and opinion while machine text spans 21 domains, so an academic word such as
    "therefore" looks machine-like overall but not when the topic is held fixed. It is a check
    of direction, not a second significance test: its human side is small (about 0.5M words)
    and rare phrases could never pass one.
    """
    if overall.z < z_min or paired.log_odds <= 0:
        return 0.0
    return max(0.0, min(cap, overall.log_odds, paired.log_odds))


# --- matching -------------------------------------------------------------------------------


class _HasTokens(Protocol):
    @property
    def tokens(self) -> tuple[str, ...]: ...


PhraseT = TypeVar("PhraseT", bound=_HasTokens)


class _TrieNode(Generic[PhraseT]):
    """One token of a phrase prefix: the phrase ending here, if any, and what may follow."""

    __slots__ = ("children", "phrase")

    def __init__(self) -> None:
        self.children: dict[str, _TrieNode[PhraseT]] = {}
        self.phrase: PhraseT | None = None


class PhraseMatcher(Generic[PhraseT]):
    """Finds phrases in a token list through a trie of their tokens: one dict lookup per
    token of text, plus one per token of a phrase prefix that matches, so the cost is linear
    in the text whatever the number of phrases."""

    __slots__ = ("_root",)

    def __init__(self, phrases: Iterable[PhraseT]) -> None:
        root: _TrieNode[PhraseT] = _TrieNode()
        for phrase in phrases:
            tokens = phrase.tokens
            if not tokens:
                continue
            node = root
            for token in tokens:
                child = node.children.get(token)
                if child is None:
                    child = node.children[token] = _TrieNode()
                node = child
            node.phrase = phrase
        self._root = root

    def all_matches(self, words: Sequence[str]) -> Iterator[tuple[int, int, PhraseT]]:
        """Every occurrence of every phrase, overlaps included: (start token, length, phrase).
        This is how the miner counts, so each phrase's rate is its own."""
        first = self._root.children
        n_words = len(words)
        for i, word in enumerate(words):
            node = first.get(word)
            j = i + 1
            while node is not None:
                if node.phrase is not None:
                    yield i, j - i, node.phrase
                if j >= n_words:
                    break
                node = node.children.get(words[j])
                j += 1

    def longest_matches(self, words: Sequence[str]) -> Iterator[tuple[int, int, PhraseT]]:
        """Non-overlapping matches, scanning left to right and taking the longest phrase at
        each position, so "plays a crucial role" is not also counted as "crucial"."""
        first = self._root.children
        n_words = len(words)
        i = 0
        # Few words start a phrase: find them in C, then walk the trie from those only.
        for start in compress(count(), map(first.__contains__, words)):
            if start < i:
                continue  # inside the previous match
            i = start
            node = first.get(words[i])
            best: PhraseT | None = None
            best_end = i + 1
            j = i + 1
            while node is not None:
                if node.phrase is not None:
                    best, best_end = node.phrase, j
                if j >= n_words:
                    break
                node = node.children.get(words[j])
                j += 1
            if best is not None:
                yield i, best_end - i, best
                i = best_end


# --- candidate file -------------------------------------------------------------------------


def parse_candidates(text: str, where: str) -> tuple[Candidate, ...]:
    """Candidates from the JSON of a candidate file; `where` names it in errors. Rejects an
    unknown format, unknown categories, phrases without word tokens and duplicates (two
    phrases with the same tokens, whatever their spelling)."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LexiconFormatError(f"{where}: not JSON ({exc}); fix the file") from exc
    if not isinstance(raw, dict) or raw.get("format_version") != CANDIDATES_FORMAT_VERSION:
        raise LexiconFormatError(
            f"{where}: expected an object with format_version {CANDIDATES_FORMAT_VERSION}"
        )
    categories = raw.get("categories")
    if not isinstance(categories, dict):
        raise LexiconFormatError(f"{where}: 'categories' must map a category to phrases")
    seen: dict[tuple[str, ...], str] = {}
    out: list[Candidate] = []
    for category, phrases in categories.items():
        if category not in CATEGORIES or category == "mined":
            raise LexiconFormatError(
                f"{where}: unknown category {category!r}; use one of {CATEGORIES[:-1]}"
            )
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise LexiconFormatError(f"{where}: category {category!r} must list strings")
        for phrase in phrases:
            tokens = phrase_tokens(phrase)
            if not tokens:
                raise LexiconFormatError(f"{where}: phrase {phrase!r} has no word tokens")
            if tokens in seen:
                raise LexiconFormatError(
                    f"{where}: phrase {phrase!r} ({category}) duplicates {seen[tokens]!r}"
                )
            seen[tokens] = phrase
            out.append(Candidate(phrase, category))
    return tuple(out)


def load_candidates() -> tuple[Candidate, ...]:
    """The curated candidate phrases shipped with the package."""
    return parse_candidates(read_package_text(CANDIDATES_RESOURCE), CANDIDATES_RESOURCE)


def read_package_text(resource: str) -> str:
    """The text of a file in farmscore's data package."""
    return resources.files(DATA_PACKAGE).joinpath(resource).read_text(encoding="utf-8")


# --- lexicon file ---------------------------------------------------------------------------

_ENTRY_FIELDS = frozenset(f.name for f in fields(LexiconEntry))
_INT_FIELDS = frozenset(
    ("count_human", "count_machine", "docfreq_human", "docfreq_machine", "domains_machine")
)
_STR_FIELDS = frozenset(("phrase", "category", "origin"))


def _entry_from_json(raw: object, where: str) -> LexiconEntry:
    if not isinstance(raw, dict) or set(raw) != set(_ENTRY_FIELDS):
        raise LexiconFormatError(f"{where}: entry must have exactly {sorted(_ENTRY_FIELDS)}")
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name in _STR_FIELDS:
            ok = isinstance(value, str)
        elif name in _INT_FIELDS:
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        else:
            ok = (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
            )
            value = float(value) if ok else value
        if not ok:
            raise LexiconFormatError(f"{where}: field {name!r} has bad value {value!r}")
        values[name] = value
    entry = LexiconEntry(**values)
    if entry.category not in CATEGORIES or entry.origin not in ORIGINS:
        raise LexiconFormatError(f"{where}: unknown category or origin in {entry.phrase!r}")
    if entry.weight < 0:
        raise LexiconFormatError(f"{where}: negative weight for {entry.phrase!r}")
    return entry


def parse_lexicon(text: str, where: str) -> Lexicon:
    """A `Lexicon` from the JSON text of a lexicon file; refuses other format versions."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LexiconFormatError(f"{where}: not JSON ({exc}); regenerate it") from exc
    if not isinstance(raw, dict):
        raise LexiconFormatError(f"{where}: expected a JSON object")
    version = raw.get("format_version")
    if version != FORMAT_VERSION:
        raise LexiconFormatError(
            f"{where}: format_version {version!r}, this farmscore reads {FORMAT_VERSION}; "
            "regenerate it with training/mine_lexicon.py"
        )
    entries_raw = raw.get("entries")
    if not isinstance(entries_raw, list):
        raise LexiconFormatError(f"{where}: 'entries' must be a list")
    entries = tuple(
        _entry_from_json(item, f"{where} entry {i}") for i, item in enumerate(entries_raw)
    )
    header = {k: v for k, v in raw.items() if k != "entries"}
    return Lexicon(
        format_version=FORMAT_VERSION,
        lexicon_version=str(raw.get("lexicon_version", "")),
        created=str(raw.get("created", "")),
        # Read-only: the shipped lexicon is cached and shared by every caller.
        header=MappingProxyType(header),
        entries=entries,
    )


def lexicon_to_json(header: dict[str, Any], entries: Sequence[LexiconEntry]) -> str:
    """The text of a lexicon file: an indented header, then one entry per line so that a diff
    of two versions reads phrase by phrase."""
    # json.dumps with indent ends an object with "\n}": drop that to append the entries.
    head = json.dumps({"format_version": FORMAT_VERSION, **header}, indent=2, ensure_ascii=False)
    head = head[: -len("\n}")]
    lines = [json.dumps(asdict(e), ensure_ascii=False) for e in entries]
    return head + ',\n  "entries": [\n    ' + ",\n    ".join(lines) + "\n  ]\n}\n"


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The lexicon shipped with the package, read once per process."""
    return parse_lexicon(read_package_text(LEXICON_RESOURCE), LEXICON_RESOURCE)
