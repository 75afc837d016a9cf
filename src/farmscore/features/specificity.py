"""Specificity: how densely a text is anchored in checkable facts.

Reporting is dense with numbers, dates, names, quotes attributed to a speaker and named
sources; spun filler restates generalities. Every count is a rate per 1,000 words.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import compress, count
from operator import itemgetter

from farmscore.features.base import (
    EvidenceCollector,
    FamilyResult,
    FeatureSpec,
    Measure,
    per_thousand_words,
    rare_event_rate,
    safe_ratio,
)
from farmscore.features.checkable_items import (
    DATE_WORDS,
    SPEECH_VERBS,
    AttributedQuote,
    find_attributed_quotes,
    find_dates_and_sources,
    find_numbers,
)
from farmscore.features.stopwords import ENGLISH_STOP_WORDS
from farmscore.features.text import AnalyzedText, Span

# Headings, bylines and buttons have fewer words than this: they are not prose that could be
# specific or generic, so the specific-sentence share ignores them.
MIN_PROSE_SENTENCE_WORDS = 4
# Acronyms (BBC, NASA, WHO) are names; an all-caps word longer than this is shouting.
MAX_ACRONYM_CHARS = 5
# A line opening with up to this many capitalised words and a colon ("Key Features:") has
# a label, not names.
MAX_LABEL_WORDS = 4

# Capitalised words that are not names: the pronoun I, and words other features count.
_NOT_NAMES = frozenset({"I", "I'm", "I’m", "I've", "I’ve", "I'd", "I’d", "I'll", "I’ll"})
_NOT_NAMES |= DATE_WORDS
# A full stop after these does not end the sentence: the next word is a name, not a start.
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt"}
    | {"st", "jr", "sr", "rev", "hon", "pres", "supt", "insp"}
)
# Lowercase particles inside a multi-word name: "Bank of England", "Ursula von der Leyen".
_NAME_PARTICLES = frozenset(
    {"of", "de", "del", "della", "da", "van", "von", "der", "den", "la", "le", "du", "al", "bin"}
)
# Capitalised only because they open a sentence: never the first word of a name.
_SENTENCE_OPENERS = ENGLISH_STOP_WORDS | frozenset(
    {"yesterday", "today", "tonight", "tomorrow", "meanwhile", "however", "moreover"}
    | {"furthermore", "additionally", "overall", "ultimately", "indeed", "still", "instead"}
    | {"earlier", "later", "last", "next", "recently", "finally", "currently", "now", "then"}
)
# A word glued to one of these is part of a URL, handle, hashtag or file name.
_GLUE = frozenset("/@#._")
# A sentence ending in one of these is prose, even when most of its words are capitalised.
_PROSE_ENDINGS = frozenset(".!?…\"”'’)")
# An opening quote, colon or dash makes the next word start a sentence of its own.
_OPENERS = frozenset("\"“‘'(:—–[")

NAMED_SPEAKER_QUOTES = "specificity_named_speaker_quote_rate_per_1k_words"
NAMED_SOURCES = "specificity_named_source_rate_per_1k_words"
NAMED_SPEAKERS = "specificity_named_speaker_rate_per_1k_words"
SUBSTANCE = "specificity_substance_per_1k_words"
# What each distinct kind of checkable item adds to substance: who said it and who vouches for
# it weigh most; a bare capitalised word or a date least, being the cheapest to sprinkle in.
SUBSTANCE_WEIGHTS = {
    "named_speaker_quote": 3.0,
    "named_source": 2.0,
    "named_speaker": 2.0,
    "full_name": 1.0,
    "quantity": 1.0,
    "single_name": 0.5,
    "date": 0.5,
}
# How far from a quotation's speech verb its speaker's name may stand, in characters, and
# from any speech verb the name it attributes words to, in words ("Smith, the mayor, said").
SPEAKER_WINDOW_CHARS = 40
SPEAKER_WINDOW_WORDS = 4

FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec(
        "specificity_number_rate_per_1k_words",
        "per 1,000 words",
        "Numbers written in digits (with their currency sign or unit), outside dates, per "
        "1,000 words.",
        "Reporting counts things (votes, money, casualties, prices); spun filler talks about "
        "'significant' amounts without figures.",
        title="Numbers",
    ),
    FeatureSpec(
        "specificity_quantity_rate_per_1k_words",
        "per 1,000 words",
        "Numbers carrying a currency sign, percent sign or unit ($5m, 12%, 40 km, 3 hours), "
        "per 1,000 words.",
        "A measured quantity is the most checkable kind of number, and the rarest in "
        "LLM-spun text.",
        title="Amounts with units",
    ),
    FeatureSpec(
        "specificity_date_rate_per_1k_words",
        "per 1,000 words",
        "Dates per 1,000 words: a month with a day or year, a weekday, a year from 1600 to "
        "2099, a numeric date, 'yesterday' or 'last week'.",
        "News is pinned to days ('on Tuesday', 'June 22, 2025'); filler floats in a timeless "
        "'today's landscape'.",
        title="Dates",
    ),
    FeatureSpec(
        "specificity_proper_noun_rate_per_1k_words",
        "per 1,000 words",
        "Capitalised words that do not start a sentence, plus acronyms, outside title-case "
        "headings and all-caps lines, per 1,000 words.",
        "Names of people, places and organisations are what a reader can check; spun filler "
        "refers to 'experts', 'fans' and 'the industry'.",
        title="Names of people, places, bodies",
    ),
    FeatureSpec(
        "specificity_multiword_name_rate_per_1k_words",
        "per 1,000 words",
        "Runs of two or more adjacent capitalised words ('Joe Biden', 'Bank of England'), per "
        "1,000 words.",
        "Full names of people and institutions are a stronger sign of reporting than single "
        "capitalised words, which headings and brands also produce.",
        title="Full names",
    ),
    FeatureSpec(
        "specificity_attributed_quote_rate_per_1k_words",
        "per 1,000 words",
        "Quotations (straight or curly double quotes) with a speech verb such as 'said', "
        "'told' or 'according to' within a few words before or after, per 1,000 words.",
        "Reporters quote named people; a farm page spun from a tweet has at most the one "
        "quote it copied.",
        title="Attributed quotes",
    ),
    FeatureSpec(
        "specificity_named_source_rate_per_1k_words",
        "per 1,000 words",
        "Sourcing phrases followed by a name ('according to the ONS', 'told Reuters', 'data "
        "from Eurostat') and news or statistics agency names, per 1,000 words.",
        "Named sources let a reader verify a claim; filler's sources are vague ('according "
        "to experts', 'reports suggest') and do not count.",
        title="Named sources",
    ),
    FeatureSpec(
        "specificity_specific_sentence_fraction",
        "fraction of sentences",
        "Share of sentences of at least 4 words holding a number, date, name, attributed "
        "quote or named source.",
        "Substantive prose anchors most sentences in a fact; spun filler has long runs of "
        "sentences that anchor nothing.",
        title="Sentences with a specific fact",
    ),
    FeatureSpec(
        NAMED_SPEAKER_QUOTES,
        "per 1,000 words",
        "Attributed quotations whose speech verb has a person's or body's name beside it "
        "('\"...,\" Bell said', 'said Jane Smith'), per 1,000 words; 'a spokesman said' and "
        "'experts say' do not count.",
        "Reporting says who said what; invented or spun quotes lean on roles and vague "
        "attribution.",
        title="Quotes with a named speaker",
    ),
    FeatureSpec(
        NAMED_SPEAKERS,
        "distinct names per 1,000 words",
        "Distinct names that a speech verb attributes words to, quoted or not ('Smith said', "
        "'said Mayor Jane Smith', 'according to Reuters'), per 1,000 words as if the text had "
        "250 more words without any.",
        "Reporting attributes its claims to named people and bodies; spun text attributes them "
        "to nobody or to 'experts'.",
        title="Named speakers",
    ),
    FeatureSpec(
        SUBSTANCE,
        "weighted distinct items per 1,000 words",
        "Checkable, sourced information for the text's length: distinct quotes with a named "
        "speaker (weight 3), distinct named sources and named speakers (2 each), distinct full "
        "names (1), distinct "
        "amounts with units (1), distinct single names (0.5) and distinct dates (0.5), per "
        "1,000 words as if the text had 250 more words without any. Repeating an item adds "
        "nothing.",
        "The substance of reporting: what a reader can check and who vouches for it. It is "
        "what thin or padded pages lack, however fluent their prose.",
        title="Sourced substance",
    ),
)

# The forms of one measure, explained to a reader as one reason (`Measure`).
MEASURES: tuple[Measure, ...] = (
    Measure(
        "specificity_numbers",
        "Numbers and amounts",
        ("specificity_number_rate_per_1k_words", "specificity_quantity_rate_per_1k_words"),
    ),
    Measure(
        "specificity_names",
        "Names",
        (
            "specificity_proper_noun_rate_per_1k_words",
            "specificity_multiword_name_rate_per_1k_words",
        ),
    ),
    Measure(
        "specificity_attribution",
        "Attributed quotes and sources",
        (
            "specificity_attributed_quote_rate_per_1k_words",
            "specificity_named_source_rate_per_1k_words",
            NAMED_SPEAKER_QUOTES,
            NAMED_SPEAKERS,
        ),
    ),
)
FEATURE_NAMES: tuple[str, ...] = tuple(spec.name for spec in FEATURES)


@dataclass(frozen=True, slots=True)
class _Names:
    """Proper nouns found in a text: single words and multi-word runs, as char spans."""

    words: list[Span]
    runs: list[Span]


def _sentence_first_words(doc: AnalyzedText) -> set[int]:
    """Indices of the words that open a sentence, where capitals say nothing about names."""
    text = doc.text
    first_words: set[int] = set()
    for (sentence_start, _), (i, _) in zip(doc.sentences, doc.sentence_word_ranges, strict=True):
        if i >= doc.n_words:
            break
        previous = doc.words_lower[i - 1] if i else ""
        # "Mr. Smith", "John F. Kennedy": the full stop closed an abbreviation, not a sentence.
        closed_abbreviation = text[sentence_start - 2 : sentence_start - 1] == "." and (
            previous in _ABBREVIATIONS or len(previous) == 1
        )
        if not closed_abbreviation:
            first_words.add(i)
    return first_words


def _opens_clause(text: str, start: int) -> bool:
    """True when an opening quote, bracket, colon or dash stands just before `start`."""
    before = text[max(0, start - 2) : start].rstrip()
    return bool(before) and before[-1] in _OPENERS


def _could_be_name(word: str, before: str) -> bool:
    """A capitalised word or acronym, not a pronoun or date, not part of a URL or handle."""
    if not word[0].isupper() or (word.isupper() and len(word) > MAX_ACRONYM_CHARS):
        return False
    if before in _GLUE:
        return False
    return word.removesuffix("'s").removesuffix("’s") not in _NOT_NAMES


def _skips_sentence(n_words: int, n_capitalised: int, sentence: str) -> bool:
    """True for an all-caps line or a title-case heading, whose capitals are typography."""
    if not n_words or sentence.isupper():
        return True
    if sentence[-1] in _PROSE_ENDINGS:
        return False
    return 2 * n_capitalised > n_words


def _name_word_ranges(doc: AnalyzedText, capitalised: list[int]) -> Iterator[tuple[int, int]]:
    """Word-index ranges of sentences whose capitals can mark names: not the title, not a
    heading or all-caps line, and without a leading title-case label ("Key Features:")."""
    words, text, word_starts = doc.words, doc.text, doc.word_starts
    title_end = doc.title[1] if doc.title else -1
    for (sentence_start, sentence_end), (first, last) in zip(
        doc.sentences, doc.sentence_word_ranges, strict=True
    ):
        if sentence_end <= title_end:
            continue
        n_capitalised = bisect_left(capitalised, last) - bisect_left(capitalised, first)
        if _skips_sentence(last - first, n_capitalised, text[sentence_start:sentence_end]):
            continue
        colon = text.find(":", sentence_start, sentence_end)
        if colon >= 0:
            label_end = bisect_left(word_starts, colon, first, last)
            if label_end - first <= MAX_LABEL_WORDS and all(
                words[j][0].isupper() for j in range(first, label_end)
            ):
                first = label_end
        yield first, last


def _capitalised(words: list[str]) -> list[int]:
    """Indices of the words that begin with a capital, found in C."""
    return list(compress(count(), map(str.isupper, map(itemgetter(0), words))))


def _proper_nouns(doc: AnalyzedText) -> _Names:
    words, spans, text = doc.words, doc.word_spans, doc.text
    first_words = _sentence_first_words(doc)
    capitalised = _capitalised(words)
    single: list[Span] = []
    runs: list[Span] = []

    def close(run: list[int]) -> None:
        while words[run[-1]] in _NAME_PARTICLES:
            run.pop()  # "the Bank of" ends at "Bank"
        if sum(1 for i in run if words[i] not in _NAME_PARTICLES) >= 2:
            runs.append((spans[run[0]][0], spans[run[-1]][1]))

    def extend(run: list[int], first: int, end: int) -> list[int]:
        """`run` carried over the uncapitalised words [first, end): particles joined by a
        space ("Bank of") stay in it, any other word closes it."""
        for i in range(first, end):
            if words[i] in _NAME_PARTICLES and text[spans[i - 1][1] : spans[i][0]] == " ":
                run.append(i)
            else:
                close(run)
                return []
        return run

    for first, last in _name_word_ranges(doc, capitalised):
        run: list[int] = []  # the current run of name words (and particles) joined by spaces
        # Only capitalised words can start or continue a name, so the walk visits those, and
        # the words after one only while a run is open.
        after = first
        for i in capitalised[bisect_left(capitalised, first) : bisect_left(capitalised, last)]:
            if run:
                run = extend(run, after, i)
            after = i + 1
            word = words[i]
            joined = bool(run) and text[spans[i - 1][1] : spans[i][0]] == " "
            start = spans[i][0]
            at_start = i in first_words or _opens_clause(text, start)
            is_name = _could_be_name(word, text[start - 1] if start else "")
            if is_name and not at_start:
                single.append(spans[i])
            # A sentence-initial "The" or "Yesterday" is not part of the name that follows.
            if is_name and not (at_start and word.lower() in _SENTENCE_OPENERS):
                if run and not joined:
                    close(run)
                    run = []
                run.append(i)
            elif run:
                close(run)
                run = []
        if run:
            run = extend(run, after, last)
        if run:
            close(run)
    return _Names(single, runs)


def _specific_sentence_fraction(doc: AnalyzedText, items: Iterable[Span]) -> float:
    """Share of prose sentences that overlap at least one specific item."""
    sentence_starts = [start for start, _ in doc.sentences]
    specific: set[int] = set()
    for start, end in items:
        first = max(0, bisect_right(sentence_starts, start) - 1)
        last = bisect_left(sentence_starts, end)
        specific.update(range(first, last))
    prose = specific_prose = 0
    for index, (first, end) in enumerate(doc.sentence_word_ranges):
        if end - first < MIN_PROSE_SENTENCE_WORDS:
            continue
        prose += 1
        specific_prose += index in specific
    return safe_ratio(specific_prose, prose)


def _named_speaker_quotes(
    doc: AnalyzedText, quotes: list[AttributedQuote], names: _Names
) -> list[AttributedQuote]:
    """The attributed quotes with a name beside their speech verb, outside the quotation."""
    text = doc.text
    name_starts = sorted(start for start, _ in [*names.words, *names.runs])
    named: list[AttributedQuote] = []
    for quote in quotes:
        if text[quote.start] in '"“':  # '"...," Bell said': the verb and name follow it
            quote_end = max(
                text.rfind('"', quote.start + 1, quote.end), text.rfind("”", quote.start, quote.end)
            )
            window = (quote_end + 1, quote.end + SPEAKER_WINDOW_CHARS)
        else:  # 'Bell said: "..."': the name comes before the verb
            window = (quote.start - SPEAKER_WINDOW_CHARS, quote.start + len(quote.verb))
        first = bisect_left(name_starts, window[0])
        if first < len(name_starts) and name_starts[first] < window[1]:
            named.append(quote)
    return named


def _named_speakers(doc: AnalyzedText, names: _Names) -> list[Span]:
    """Names that a speech verb attributes words to, quoted or not: "Smith said", "said the
    mayor, Jane Smith", "according to Reuters". Each span is the name."""
    starts = doc.word_starts
    name_at: dict[int, Span] = {}
    for span in [*names.words, *names.runs]:
        index = bisect_left(starts, span[0])
        if index not in name_at or span[1] > name_at[index][1]:
            name_at[index] = span
    name_indices = sorted(name_at)
    words = doc.words_lower
    speakers: list[Span] = []
    for verb in compress(count(), map(SPEECH_VERBS.__contains__, words)):
        low = bisect_left(name_indices, verb - SPEAKER_WINDOW_WORDS)
        high = bisect_right(name_indices, verb + SPEAKER_WINDOW_WORDS)
        nearby = [index for index in name_indices[low:high] if index != verb]
        if nearby:
            closest = min(nearby, key=lambda index: abs(index - verb))
            speakers.append(name_at[closest])
    return speakers


@dataclass(frozen=True, slots=True)
class CheckableItems:
    """The spans of a text's checkable items, as the substance measure counts them."""

    numbers: list[Span]
    full_names: list[Span]
    named_speakers: list[Span]
    named_speaker_quotes: list[Span]
    named_sources: list[Span]


def checkable_items(doc: AnalyzedText) -> CheckableItems:
    """Numbers, full names, named speakers, quotes with a named speaker and named sources."""
    dates, sources = find_dates_and_sources(doc)
    numbers, _ = find_numbers(doc.text, dates)
    names = _proper_nouns(doc)
    quotes = _named_speaker_quotes(doc, find_attributed_quotes(doc), names)
    return CheckableItems(
        numbers=numbers,
        full_names=names.runs,
        named_speakers=_named_speakers(doc, names),
        named_speaker_quotes=[(quote.start, quote.end) for quote in quotes],
        named_sources=sources,
    )


def is_sourced(values: Mapping[str, float]) -> bool:
    """Whether a text's features show at least one named attribution: a quote with a named
    speaker, a name a speech verb attributes words to, or a named source."""
    return any(values[name] > 0 for name in (NAMED_SPEAKER_QUOTES, NAMED_SPEAKERS, NAMED_SOURCES))


def _distinct(text: str, spans: Iterable[Span]) -> int:
    """How many different items the spans hold, told apart by their words, whatever the case
    and the spacing."""
    items = set()
    for start, end in spans:
        item = text[start:end].lower()
        items.add(" ".join(item.split()) if " " in item or "\n" in item else item)
    return len(items)


def _substance(
    doc: AnalyzedText,
    named_quotes: list[AttributedQuote],
    sources: list[Span],
    speakers: list[Span],
    names: _Names,
    quantities: list[Span],
    dates: list[Span],
) -> float:
    text = doc.text
    weights = SUBSTANCE_WEIGHTS
    total = (
        weights["named_speaker_quote"] * _distinct(text, [(q.start, q.end) for q in named_quotes])
        + weights["named_source"] * _distinct(text, sources)
        + weights["named_speaker"] * _distinct(text, speakers)
        + weights["full_name"] * _distinct(text, names.runs)
        + weights["quantity"] * _distinct(text, quantities)
        + weights["single_name"] * _distinct(text, names.words)
        + weights["date"] * _distinct(text, dates)
    )
    return rare_event_rate(total, doc.n_words)


def extract(doc: AnalyzedText) -> FamilyResult:
    """Rates of numbers, dates, names, attributed quotes and named sources in one text.

    >>> doc = AnalyzedText('"We will appeal," said Jane Doe of Acme Corp on Tuesday.')
    >>> extract(doc).values["specificity_attributed_quote_rate_per_1k_words"] > 0
    True
    """
    text, n_words = doc.text, doc.n_words
    dates, sources = find_dates_and_sources(doc)
    numbers, quantities = find_numbers(text, dates)
    names = _proper_nouns(doc)
    quotes = find_attributed_quotes(doc)
    evidence = EvidenceCollector()
    for quote in quotes:
        evidence.add(
            "specificity_attributed_quote_rate_per_1k_words",
            quote.start,
            quote.end,
            f"quotation attributed with '{quote.verb}'",
        )
    for start, end in sources:
        evidence.add("specificity_named_source_rate_per_1k_words", start, end, "named source")
    named_quotes = _named_speaker_quotes(doc, quotes, names)
    speakers = _named_speakers(doc, names)
    for quote in named_quotes:
        evidence.add(NAMED_SPEAKER_QUOTES, quote.start, quote.end, "quote with a named speaker")
    substance_spans = sorted(
        [((q.start, q.end), "quote with a named speaker") for q in named_quotes]
        + [(span, "named source") for span in sources]
    )
    for (start, end), note in substance_spans:
        evidence.add(SUBSTANCE, start, end, note)
    quote_spans = [(quote.start, quote.end) for quote in quotes]
    items = [*numbers, *dates, *names.words, *names.runs, *quote_spans, *sources]
    values = {
        "specificity_number_rate_per_1k_words": per_thousand_words(len(numbers), n_words),
        "specificity_quantity_rate_per_1k_words": per_thousand_words(len(quantities), n_words),
        "specificity_date_rate_per_1k_words": per_thousand_words(len(dates), n_words),
        "specificity_proper_noun_rate_per_1k_words": per_thousand_words(len(names.words), n_words),
        "specificity_multiword_name_rate_per_1k_words": per_thousand_words(
            len(names.runs), n_words
        ),
        "specificity_attributed_quote_rate_per_1k_words": per_thousand_words(len(quotes), n_words),
        "specificity_named_source_rate_per_1k_words": per_thousand_words(len(sources), n_words),
        "specificity_specific_sentence_fraction": _specific_sentence_fraction(doc, items),
        NAMED_SPEAKER_QUOTES: per_thousand_words(len(named_quotes), n_words),
        NAMED_SPEAKERS: rare_event_rate(_distinct(text, speakers), n_words),
        SUBSTANCE: _substance(doc, named_quotes, sources, speakers, names, quantities, dates),
    }
    return FamilyResult(values, evidence.spans)
