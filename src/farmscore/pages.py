"""Page-level training examples assembled from the corpora's texts.

The LLM side of the corpora is a proxy for content farms: short rewrites without a farm page's
structure. `assemble_farm_pages` builds farm-like pages from it (one story told at length,
sometimes twice, with farm furniture); `assemble_human_pages` builds pages of the same lengths
from human texts, with the honest furniture of news and opinion sites. Both draw their target
lengths from `matched_lengths`, so word count cannot tell the label, and both take every random
choice from the numpy Generator they are given, so a seed fixes the pages.

Pages are only as clean as their inputs: build train pages from train rows and test pages from
test rows (`farmscore.corpus.split_by_group`), after `farmscore.corpus.strip_shared_openings`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from importlib import resources
from itertools import chain
from typing import Any, Generic, TypeVar

import numpy as np
import pandas as pd

from farmscore.splits import is_test_group

FARM_PAGE_SOURCE = "assembled/farm"
HUMAN_PAGE_SOURCE = "assembled/human"
PAGE_COLUMNS: tuple[str, ...] = (
    "id",
    "text",
    "label",
    "source",
    "group",
    "generator",
    "domain",
    "part_ids",
    "page_traits",
)
ROW_COLUMNS: tuple[str, ...] = ("id", "text", "group", "generator", "domain")
LONG_ARTICLE_DOMAINS = frozenset({"bbc", "opinion", "localnews", "pan24_news"})

# Page lengths in words, shared by both classes: log-normal around a typical web article.
MEDIAN_PAGE_WORDS = 500
PAGE_WORDS_LOG_SIGMA = 0.6
MIN_PAGE_WORDS = 120
MAX_PAGE_WORDS = 3000
# The corpora mark paragraphs differently (blank lines, single lines, none at all) and the LLM
# texts break theirs more often, a difference of source that a model must not learn: on both
# sides, prose is regrouped into paragraphs of a random length in this range of words, and only
# short lines (headings, list items) keep their own line.
PARAGRAPH_MIN_WORDS = 15
PARAGRAPH_MAX_WORDS = 75
LINE_ITEM_MAX_WORDS = 12
# A sentence longer than this may be cut at a word to land near the target length.
LONG_SENTENCE_WORDS = 60
# Every page keeps at least this much body text, however much furniture it carries.
MIN_BODY_WORDS = 80
# A text's last sentence without a full stop, longer than this, is a cut-off fragment.
FRAGMENT_MIN_WORDS = 6
# A first sentence up to this long is a whole headline; a longer one is cut at a clause.
HEADLINE_MAX_WORDS = 12
# Share of pages, of either class, whose body gets curly quotes and dashes (else straight).
CURLY_TYPOGRAPHY_SHARE = 0.5
# A recap restates the story's first sentence, cut to this many words if longer.
RECAP_MAX_WORDS = 40
# Honest subheadings are the longest run of content words near a paragraph's start.
SUBHEADING_SCAN_WORDS = 40
SUBHEADING_MAX_WORDS = 5
# Datelines only open news pages.
NEWS_DOMAINS = frozenset({"bbc", "localnews", "xsum", "NewsArticle", "pan24_news"})
# Words held back for each honest subheading, which is written only once the body exists.
SUBHEADING_RESERVE_WORDS = 5

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class HumanFurnitureRates:
    """Chance that an assembled human page has each trait, drawn independently; the furniture
    rates apply to pages that are not bare, as for `FarmFurnitureRates`.

    bare_page: no furniture at all. plain_title: a title line from the story's first words.
    byline: "By Jane Smith, Staff Writer". dateline: "WASHINGTON (Reuters) —" before the text,
    on news pages only (NEWS_DOMAINS).
    photo_caption: 1-2 captions with credits. trailer: 1-2 donation, newsletter or credit lines.
    related_links: 1-2 "Read more: ..." / "Related: ..." lines. subheadings: 1-3 subheadings
    taken from the words of the paragraph they head.
    long_article: share of pages cut from a long article (bbc, opinion, localnews) rather than
    joined from short texts of one domain, when both kinds are present.
    embedded_post, comment_footer, promo_lines: the same furniture as on farm pages, at lower
    rates, because real news sites embed posts, run comment forms and promotion widgets too
    (the shared real pages and local-news corpus show all three); no single piece of furniture
    may decide the label.
    """

    bare_page: float = 0.15
    plain_title: float = 0.65
    byline: float = 0.35
    dateline: float = 0.5
    photo_caption: float = 0.35
    trailer: float = 0.35
    related_links: float = 0.35
    subheadings: float = 0.2
    long_article: float = 0.5
    embedded_post: float = 0.12
    comment_footer: float = 0.12
    promo_lines: float = 0.1


@dataclass(frozen=True, slots=True)
class FarmFurnitureRates:
    """Chance that an assembled farm page has each trait, drawn independently; the furniture
    rates apply to pages that are not bare, so a page has furniture kind k with probability
    (1 - bare_page) * k (defaults: leaked text about 5%, a clickbait title about 47%).

    bare_page: no furniture at all (the story and its top-up only).
    clickbait_title: "BREAKING: ...!" and kin; plain_title: a plain title, when not clickbait.
    generic_headings: 2-4 headings such as "The Bigger Picture" and a closing "Final Thoughts".
    promo_lines: 1-3 injected cross-promotion lines ("YOU MAY ALSO LIKE: ...", "Read more: ...").
    embedded_post: 1-2 remnants of embedded posts ("pic.twitter.com/...", "— Name (@handle) ...").
    comment_footer: a comment form at the end ("Leave a Reply", "Required fields are marked *").
    leaked_assistant: text the LLM addressed to its prompter ("Sure! Here's a 600-word ...").
    recap: an "In conclusion, ..." paragraph restating the story's first sentence.
    retold_story: the story told by two rewrites (when its group has two); third_telling: by a
    third, among retold pages.
    honest: the honest furniture of news sites (byline, dateline, photo captions, related
    links, trailers, subheadings) at the same rates as on human pages, because a farm can add
    any of it for free: none of it may tell the classes apart.
    """

    bare_page: float = 0.15
    clickbait_title: float = 0.55
    plain_title: float = 0.35
    generic_headings: float = 0.5
    promo_lines: float = 0.45
    embedded_post: float = 0.35
    comment_footer: float = 0.4
    leaked_assistant: float = 0.06
    recap: float = 0.3
    retold_story: float = 0.45
    third_telling: float = 0.2
    honest: HumanFurnitureRates = field(default_factory=HumanFurnitureRates)


@dataclass(frozen=True, slots=True)
class FurnitureTemplates:
    """The templates and made-up names in `farmscore/data/page_furniture.json`."""

    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    cities: tuple[str, ...]
    dateline_agencies: tuple[str, ...]
    photo_agencies: tuple[str, ...]
    papers: tuple[str, ...]
    sites: tuple[str, ...]
    roles: tuple[str, ...]
    orgs: tuple[str, ...]
    hashtags: tuple[str, ...]
    plain_titles: tuple[str, ...]
    clickbait_titles: tuple[str, ...]
    heading_styles: tuple[str, ...]
    middle_headings: tuple[str, ...]
    closing_headings: tuple[str, ...]
    promo_lines: tuple[str, ...]
    embedded_posts: tuple[str, ...]
    comment_headers: tuple[str, ...]
    comment_notices: tuple[str, ...]
    comment_fields: tuple[str, ...]
    leaked_assistant_top: tuple[str, ...]
    leaked_assistant_bottom: tuple[str, ...]
    recap_openers: tuple[str, ...]
    recap_closers: tuple[str, ...]
    bylines: tuple[str, ...]
    datelines: tuple[str, ...]
    photo_captions: tuple[str, ...]
    trailers: tuple[str, ...]
    related_links: tuple[str, ...]


@lru_cache(maxsize=1)
def furniture_templates() -> FurnitureTemplates:
    """The page furniture templates, loaded once from the package data."""
    resource = resources.files("farmscore.data").joinpath("page_furniture.json")
    raw: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    flat = {key: value for key, value in raw.items() if isinstance(value, list)}
    flat.update(raw["farm"])
    flat.update(raw["human"])
    return FurnitureTemplates(
        **{spec.name: tuple(flat[spec.name]) for spec in fields(FurnitureTemplates)}
    )


def matched_lengths(
    n: int,
    rng: np.random.Generator,
    median_words: int = MEDIAN_PAGE_WORDS,
    log_sigma: float = PAGE_WORDS_LOG_SIGMA,
) -> np.ndarray:
    """`n` target page lengths in words, log-normal around `median_words`, clipped to
    MIN_PAGE_WORDS..MAX_PAGE_WORDS. Draw one set per class from the same settings so that the
    two classes' lengths match.

    >>> lengths = matched_lengths(1000, np.random.default_rng(0))
    >>> bool(MIN_PAGE_WORDS <= lengths.min() and lengths.max() <= MAX_PAGE_WORDS)
    True
    >>> 420 < int(np.median(lengths)) < 580
    True
    """
    if n < 0:
        raise ValueError(f"matched_lengths: n must be >= 0, got {n}")
    draws = np.exp(rng.normal(np.log(median_words), log_sigma, size=n))
    return np.clip(np.rint(draws), MIN_PAGE_WORDS, MAX_PAGE_WORDS).astype(np.int64)


# --- text pieces -----------------------------------------------------------------------------

_SENTENCE_END_CHARS = ".!?…"
_CLOSING_CHARS = "\"'”’)]"
# Terminal punctuation and closing quotes before whitespace; possessive, so runs of "....."
# cannot backtrack.
_SENTENCE_END = re.compile(r"[.!?…]++[\"'”’)\]]*+(?=\s|\Z)")
_ABBREVIATIONS = frozenset(
    {
        *("mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "gov", "sen", "rep"),
        *("lt", "col", "sgt", "capt", "no", "vs", "etc", "inc", "co", "ltd", "corp", "dept"),
        *("fig", "approx", "est", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep"),
        *("sept", "oct", "nov", "dec", "mt", "ave", "rd", "u.s", "u.k", "e.g", "i.e"),
    }
)
_SMALL_WORDS = frozenset(
    {
        *("a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor"),
        *("of", "on", "or", "the", "to", "with", "is", "was", "are"),
    }
)
_MONTHS = (
    *("January", "February", "March", "April", "May", "June", "July"),
    *("August", "September", "October", "November", "December"),
)
_WEAK_ENDINGS = _SMALL_WORDS | frozenset(
    {
        *("its", "his", "her", "their", "our", "my", "your", "that", "which", "who", "this"),
        *("these", "those", "be", "been", "has", "have", "had", "will", "would", "can", "could"),
        *("should", "than", "then", "so", "not", "also", "very", "more", "most", "about", "over"),
        *("after", "before", "between", "through", "during", "while", "when", "where", "how"),
        *("what", "if", "because", "were", "it", "they", "he", "she", "we", "i", "you", "&"),
    }
)
# A UTF-8 sequence decoded as cp1252 or latin-1: a lead byte then its continuation bytes.
_CONTINUATION = (
    "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
_SUBHEADING_BREAKERS = _WEAK_ENDINGS | frozenset(
    {
        *("said", "says", "told", "added", "according", "being", "did", "does", "do", "no"),
        *("just", "only", "there", "here", "one", "two", "him", "them", "us", "me", "all"),
        *("but", "however", "said", "say", "think", "like", "now", "still", "yet", "even"),
    }
)
_MOJIBAKE = re.compile(
    f"[\u00c2-\u00df]{_CONTINUATION}|[\u00e0-\u00ef]{_CONTINUATION}{{2}}"
    f"|[\u00f0-\u00f4]{_CONTINUATION}{{3}}"
)
_STRAIGHTEN = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"'})
_DOUBLE_QUOTE_OPEN = re.compile(r'(?:^|(?<=[\s(\[]))"')
_SINGLE_QUOTE_OPEN = re.compile(r"(?:^|(?<=[\s(\[]))'")
_EDGE_PUNCTUATION = "\"'“”‘’()[],.;:!?-—–…*#"


def _word_count(text: str) -> int:
    return len(text.split())


def _sentences(line: str) -> list[str]:
    """The sentences of one line, each with its whitespace collapsed."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        if _is_abbreviation(line, match.start(), match.end()):
            continue
        piece = " ".join(line[start : match.end()].split())
        if piece:
            sentences.append(piece)
        start = match.end()
    tail = " ".join(line[start:].split())
    if tail:
        sentences.append(tail)
    return sentences


def _is_abbreviation(line: str, mark: int, end: int) -> bool:
    """True when the full stop at `mark` ends "Mr", "U.S" or an initial, not a sentence."""
    if line[mark:end] != ".":
        return False
    word_start = line.rfind(" ", max(0, mark - 12), mark) + 1
    if word_start == 0 and mark > 12:
        return False
    word = line[word_start:mark].lstrip(_EDGE_PUNCTUATION).lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _cp1252_byte(char: str) -> bytes:
    """The byte that cp1252 (or, for its five unused bytes, latin-1) shows as `char`."""
    try:
        return char.encode("cp1252")
    except UnicodeEncodeError:
        return char.encode("latin-1")


def _repair_mojibake(text: str) -> str:
    """`text` with UTF-8 read as cp1252/latin-1 ("Â£", "Ã©", "â€™") decoded back."""

    def decoded(match: re.Match[str]) -> str:
        try:
            raw = b"".join(_cp1252_byte(char) for char in match.group())
            return raw.decode("utf-8")
        except UnicodeError:
            return match.group()

    return _MOJIBAKE.sub(decoded, text)


def _is_fragment_start(sentence: str) -> bool:
    return sentence[:1].islower()


def _is_unterminated(sentence: str) -> bool:
    return sentence.rstrip(_CLOSING_CHARS)[-1:] not in _SENTENCE_END_CHARS


def _paragraph_sentences(text: str) -> list[list[str]]:
    """Paragraphs (any line break ends one) as lists of sentences; blank lines dropped.

    Mojibake is repaired, and a text that opens or closes mid-sentence (xsum's cut openings
    and endings) loses that fragment, so that pages never start or stop mid-sentence.
    """
    paragraphs: list[list[str]] = []
    for line in _repair_mojibake(text).replace("\r", "\n").split("\n"):
        sentences = _sentences(line)
        if sentences:
            paragraphs.append(sentences)
    n_sentences = sum(len(p) for p in paragraphs)
    if n_sentences > 1 and _is_fragment_start(paragraphs[0][0]):
        paragraphs[0].pop(0)
        n_sentences -= 1
        if not paragraphs[0]:
            paragraphs.pop(0)
    last = paragraphs[-1][-1] if paragraphs else ""
    if n_sentences > 1 and _is_unterminated(last) and _word_count(last) > FRAGMENT_MIN_WORDS:
        paragraphs[-1].pop()
        if not paragraphs[-1]:
            paragraphs.pop()
    return paragraphs


def _straight_typography(text: str) -> str:
    text = text.translate(_STRAIGHTEN).replace("…", "...")
    return text.replace(" — ", " - ").replace("—", " - ")


def _curly_typography(text: str) -> str:
    text = _DOUBLE_QUOTE_OPEN.sub("“", text).replace('"', "”")
    text = _SINGLE_QUOTE_OPEN.sub("‘", text).replace("'", "’")
    return text.replace("...", "…").replace(" -- ", " — ").replace(" - ", " — ")


def _with_random_typography(paragraphs: list[str], rng: np.random.Generator) -> list[str]:
    """The paragraphs in straight or curly typography, chosen at random per page: the human
    corpora mostly use curly quotes and dashes and the LLM texts straight ones, a difference
    of source, not of writer, that a model must not learn."""
    style = _curly_typography if rng.random() < CURLY_TYPOGRAPHY_SHARE else _straight_typography
    return [style(paragraph) for paragraph in paragraphs]


def _clean_words(sentence: str, n_words: int) -> list[str]:
    """Up to `n_words` leading words of a sentence, without punctuation at the phrase's edges."""
    words = sentence.split()[:n_words]
    while words and not words[-1].strip(_EDGE_PUNCTUATION):
        words.pop()
    if not words:
        return []
    words[0] = words[0].lstrip(_EDGE_PUNCTUATION) or words[0]
    words[-1] = words[-1].rstrip(_EDGE_PUNCTUATION) or words[-1]
    return words


def _headline_phrase(sentence: str, rng: np.random.Generator) -> list[str]:
    """A headline-sized phrase from the start of a sentence: the whole of a short one, else up
    to its first clause break, else 6-10 words; never ending on a function word."""
    words = sentence.split()
    if len(words) > HEADLINE_MAX_WORDS:
        clause_end = next(
            (i + 1 for i in range(3, HEADLINE_MAX_WORDS) if words[i][-1:] in ",;:"), None
        )
        words = words[: clause_end or int(rng.integers(6, 11))]
    phrase = _clean_words(" ".join(words), len(words))
    while len(phrase) > 2 and phrase[-1].lower() in _WEAK_ENDINGS:
        phrase.pop()
    return phrase


def _title_case(words: Sequence[str]) -> str:
    return " ".join(
        word.lower() if index and word.lower() in _SMALL_WORDS else word[:1].upper() + word[1:]
        for index, word in enumerate(words)
    )


def _sentence_case(words: Sequence[str]) -> str:
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _pick(items: Sequence[_T], rng: np.random.Generator) -> _T:
    return items[int(rng.integers(len(items)))]


def _pick_distinct(items: Sequence[_T], count: int, rng: np.random.Generator) -> list[_T]:
    order = rng.permutation(len(items))[: min(count, len(items))]
    return [items[int(i)] for i in order]


class _Cycle(Generic[_T]):
    """Items in a random order, reshuffled each time they run out, so pages spread over all."""

    def __init__(self, items: Sequence[_T], rng: np.random.Generator) -> None:
        self._items = list(items)
        self._rng = rng
        self._order: list[int] = []

    def __len__(self) -> int:
        return len(self._items)

    def next(self) -> _T:
        if not self._order:
            self._order = [int(i) for i in self._rng.permutation(len(self._items))[::-1]]
        return self._items[self._order.pop()]


class _RowPool:
    """The input rows of one class, indexed by domain and group, each text split on demand."""

    def __init__(self, rows: pd.DataFrame) -> None:
        self.ids: list[str] = [str(v) for v in rows["id"]]
        self.texts: list[str] = [str(v) for v in rows["text"]]
        self.groups: list[str] = [str(v) for v in rows["group"]]
        self.generators: list[str] = [str(v) for v in rows["generator"]]
        self.domains: list[str] = [str(v) for v in rows["domain"]]
        self._by_domain: dict[str, list[int]] = {}
        self._by_group: dict[str, list[int]] = {}
        self._split: dict[int, list[list[str]]] = {}
        for position, text in enumerate(self.texts):
            if not text.strip():
                continue
            self._by_domain.setdefault(self.domains[position], []).append(position)
            self._by_group.setdefault(self.groups[position], []).append(position)

    def group_names(self) -> list[str]:
        return sorted(self._by_group)

    def positions(self) -> list[int]:
        return sorted(p for members in self._by_group.values() for p in members)

    def in_group(self, group: str) -> list[int]:
        return self._by_group[group]

    def in_domain(self, domain: str) -> list[int]:
        return self._by_domain[domain]

    def paragraphs(self, position: int) -> list[list[str]]:
        if position not in self._split:
            self._split[position] = _paragraph_sentences(self.texts[position])
        return self._split[position]

    def raw_words(self, position: int) -> int:
        """Words in the raw text: cheap, for choosing an article before splitting it."""
        return _word_count(self.texts[position])

    def sentences(self, position: int) -> list[str]:
        return [s for paragraph in self.paragraphs(position) for s in paragraph]

    def random_other(
        self, domain: str, exclude_groups: set[str], rng: np.random.Generator
    ) -> int | None:
        """A random row of `domain` whose group is not excluded, or None when none is left."""
        candidates = self._by_domain[domain]
        for _ in range(32):
            position = _pick(candidates, rng)
            if self.groups[position] not in exclude_groups:
                return position
        # Few candidates are left: look at each once, in random order.
        for index in rng.permutation(len(candidates)):
            position = candidates[int(index)]
            if self.groups[position] not in exclude_groups:
                return position
        return None

    def top_ups(
        self, domain: str, exclude_groups: set[str], rng: np.random.Generator
    ) -> Iterator[int]:
        """Rows of `domain` from groups not yet used, drawn until the domain runs out."""
        while True:
            position = self.random_other(domain, exclude_groups, rng)
            if position is None:
                return
            exclude_groups.add(self.groups[position])
            yield position


class _SlotValues(dict[str, str]):
    """Template slot values, each made on first use and then kept, so that one template's
    {name} and {handle} describe the same made-up person."""

    def __init__(self, makers: dict[str, Callable[[_SlotValues], str]]) -> None:
        super().__init__()
        self._makers = makers

    def __missing__(self, key: str) -> str:
        value = self._makers[key](self)
        self[key] = value
        return value


class _Filler:
    """Fills furniture templates for one page from its story and from made-up names."""

    def __init__(
        self,
        pool: _RowPool,
        primary: int,
        target_words: int,
        rng: np.random.Generator,
        templates: FurnitureTemplates,
    ) -> None:
        self._pool = pool
        self._primary = primary
        self._rng = rng
        self._templates = templates
        sentences = pool.sentences(primary)
        self._story_sentences = sentences or ["Update"]
        title_words = _headline_phrase(self._story_sentences[0], rng) or [
            "Latest",
            "update",
        ]
        self.title_words = title_words
        self._target_words = target_words
        self._makers: dict[str, Callable[[_SlotValues], str]] = {
            "title": lambda s: _sentence_case(self.title_words),
            "Title": lambda s: _title_case(self.title_words),
            "TITLE": lambda s: " ".join(self.title_words).upper(),
            "Title_shouty": lambda s: self._shouty(),
            "sentence": lambda s: self._recap_sentence(),
            "quote": lambda s: self._quote(),
            "caption": lambda s: self._caption(),
            "headline": lambda s: _sentence_case(self._headline_words()),
            "Headline": lambda s: _title_case(self._headline_words()),
            "HEADLINE": lambda s: " ".join(self._headline_words()).upper(),
            "name": lambda s: self._name(),
            "name2": lambda s: self._name(),
            "NAME": lambda s: s["name"].upper(),
            "handle": lambda s: self._handle(s["name"]),
            "email": lambda s: s["name"].lower().replace(" ", ".") + "@" + s["site"] + ".com",
            "date": lambda s: f"{s['month_day']}, {s['year']}",
            "month_day": lambda s: self._month_day(),
            "year": lambda s: str(int(rng.integers(2016, 2026))),
            "city": lambda s: _pick(templates.cities, rng),
            "City": lambda s: s["city"],
            "CITY": lambda s: s["city"].upper(),
            "agency": lambda s: _pick(templates.dateline_agencies, rng),
            "photo_agency": lambda s: _pick(templates.photo_agencies, rng),
            "paper": lambda s: _pick(templates.papers, rng),
            "site": lambda s: _pick(templates.sites, rng),
            "role": lambda s: _pick(templates.roles, rng),
            "org": lambda s: _pick(templates.orgs, rng),
            "tag": lambda s: _pick(templates.hashtags, rng),
            "tag2": lambda s: _pick(templates.hashtags, rng),
            "code": lambda s: self._short_code(),
            "n": lambda s: str(int(rng.integers(1, 60))),
            "words": lambda s: str(max(300, 100 * round(self._target_words / 100))),
            "keywords": lambda s: ", ".join(w.lower() for w in self.title_words[:4]),
        }

    def fill(self, template: str) -> str:
        return template.format_map(_SlotValues(self._makers))

    def fill_one(self, choices: Sequence[str]) -> str:
        return self.fill(_pick(choices, self._rng))

    def _shouty(self) -> str:
        words = _title_case(self.title_words).split()
        for index in _pick_distinct(range(len(words)), int(self._rng.integers(1, 3)), self._rng):
            words[index] = words[index].upper()
        return " ".join(words)

    def _recap_sentence(self) -> str:
        sentence = self._story_sentences[0]
        words = sentence.split()
        if len(words) > RECAP_MAX_WORDS:
            sentence = " ".join(words[:RECAP_MAX_WORDS])
        # Lower-case the opening word unless it is a name or an acronym.
        if (
            len(sentence) > 1
            and sentence[1].islower()
            and sentence.split()[0].lower()
            in (_SMALL_WORDS | {"this", "it", "they", "there", "many", "some", "we"})
        ):
            sentence = sentence[0].lower() + sentence[1:]
        if sentence[-1] not in _SENTENCE_END_CHARS + _CLOSING_CHARS:
            sentence += "."
        return sentence

    def _quote(self) -> str:
        sentence = _pick(self._story_sentences, self._rng)
        words = sentence.split()
        return sentence if len(words) <= 30 else " ".join(words[:20])

    def _caption(self) -> str:
        sentence = _pick(self._story_sentences, self._rng)
        return _sentence_case(_clean_words(sentence, int(self._rng.integers(4, 11))) or ["Scene"])

    def _headline_words(self) -> list[str]:
        domain = self._pool.domains[self._primary]
        position = self._pool.random_other(domain, {self._pool.groups[self._primary]}, self._rng)
        sentences = self._pool.sentences(position if position is not None else self._primary)
        first = sentences[0] if sentences else "More news"
        return _headline_phrase(first, self._rng) or ["More", "news"]

    def _name(self) -> str:
        return (
            f"{_pick(self._templates.first_names, self._rng)} "
            f"{_pick(self._templates.last_names, self._rng)}"
        )

    def _handle(self, name: str) -> str:
        first, _, last = name.partition(" ")
        styles = (
            first + last,
            f"{first}_{last}",
            first[:1] + last,
            last + first[:1],
            f"{first}{last}{int(self._rng.integers(1, 99))}",
            f"Real{first}{last}",
            f"{first}_{last[:3]}",
        )
        handle = _pick(styles, self._rng)
        return handle.lower() if self._rng.random() < 0.6 else handle

    def _month_day(self) -> str:
        return f"{_pick(_MONTHS, self._rng)} {int(self._rng.integers(1, 29))}"

    def _short_code(self) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(alphabet[int(i)] for i in self._rng.integers(len(alphabet), size=10))


# --- page bodies -----------------------------------------------------------------------------


def _is_line_item(sentences: list[str]) -> bool:
    """A heading, list item or caption line: one short sentence standing alone."""
    return len(sentences) == 1 and _word_count(sentences[0]) <= LINE_ITEM_MAX_WORDS


def _rechunked(paragraphs: list[list[str]], rng: np.random.Generator) -> Iterator[list[str]]:
    """One text's paragraphs, re-cut: short lines (headings, list items) stay as they are, and
    the prose between them is regrouped at sentences into paragraphs of about
    PARAGRAPH_MIN_WORDS..PARAGRAPH_MAX_WORDS words."""

    def new_goal() -> int:
        return int(rng.integers(PARAGRAPH_MIN_WORDS, PARAGRAPH_MAX_WORDS + 1))

    chunk: list[str] = []
    chunk_words = 0
    goal = new_goal()
    for sentences in paragraphs:
        if _is_line_item(sentences):
            if chunk:
                yield chunk
                chunk, chunk_words, goal = [], 0, new_goal()
            yield sentences
            continue
        for sentence in sentences:
            chunk.append(sentence)
            chunk_words += _word_count(sentence)
            if chunk_words >= goal:
                yield chunk
                chunk, chunk_words, goal = [], 0, new_goal()
    if chunk:
        yield chunk


def _take_sentences(
    sentences: list[str], total_words: int, budget_words: int
) -> tuple[list[str], int, bool]:
    """Sentences that fit the budget, the new total, and whether the budget is now used up.

    The sentence that crosses the budget is kept when that lands nearer the target than
    stopping before it; a very long one is cut at a word instead.
    """
    kept: list[str] = []
    for sentence in sentences:
        n_words = _word_count(sentence)
        room = budget_words - total_words
        if n_words <= room:
            kept.append(sentence)
            total_words += n_words
            if total_words >= budget_words:
                return kept, total_words, True
            continue
        if n_words - room <= room:
            kept.append(sentence)
            total_words += n_words
        elif n_words > LONG_SENTENCE_WORDS and room >= 10:
            kept.append(" ".join(sentence.split()[:room]))
            total_words += room
        return kept, total_words, True
    return kept, total_words, False


def _fill_body(
    pool: _RowPool, sources: Iterator[int], budget_words: int, rng: np.random.Generator
) -> tuple[list[str], list[int]]:
    """Paragraphs taken in order from `sources` until about `budget_words` words, and the rows
    that contributed to them."""
    paragraphs: list[str] = []
    used: list[int] = []
    total = 0
    full = False
    for position in sources:
        contributed = False
        for sentences in _rechunked(pool.paragraphs(position), rng):
            kept, total, full = _take_sentences(sentences, total, budget_words)
            if kept:
                paragraphs.append(" ".join(kept))
                contributed = True
            if full:
                break
        if contributed:
            used.append(position)
        if full:
            break
    return paragraphs, used


def _interleave(paragraphs: list[str], placed: list[tuple[int, str]]) -> list[str]:
    """`paragraphs` with each placed piece put before paragraph `index` (or at the end when
    `index` is the number of paragraphs); pieces at one index keep their order."""
    before: list[list[str]] = [[] for _ in range(len(paragraphs) + 1)]
    for index, piece in placed:
        before[min(max(index, 0), len(paragraphs))].append(piece)
    blocks: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        blocks.extend(before[index])
        blocks.append(paragraph)
    blocks.extend(before[len(paragraphs)])
    return blocks


def _positions(low: int, high: int, count: int, rng: np.random.Generator) -> list[int]:
    """Up to `count` distinct sorted positions in low..high (inclusive)."""
    if high < low or count <= 0:
        return []
    return sorted(_pick_distinct(range(low, high + 1), count, rng))


def _comment_footer(
    templates: FurnitureTemplates, filler: _Filler, rng: np.random.Generator
) -> str:
    """A comment form as a page extractor leaves it: a header, notices, then form fields."""
    lines = [filler.fill_one(templates.comment_headers)]
    lines += _pick_distinct(templates.comment_notices, int(rng.integers(0, 3)), rng)
    n_fields = int(rng.integers(0, 6))
    # Keep the form's own order (Comment, Name, Email, ..., Post Comment).
    lines += sorted(
        _pick_distinct(templates.comment_fields, n_fields, rng), key=templates.comment_fields.index
    )
    return "\n".join(lines)


def _honest_subheading(paragraph: str) -> str | None:
    """A subheading for `paragraph` from its own words: the longest run of 2-5 content words
    (no function words, no verbs of saying, not across punctuation) among its first 40 words,
    such as "Northern powerhouse scheme"; None when there is no such run."""
    best: list[str] = []
    run: list[str] = []
    for raw in [*paragraph.split()[:SUBHEADING_SCAN_WORDS], ""]:
        word = raw.strip(_EDGE_PUNCTUATION)
        is_content = (
            bool(word)
            and word.lower() not in _SUBHEADING_BREAKERS
            and (word.replace("-", "").replace("'", "").replace("’", "").isalnum())
        )
        if is_content:
            run.append(word)
        if not is_content or raw[-1:] in ',.;:!?)"”':
            if len(run) > len(best):
                best = run[:SUBHEADING_MAX_WORDS]
            run = []
    return _sentence_case(best) if len(best) >= 2 else None


@dataclass(frozen=True, slots=True)
class _Page:
    text: str
    group: str
    generator: str
    domain: str
    part_ids: str
    page_traits: str


def _farm_page(
    pool: _RowPool,
    group: str,
    target_words: int,
    rng: np.random.Generator,
    rates: FarmFurnitureRates,
    templates: FurnitureTemplates,
) -> _Page:
    story = [pool.in_group(group)[int(i)] for i in rng.permutation(len(pool.in_group(group)))]
    primary = story[0]
    domain = pool.domains[primary]
    tellings = 1
    if rng.random() < rates.retold_story:
        tellings = 3 if rng.random() < rates.third_telling else 2
    tellings = min(tellings, len(story))

    filler = _Filler(pool, primary, target_words, rng, templates)
    bare = rng.random() < rates.bare_page

    def has(rate: float) -> bool:
        return not bare and rng.random() < rate

    traits: list[str] = []
    title: str | None = None
    leaked: str | None = None
    recap: str | None = None
    footer: str | None = None
    leaked_on_top = False
    if has(rates.clickbait_title):
        title = filler.fill_one(templates.clickbait_titles)
        traits.append("clickbait_title")
    elif has(rates.plain_title):
        title = filler.fill_one(templates.plain_titles)
        traits.append("plain_title")
    if has(rates.leaked_assistant):
        leaked_on_top = bool(rng.random() < 0.5)
        leaked = filler.fill_one(
            templates.leaked_assistant_top if leaked_on_top else templates.leaked_assistant_bottom
        )
        traits.append("leaked_assistant")
    headings: list[str] = []
    if has(rates.generic_headings):
        style = _pick(templates.heading_styles, rng)
        chosen = _pick_distinct(templates.middle_headings, int(rng.integers(1, 4)), rng)
        chosen.append(_pick(templates.closing_headings, rng))
        headings = [style.format(heading=heading) for heading in chosen]
        traits.append("generic_headings")
    promos: list[str] = []
    if has(rates.promo_lines):
        promos = [filler.fill_one(templates.promo_lines) for _ in range(int(rng.integers(1, 4)))]
        traits.append("promo_lines")
    embeds: list[str] = []
    if has(rates.embedded_post):
        embeds = [filler.fill_one(templates.embedded_posts) for _ in range(int(rng.integers(1, 3)))]
        traits.append("embedded_post")
    if has(rates.recap):
        recap = filler.fill_one(templates.recap_openers)
        if rng.random() < 0.6:
            recap += " " + _pick(templates.recap_closers, rng)
        traits.append("recap")
    if has(rates.comment_footer):
        footer = _comment_footer(templates, filler, rng)
        traits.append("comment_footer")
    honest_traits, n_subheadings = _draw_honest_traits(rates.honest, domain, has, rng)
    traits += honest_traits
    honest = _HonestFurniture.fill(honest_traits, n_subheadings, filler, templates, rng)

    pieces = [title, leaked, recap, footer, *headings, *promos, *embeds, *honest.pieces()]
    furniture_words = sum(_word_count(piece) for piece in pieces if piece)
    reserve = SUBHEADING_RESERVE_WORDS * n_subheadings
    budget = max(MIN_BODY_WORDS, target_words - furniture_words - reserve)
    sources = chain(story[:tellings], pool.top_ups(domain, {group}, rng))
    paragraphs, used = _fill_body(pool, sources, budget, rng)
    paragraphs = _with_random_typography(paragraphs, rng)
    if sum(1 for p in used if pool.groups[p] == group) >= 2:
        traits.append("retold_story")

    placed = honest.placed_in(paragraphs, rng)
    n_paragraphs = len(paragraphs)
    if headings:
        *middle, closing = headings
        # The closing heading goes before the recap, or else before the last paragraph.
        last_slot = n_paragraphs if recap else n_paragraphs - 1
        spots = _positions(1, last_slot - 1, len(middle), rng)
        placed += list(zip(spots, middle, strict=False))
        placed.append((max(last_slot, 1), closing))
    placed += [(int(rng.integers(1, n_paragraphs + 1)), promo) for promo in promos]
    placed += [(int(rng.integers(1, n_paragraphs + 1)), embed) for embed in embeds]
    placed.sort(key=lambda item: item[0])
    blocks = _interleave(paragraphs, placed)
    if recap:
        blocks.append(recap)
    blocks += honest.trailers
    if leaked and not leaked_on_top:
        blocks.append(leaked)
    if footer:
        blocks.append(footer)
    head = [piece for piece in (leaked if leaked_on_top else None, title, honest.byline) if piece]
    return _Page(
        text="\n\n".join(head + blocks),
        group=group,
        generator=pool.generators[primary],
        domain=domain,
        part_ids=" ".join(pool.ids[p] for p in used),
        page_traits=",".join(sorted(traits)),
    )


def _human_page(
    pool: _RowPool,
    primary: int,
    target_words: int,
    rng: np.random.Generator,
    rates: HumanFurnitureRates,
    templates: FurnitureTemplates,
) -> _Page:
    domain = pool.domains[primary]
    bare = rng.random() < rates.bare_page

    def has(rate: float) -> bool:
        return not bare and rng.random() < rate

    traits: list[str] = []
    if has(rates.plain_title):
        traits.append("plain_title")
    honest_traits, n_subheadings = _draw_honest_traits(rates, domain, has, rng)
    traits += honest_traits
    for trait in ("embedded_post", "comment_footer", "promo_lines"):
        if has(getattr(rates, trait)):
            traits.append(trait)

    # A long article is cut, not joined, when one long enough is at hand.
    reserve = SUBHEADING_RESERVE_WORDS * n_subheadings
    estimate = max(MIN_BODY_WORDS, target_words - reserve - 15 * len(traits))
    if domain in LONG_ARTICLE_DOMAINS and pool.raw_words(primary) < estimate:
        for _ in range(4):
            candidate = _pick(pool.in_domain(domain), rng)
            if pool.raw_words(candidate) >= estimate:
                primary = candidate
                break

    filler = _Filler(pool, primary, target_words, rng, templates)
    title = filler.fill_one(templates.plain_titles) if "plain_title" in traits else None
    honest = _HonestFurniture.fill(traits, n_subheadings, filler, templates, rng)
    embeds = [
        filler.fill_one(templates.embedded_posts)
        for _ in range(int(rng.integers(1, 3)) if "embedded_post" in traits else 0)
    ]
    promos = [filler.fill_one(templates.promo_lines) for _ in range(int("promo_lines" in traits))]
    footer = _comment_footer(templates, filler, rng) if "comment_footer" in traits else None
    pieces = [title, footer, *honest.pieces(), *embeds, *promos]
    furniture_words = sum(_word_count(piece) for piece in pieces if piece)
    budget = max(MIN_BODY_WORDS, target_words - furniture_words - reserve)
    group = pool.groups[primary]
    sources = chain([primary], pool.top_ups(domain, {group}, rng))
    paragraphs, used = _fill_body(pool, sources, budget, rng)
    paragraphs = _with_random_typography(paragraphs, rng)

    placed = honest.placed_in(paragraphs, rng)
    placed += [(int(rng.integers(1, len(paragraphs) + 1)), extra) for extra in embeds + promos]
    placed.sort(key=lambda item: item[0])
    head = [piece for piece in (title, honest.byline) if piece]
    blocks = head + _interleave(paragraphs, placed) + honest.trailers + ([footer] if footer else [])
    return _Page(
        text="\n\n".join(blocks),
        group=group,
        generator=pool.generators[primary],
        domain=domain,
        part_ids=" ".join(pool.ids[p] for p in used),
        page_traits=",".join(sorted(traits)),
    )


def _draw_honest_traits(
    rates: HumanFurnitureRates, domain: str, has: Callable[[float], bool], rng: np.random.Generator
) -> tuple[list[str], int]:
    """Which honest furniture a page gets, and how many subheadings."""
    traits: list[str] = []
    if has(rates.byline):
        traits.append("byline")
    if has(rates.dateline) and domain in NEWS_DOMAINS:
        traits.append("dateline")
    if has(rates.photo_caption):
        traits.append("photo_caption")
    if has(rates.related_links):
        traits.append("related_links")
    if has(rates.trailer):
        traits.append("trailer")
    n_subheadings = 0
    if has(rates.subheadings):
        traits.append("subheadings")
        n_subheadings = int(rng.integers(1, 4))
    return traits, n_subheadings


@dataclass(slots=True)
class _HonestFurniture:
    """A page's honest furniture, written before its body and placed once the body exists."""

    n_subheadings: int
    byline: str | None
    dateline: str | None
    captions: list[str]
    related: list[str]
    trailers: list[str]

    @classmethod
    def fill(
        cls,
        traits: Sequence[str],
        n_subheadings: int,
        filler: _Filler,
        templates: FurnitureTemplates,
        rng: np.random.Generator,
    ) -> _HonestFurniture:
        def some(choices: Sequence[str]) -> list[str]:
            return [filler.fill_one(choices) for _ in range(int(rng.integers(1, 3)))]

        return cls(
            n_subheadings=n_subheadings,
            byline=filler.fill_one(templates.bylines) if "byline" in traits else None,
            dateline=filler.fill_one(templates.datelines) if "dateline" in traits else None,
            captions=some(templates.photo_captions) if "photo_caption" in traits else [],
            related=some(templates.related_links) if "related_links" in traits else [],
            trailers=[
                filler.fill(template)
                for template in _pick_distinct(templates.trailers, int(rng.integers(1, 3)), rng)
            ]
            if "trailer" in traits
            else [],
        )

    def pieces(self) -> list[str]:
        """Every piece whose words count toward the page's length (subheadings come later)."""
        return [p for p in (self.byline, self.dateline) if p] + [
            *self.captions,
            *self.related,
            *self.trailers,
        ]

    def placed_in(self, paragraphs: list[str], rng: np.random.Generator) -> list[tuple[int, str]]:
        """Put the dateline before the first paragraph (in place) and return the subheadings,
        captions and related links with the paragraph each goes before."""
        if self.dateline and paragraphs:
            paragraphs[0] = f"{self.dateline} {paragraphs[0]}"
        n_paragraphs = len(paragraphs)
        placed: list[tuple[int, str]] = []
        for index in _positions(2, n_paragraphs - 1, self.n_subheadings, rng):
            subheading = _honest_subheading(paragraphs[index])
            if subheading:
                placed.append((index, subheading))
        placed += [(int(rng.integers(0, n_paragraphs + 1)), caption) for caption in self.captions]
        placed += [(int(rng.integers(1, n_paragraphs + 1)), link) for link in self.related]
        return placed


# --- public API ------------------------------------------------------------------------------


def _checked_inputs(
    rows: pd.DataFrame,
    n_pages: int,
    target_lengths: Sequence[int] | np.ndarray,
    expected_label: int,
    caller: str,
    require_one_split: bool,
) -> np.ndarray:
    """The target lengths as integers, after checking the rows and arguments."""
    missing = [name for name in ROW_COLUMNS if name not in rows]
    if missing:
        raise ValueError(f"{caller}: rows lack column(s) {', '.join(missing)}")
    if "label" in rows and (rows["label"] != expected_label).any():
        wrong = int((rows["label"] != expected_label).sum())
        raise ValueError(
            f"{caller}: {wrong} row(s) are not labelled {expected_label}; pass only "
            f"{'content_farm' if expected_label else 'substantive'} rows"
        )
    if n_pages < 0:
        raise ValueError(f"{caller}: n_pages must be >= 0, got {n_pages}")
    lengths = np.asarray(target_lengths, dtype=np.int64).reshape(-1)
    if len(lengths) != n_pages:
        raise ValueError(f"{caller}: got {len(lengths)} target lengths for {n_pages} pages")
    if n_pages and lengths.min() < 1:
        raise ValueError(f"{caller}: target lengths must be positive word counts")
    if n_pages and not rows["text"].astype(str).str.strip().astype(bool).any():
        raise ValueError(f"{caller}: no row has any text to build pages from")
    if require_one_split:
        sides = {is_test_group(str(group)) for group in rows["group"].drop_duplicates()}
        if len(sides) > 1:
            raise ValueError(
                f"{caller}: rows come from both sides of the train/test split; build train "
                f"pages from train rows and test pages from test rows "
                f"(farmscore.corpus.split_by_group), or pass require_one_split=False"
            )
    return lengths


def _pages_frame(pages: list[_Page], source: str, label: int) -> pd.DataFrame:
    records = []
    for index, page in enumerate(pages):
        digest = hashlib.sha256(page.text.encode("utf-8")).hexdigest()[:12]
        records.append(
            {
                "id": f"{source}/{index:05d}-{digest}",
                "text": page.text,
                "label": label,
                "source": source,
                "group": page.group,
                "generator": page.generator,
                "domain": page.domain,
                "part_ids": page.part_ids,
                "page_traits": page.page_traits,
            }
        )
    frame = pd.DataFrame(records, columns=list(PAGE_COLUMNS))
    frame["label"] = frame["label"].astype("int64")
    return frame


def assemble_farm_pages(
    llm_rows: pd.DataFrame,
    n_pages: int,
    target_lengths: Sequence[int] | np.ndarray,
    rng: np.random.Generator,
    *,
    rates: FarmFurnitureRates = FarmFurnitureRates(),
    require_one_split: bool = True,
) -> pd.DataFrame:
    """`n_pages` farm-like pages (label 1) built from LLM rows, deterministic for a given `rng`.

    Each page tells one story (a `group`: the LLM rewrites of one human text, or xsum's
    continuations of one opening), sometimes by two or three of its rewrites, as farms do, then
    tops up with other LLM texts of the same domain until it reaches its target length in words
    (`target_lengths[i]`, furniture included; from `matched_lengths`). Farm furniture is drawn
    per page with `rates`; some pages get none. Stories cycle in a random order so pages spread
    over all groups.

    Columns: id, text, label=1, source="assembled/farm", group (the story), generator (of the
    story's first rewrite), domain, part_ids (space-separated ids of the rows used) and
    page_traits (comma-separated furniture kinds, plus "retold_story").

    Pass rows from ONE side of the train/test split: train rows for train pages, test rows for
    test pages; otherwise a story could sit in pages of both sides. This is checked with
    `farmscore.splits.is_test_group` unless `require_one_split` is False.

    >>> rows = pd.DataFrame({"id": ["a", "b"], "text": ["Town hall reopens today. " * 20] * 2,
    ...                      "group": ["g1", "g1"], "generator": ["GPT-4o", "Llama-3-70B"],
    ...                      "domain": ["News", "News"]})
    >>> pages = assemble_farm_pages(rows, 2, [150, 150], np.random.default_rng(0),
    ...                             require_one_split=False)
    >>> pages["label"].tolist(), pages["source"].iloc[0]
    ([1, 1], 'assembled/farm')
    """
    lengths = _checked_inputs(
        llm_rows, n_pages, target_lengths, 1, "assemble_farm_pages", require_one_split
    )
    pool = _RowPool(llm_rows)
    templates = furniture_templates()
    stories = _Cycle(pool.group_names(), rng)
    pages = [
        _farm_page(pool, stories.next(), int(target), rng, rates, templates) for target in lengths
    ]
    return _pages_frame(pages, FARM_PAGE_SOURCE, 1)


def assemble_human_pages(
    human_rows: pd.DataFrame,
    n_pages: int,
    target_lengths: Sequence[int] | np.ndarray,
    rng: np.random.Generator,
    *,
    rates: HumanFurnitureRates = HumanFurnitureRates(),
    require_one_split: bool = True,
) -> pd.DataFrame:
    """`n_pages` human pages (label 0) built from human rows, deterministic for a given `rng`.

    A page is either a long article (domains bbc, opinion, localnews) cut at a sentence near its
    target length, joined with another article of the domain only when none long enough turns
    up, or short texts (l2r and xsum human) of one domain joined until the target. Honest page
    furniture (title, byline, dateline, photo captions, related links, trailers, subheadings) is
    drawn per page with `rates`; some pages get none. Lengths are in words, furniture included.

    Columns as for `assemble_farm_pages`, with label=0, source="assembled/human" and
    generator="human" (or whatever the rows say).

    Pass rows from ONE side of the train/test split: train rows for train pages, test rows for
    test pages. This is checked with `farmscore.splits.is_test_group` unless
    `require_one_split` is False.
    """
    lengths = _checked_inputs(
        human_rows, n_pages, target_lengths, 0, "assemble_human_pages", require_one_split
    )
    pool = _RowPool(human_rows)
    templates = furniture_templates()
    everything = pool.positions()
    long_rows = _Cycle([p for p in everything if pool.domains[p] in LONG_ARTICLE_DOMAINS], rng)
    short_rows = _Cycle([p for p in everything if pool.domains[p] not in LONG_ARTICLE_DOMAINS], rng)
    pages: list[_Page] = []
    for target in lengths:
        if len(long_rows) and len(short_rows):
            use_long = bool(rng.random() < rates.long_article)
        else:
            use_long = bool(len(long_rows))
        primary = long_rows.next() if use_long else short_rows.next()
        pages.append(_human_page(pool, primary, int(target), rng, rates, templates))
    return _pages_frame(pages, HUMAN_PAGE_SOURCE, 0)


def normalise_layout(text: str, rng: np.random.Generator) -> str:
    """A real corpus text laid out the way assembled pages are: mojibake repaired, cut
    openings and endings dropped, prose regrouped into paragraphs separated by blank lines,
    and straight or curly typography at random.

    The corpora's layout is a property of their source, not of the writer (xsum's human texts
    are one unterminated line, its LLM texts are paragraphs), so real training texts get the
    same layout on both sides.
    """
    paragraphs = [" ".join(chunk) for chunk in _rechunked(_paragraph_sentences(text), rng)]
    return "\n\n".join(_with_random_typography(paragraphs, rng))
