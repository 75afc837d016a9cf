"""Finders of checkable items in a text: dates, numbers, attributed quotations, named sources.

Each returns character spans in text order. All run in linear time and fast: a scan regex
starts with a character class, which lets `re` skip ahead in C, and word-led patterns are
tried only at the words a set lookup picks out, never at every position of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import compress, count, repeat

from farmscore.features.text import AnalyzedText, Span

# How far from a quotation its speech verb may stand: after it, within this many words and
# characters on the same line ('"...," the city's fire chief said'); before it, within this
# many characters of the same clause ('Bell said on Tuesday: "..."').
QUOTE_VERB_AFTER_WORDS = 6
QUOTE_VERB_AFTER_CHARS = 60
QUOTE_VERB_BEFORE_CHARS = 80

MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTH_ABBREVIATIONS = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sept",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
]
# Capitalised words that name a date, not a person or place.
DATE_WORDS = frozenset(MONTH_NAMES + WEEKDAY_NAMES + _MONTH_ABBREVIATIONS)

_MONTH = "(?:" + "|".join(MONTH_NAMES + _MONTH_ABBREVIATIONS) + ")"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9]|20)\d{2}"
# Anchored at a month name: "June 22", "June 22, 2025", "Jan. 5", "March 2019".
_MONTH_DATE = re.compile(
    rf"{_MONTH}(?:\.?\s{{1,3}}{_DAY}\b(?:,?\s{{1,3}}{_YEAR}\b)?|\.?,?\s{{1,3}}{_YEAR}\b)"
)
_WEEKDAY_DATE = re.compile("(?:" + "|".join(WEEKDAY_NAMES) + r")s?\b")
_RELATIVE_DATE = re.compile(
    r"(?:[Yy]esterday|[Ll]ast\s{1,3}(?:week|weekend|month|year|night|spring|summer|autumn"
    r"|fall|winter))\b"
)
# Dates led by a digit: "22 June 2025", "2025-06-22", "6/22/25", and years 1600-2099 ("in
# 2019", "the 1990s") that are not money, decimals or part of a longer number. The
# look-behind after the first digit keeps the scan's fast start.
_DIGIT_DATE = re.compile(
    rf"\d(?<![\w$€£¥.,]\d)(?:\d?(?:st|nd|rd|th)?\s{{1,3}}(?:of\s{{1,3}})?{_MONTH}\b\.?"
    rf"(?:,?\s{{1,3}}{_YEAR}\b)?"
    r"|\d{3}-\d{2}-\d{2}\b|\d?/\d{1,2}/\d{2,4}\b"
    r"|(?<=1)[6-9]\d{2}s?\b(?![.,]\d)|(?<=2)0\d{2}s?\b(?![.,]\d))"
)

_UNIT = (
    r"%|(?:percent|per\scent|million|billion|trillion|bn|m|k"
    r"|km|kilometres|kilometers|miles?|mph|km/h|kg|kilograms?|grams?|g|mg|tonnes?|tons?"
    r"|lbs?|pounds|ounces?|oz|metres?|meters?|feet|foot|ft|inches|cm|mm"
    r"|litres?|liters?|gallons?|barrels?|acres?|hectares?|degrees?|°[CF]?"
    r"|GB|MB|TB|GHz|MHz|mAh|kWh|kW|MW|GW|W|V"
    r"|hours?|minutes?|seconds?|days?|weeks?|months?|years?"
    r"|dollars?|euros?|yen|yuan|rupees?)\b"
)
# The signs a price opens with ("$40", "£2.1m"), read by the structure family too.
CURRENCY_SIGNS = "$€£¥₹"
# A number not glued to a word ("abc123", "@user2"): a currency sign or digit first, then
# digits with decimal or thousands separators, then an optional unit.
_NUMBER = re.compile(
    rf"[\d{CURRENCY_SIGNS}](?<![\w.,].)(?:(?<=\d)|(?=\d))\d*(?:[.,]\d+)*"
    rf"(?:\s?(?P<unit>{_UNIT}))?"
)

# A straight- or curly-quoted span on one line; the bound keeps every attempt short.
_QUOTATION = re.compile(r'"[^"\n]{2,600}"|“[^“”\n]{2,600}”')
SPEECH_VERBS = frozenset(
    {"said", "says", "say", "told", "tells", "added", "adds", "wrote", "writes", "explained"}
    | {"explains", "stated", "noted", "argued", "asked", "replied", "recalled", "insisted"}
    | {"warned", "warns", "announced", "acknowledged", "admitted", "conceded", "continued"}
    | {"commented", "tweeted", "posted", "claimed", "claims", "confirmed", "declared"}
    | {"stressed", "remarked", "responded", "testified", "according"}
)
# Between a speech verb and the quotation it introduces there is no sentence end or quote.
_CLAUSE_BREAKS = '.!?\n"“”'

# Nouns that make "according to the finance department" a definite source.
_INSTITUTIONS = (
    r"department|ministry|agency|police|court|council|office|company|government|authorities"
    r"|report|data|figures|statement|filing|documents|survey|study|census|records|prosecutors"
)
# A sourcing phrase counts only when a name or an institution follows it: "according to
# experts" is the vague attribution of filler, "according to the ONS" is a source.
_SOURCING_PHRASE = re.compile(
    r"(?i:according\s{1,3}to|spokes(?:person|man|woman)\s{1,3}for|told|quoted\s{1,3}by"
    r"|reported\s{1,3}by|(?:data|figures|statistics|numbers)\s{1,3}from"
    r"|(?:report|study|survey|poll|analysis|research|statement|filing|documents?)\s{1,3}"
    r"(?:by|from|published\s{1,3}by|released\s{1,3}by)|published\s{1,3}in|confirmed\s{1,3}to)"
    r"\s{1,3}(?:[Tt]he\s{1,3})?"
    rf"(?:[A-Z0-9][\w&'’-]*(?:\.\w[\w&'’-]*)*|(?:[a-z]+\s){{0,2}}(?:{_INSTITUTIONS})\b)"
)
_AGENCY = re.compile(
    r"(?:Reuters|Associated\sPress|Agence\sFrance-Presse|AFP|Bloomberg|PA\sMedia"
    r"|Press\sAssociation|Xinhua|Kyodo|Yonhap|Interfax|TASS|United\sPress\sInternational|UPI"
    r"|Office\sfor\sNational\sStatistics|Bureau\sof\sLabor\sStatistics|Census\sBureau"
    r"|Eurostat|Pew\sResearch\sCenter|Gallup|YouGov|Ipsos)\b"
)

# Which anchored pattern to try at a word, by the word in lowercase.
_DATE_TRIGGERS: dict[str, re.Pattern[str]] = {
    **{month.lower(): _MONTH_DATE for month in MONTH_NAMES + _MONTH_ABBREVIATIONS},
    **{day.lower(): _WEEKDAY_DATE for day in WEEKDAY_NAMES},
    "yesterday": _RELATIVE_DATE,
    "last": _RELATIVE_DATE,
}
_SOURCE_TRIGGERS: dict[str, re.Pattern[str]] = {
    **dict.fromkeys(
        [
            "according",
            "spokesperson",
            "spokesman",
            "spokeswoman",
            "told",
            "quoted",
            "reported",
            "data",
            "figures",
            "statistics",
            "numbers",
            "report",
            "study",
            "survey",
            "poll",
            "analysis",
            "research",
            "statement",
            "filing",
            "document",
            "documents",
            "published",
            "confirmed",
        ],
        _SOURCING_PHRASE,
    ),
    **dict.fromkeys(
        [
            "reuters",
            "associated",
            "agence",
            "afp",
            "bloomberg",
            "pa",
            "press",
            "xinhua",
            "kyodo",
            "yonhap",
            "interfax",
            "tass",
            "united",
            "upi",
            "office",
            "bureau",
            "census",
            "eurostat",
            "pew",
            "gallup",
            "yougov",
            "ipsos",
        ],
        _AGENCY,
    ),
}


_TRIGGERS = _DATE_TRIGGERS | _SOURCE_TRIGGERS
_DATE_PATTERNS = frozenset(_DATE_TRIGGERS.values())


@dataclass(frozen=True, slots=True)
class AttributedQuote:
    """A quotation with its speech verb; `start`, `end` cover both."""

    start: int
    end: int
    verb: str


_POSSESSIVE_ENDINGS = ("'s", "’s")


def _word_led_matches(doc: AnalyzedText) -> tuple[list[Span], list[Span]]:
    """Word-led dates and named sources, in one pass over the words: at each trigger word
    the pattern it selects is tried there, skipping words inside an earlier match."""
    text = doc.text
    dates: list[Span] = []
    sources: list[Span] = []
    dates_end = sources_end = 0
    words, spans = doc.words_lower, doc.word_spans
    # Trigger words and possessives are rare: pick them out in C before the Python loop.
    triggers = compress(count(), map(_TRIGGERS.__contains__, words))
    possessives = compress(count(), map(str.endswith, words, repeat(_POSSESSIVE_ENDINGS)))
    for index in sorted({*triggers, *possessives}):
        word, start = words[index], spans[index][0]
        pattern = _TRIGGERS.get(word)
        if pattern is None:
            if not word.endswith(_POSSESSIVE_ENDINGS):
                continue
            pattern = _TRIGGERS.get(word[:-2])  # "Tuesday's meeting"
            if pattern is None:
                continue
        is_date = pattern in _DATE_PATTERNS
        if start < (dates_end if is_date else sources_end):
            continue
        match = pattern.match(text, start)
        if match is None:
            continue
        if is_date:
            dates.append(match.span())
            dates_end = match.end()
        else:
            sources.append(match.span())
            sources_end = match.end()
    return dates, sources


def _without_overlaps(spans: list[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in sorted(spans):
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def find_dates_and_sources(doc: AnalyzedText) -> tuple[list[Span], list[Span]]:
    """Dates (a month with a day or year, a weekday, a year, a numeric date, 'yesterday',
    'last week'; "June 22, 2025" is one date, not three) and named sources (a sourcing
    phrase followed by a name or institution, or an agency name)."""
    word_led_dates, sources = _word_led_matches(doc)
    digit_led_dates = [match.span() for match in _DIGIT_DATE.finditer(doc.text)]
    return _without_overlaps(word_led_dates + digit_led_dates), sources


def find_numbers(text: str, dates: list[Span]) -> tuple[list[Span], list[Span]]:
    """Numbers outside the given date spans, and the subset that are quantities (with a
    currency sign or unit)."""
    date_starts = [start for start, _ in dates]
    numbers: list[Span] = []
    quantities: list[Span] = []
    for match in _NUMBER.finditer(text):
        start = match.start()
        i = bisect_right(date_starts, start) - 1
        if i >= 0 and dates[i][1] > start:
            continue
        numbers.append(match.span())
        if match.group("unit") or text[start] in CURRENCY_SIGNS:
            quantities.append(match.span())
    return numbers, quantities


def _verb_after(doc: AnalyzedText, word_starts: list[int], end: int) -> int | None:
    """Index of a speech verb among the first words after a quotation ending at `end`."""
    text, words = doc.text, doc.words_lower
    if text[end - 2] == ".":
        return None  # '"... pass." Bell told the council' : the full stop ended the sentence
    line_end = text.find("\n", end, end + QUOTE_VERB_AFTER_CHARS)
    limit = line_end if line_end >= 0 else end + QUOTE_VERB_AFTER_CHARS
    first = bisect_left(word_starts, end)
    for i in range(first, min(len(words), first + QUOTE_VERB_AFTER_WORDS)):
        if word_starts[i] >= limit:
            break
        if words[i] in SPEECH_VERBS:
            return i
    return None


def _verb_before(doc: AnalyzedText, word_starts: list[int], start: int) -> int | None:
    """Index of a speech verb in the clause just before a quotation starting at `start`."""
    text, words = doc.text, doc.words_lower
    window_start = max(0, start - QUOTE_VERB_BEFORE_CHARS)
    clause_start = max(text.rfind(c, window_start, start) for c in _CLAUSE_BREAKS) + 1
    for i in range(
        bisect_left(word_starts, max(window_start, clause_start)),
        bisect_left(word_starts, start),
    ):
        if words[i] in SPEECH_VERBS:
            return i
    return None


def find_attributed_quotes(doc: AnalyzedText) -> list[AttributedQuote]:
    """Quotations with a speech verb a few words after them ('"...," Bell said') or before
    them in the same clause ('Bell said: "..."')."""
    spans, words, word_starts = doc.word_spans, doc.words_lower, doc.word_starts
    found: list[AttributedQuote] = []
    for match in _QUOTATION.finditer(doc.text):
        start, end = match.span()
        after = _verb_after(doc, word_starts, end)
        if after is not None:
            found.append(AttributedQuote(start, spans[after][1], words[after]))
            continue
        before = _verb_before(doc, word_starts, start)
        if before is not None:
            found.append(AttributedQuote(spans[before][0], end, words[before]))
    return found
