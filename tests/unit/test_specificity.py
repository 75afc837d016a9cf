"""Specificity: numbers, dates, names, attributed quotes and named sources."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from farmscore.features.checkable_items import (
    find_attributed_quotes,
    find_dates_and_sources,
    find_numbers,
)
from farmscore.features.specificity import (
    _NAME_PARTICLES,
    _SENTENCE_OPENERS,
    FEATURE_NAMES,
    FEATURES,
    _capitalised,
    _could_be_name,
    _name_word_ranges,
    _opens_clause,
    _proper_nouns,
    _sentence_first_words,
    extract,
)
from farmscore.features.text import AnalyzedText, Span

REPORT = (
    "The council voted 5-2 on Tuesday to approve a $48.2 million budget. Councilwoman Dana "
    'Ortiz said the increase was "the smallest we could pass." Fire Chief Marcus Bell told '
    'the council that calls rose by 30% in 2024. "We are stretched," Bell said. According '
    "to the Office for National Statistics, wages rose 4.1% last year."
)
FILLER = (
    "In today's fast-paced world, the update plays a crucial role in shaping experiences. "
    "It is important to note that change is a journey. Experts say the stakes are high, and "
    "according to experts the landscape is evolving. Moreover, everyone is watching closely "
    "as the situation continues to unfold."
)


def doc_of(text: str) -> AnalyzedText:
    return AnalyzedText(text)


def texts_of(doc: AnalyzedText, spans: list[tuple[int, int]]) -> list[str]:
    return [doc.span_text(span) for span in spans]


def dates_in(text: str) -> list[str]:
    doc = doc_of(text)
    return texts_of(doc, find_dates_and_sources(doc)[0])


def sources_in(text: str) -> list[str]:
    doc = doc_of(text)
    return texts_of(doc, find_dates_and_sources(doc)[1])


def numbers_in(text: str) -> tuple[list[str], list[str]]:
    doc = doc_of(text)
    numbers, quantities = find_numbers(text, find_dates_and_sources(doc)[0])
    return texts_of(doc, numbers), texts_of(doc, quantities)


def names_in(text: str) -> tuple[list[str], list[str]]:
    doc = doc_of(text)
    names = _proper_nouns(doc)
    return texts_of(doc, names.words), texts_of(doc, names.runs)


def quotes_in(text: str) -> list[tuple[str, str]]:
    doc = doc_of(text)
    return [(text[q.start : q.end], q.verb) for q in find_attributed_quotes(doc)]


def test_features_are_named_for_the_family_and_extracted_in_order() -> None:
    names = [spec.name for spec in FEATURES]
    assert len(set(names)) == len(names)
    assert all(name.startswith("specificity_") for name in names)
    assert all(spec.definition and spec.rationale and spec.unit for spec in FEATURES)
    assert list(extract(doc_of(REPORT)).values) == names


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("It happened on June 22, 2025 in town.", ["June 22, 2025"]),
        ("It happened on 22 June 2025 in town.", ["22 June 2025"]),
        ("Filed 2025-06-22 and 6/22/25.", ["2025-06-22", "6/22/25"]),
        ("He left in March 2019, not in the 1990s.", ["March 2019", "1990s"]),
        ("Last Tuesday and on Tuesday's vote.", ["Tuesday", "Tuesday"]),
        ("We met yesterday and last week.", ["yesterday", "last week"]),
        ("Jan. 5 was cold.", ["Jan. 5"]),
        ("May I help? We may go in May.", []),  # a bare month is too ambiguous
        ("It cost $2019 and 2,019 people came; pi is 3.2019.", []),
        ("", []),
    ],
)
def test_dates(text: str, dates: list[str]) -> None:
    assert dates_in(text) == dates


@pytest.mark.parametrize(
    ("text", "numbers", "quantities"),
    [
        (
            "The vote was 5-2 for a $48.2 million budget, up 3.1% on 4,120 calls.",
            ["5", "2", "$48.2 million", "3.1%", "4,120"],
            ["$48.2 million", "3.1%"],
        ),
        ("A 40 km walk took 9 hours.", ["40 km", "9 hours"], ["40 km", "9 hours"]),
        ("On June 22, 2025 there were 3 bids.", ["3"], []),  # date digits are dates
        ("See abc123 and @user2 and US$5.", ["5"], []),
        ("No figures here at all.", [], []),
    ],
)
def test_numbers_and_quantities(text: str, numbers: list[str], quantities: list[str]) -> None:
    assert numbers_in(text) == (numbers, quantities)


@pytest.mark.parametrize(
    ("text", "singles", "runs"),
    [
        (
            "Yesterday Joe Biden met Emmanuel Macron in Paris.",
            ["Joe", "Biden", "Emmanuel", "Macron", "Paris"],
            ["Joe Biden", "Emmanuel Macron"],
        ),
        ("Mr. Smith met Dr. Jones.", ["Smith", "Dr", "Jones"], []),
        ("Officials at NASA and the BBC agreed.", ["NASA", "BBC"], []),
        ("Rates at the Bank of England rose.", ["Bank", "England"], ["Bank of England"]),
        ("I think the Bank of rates.", ["Bank"], []),
        ("The plan came on Monday in June.", [], []),
        ("Understanding the Situation\nFinal Thoughts\nThe Bigger Picture", [], []),
        ("YOU MAY ALSO LIKE THESE STORIES", [], []),
        ("Key Features: The update improves speed.", [], []),
        ("See pic.twitter.com/Xy7Kq2LmPa now.", [], []),
        ('He said: "The plan failed." It did.', [], []),
    ],
)
def test_proper_nouns(text: str, singles: list[str], runs: list[str]) -> None:
    assert names_in(text) == (singles, runs)


def test_title_line_is_not_counted_as_names() -> None:
    singles, runs = names_in("Star Singer Announces Split\n\nThe singer spoke to Jane Doe.")
    assert (singles, runs) == (["Jane", "Doe"], ["Jane Doe"])


@pytest.mark.parametrize(
    ("text", "quotes"),
    [
        ('"We will appeal," said Jane Doe.', [('"We will appeal," said', "said")]),
        ('Smith said: "We will win."', [('said: "We will win."', "said")]),
        (
            '"It is over," the city\'s fire chief told reporters.',
            [('"It is over," the city\'s fire chief told', "told")],
        ),
        (
            'According to Jones, "this is big".',
            [('According to Jones, "this is big"', "according")],
        ),
        ("“We are ready,” she added.", [("“We are ready,” she added", "added")]),
        ('"Is it over?" Bell asked.', [('"Is it over?" Bell asked', "asked")]),
        # A full stop inside the quotation ends the sentence: the next verb is not its own.
        ('"It is done." Bell told the council more.', []),
        ('"Fake news" is a phrase people use.', []),
        ('He said it was fine. "Nothing" else mattered.', []),
        ('"It is over."\nShe said nothing more.', []),
        ('An unclosed " quote said nothing', []),
    ],
)
def test_attributed_quotes(text: str, quotes: list[tuple[str, str]]) -> None:
    assert quotes_in(text) == quotes


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        ("Wages rose, according to the ONS.", ["according to the ONS"]),
        ("She told Reuters on Monday.", ["told Reuters"]),  # one source, not two
        ("Reuters reported the deal.", ["Reuters"]),
        ("That is based on data from Eurostat.", ["data from Eurostat"]),
        ("A spokesperson for Acme Corp declined.", ["spokesperson for Acme"]),
        ("It fell, according to the finance department.", ["according to the finance department"]),
        ("According to experts, it matters.", []),  # vague attributions do not count
        ("It matters, according to reports.", []),
        ("She told him to leave.", []),
    ],
)
def test_named_sources(text: str, sources: list[str]) -> None:
    assert sources_in(text) == sources


def test_rates_are_per_thousand_words() -> None:
    text = "The council spent $5 million. " + "It was a long night for all. " * 9
    values = extract(doc_of(text)).values  # 5 + 63 = 68 words, one number
    assert values["specificity_number_rate_per_1k_words"] == pytest.approx(1000 / 68)
    assert values["specificity_quantity_rate_per_1k_words"] == pytest.approx(1000 / 68)


def test_specific_sentence_fraction() -> None:
    values = extract(doc_of("The mayor spoke at length about it. Acme lost $5 million.")).values
    assert values["specificity_specific_sentence_fraction"] == 0.5
    # Sentences under four words are neither specific nor generic.
    values = extract(doc_of("Read more.\nThe mayor spoke at length about it.")).values
    assert values["specificity_specific_sentence_fraction"] == 0.0


def test_reporting_is_more_specific_than_filler() -> None:
    report = extract(doc_of(REPORT)).values
    filler = extract(doc_of(FILLER)).values
    assert filler["specificity_specific_sentence_fraction"] == 0.0
    assert report["specificity_specific_sentence_fraction"] == 1.0
    for name in FEATURE_NAMES:
        assert report[name] > filler[name], name


def test_evidence_points_at_quotes_and_sources() -> None:
    result = extract(doc_of(REPORT))
    by_feature: dict[str, list[str]] = {}
    for item in result.evidence:
        by_feature.setdefault(item.feature, []).append(REPORT[item.start : item.end])
    assert by_feature == {
        "specificity_attributed_quote_rate_per_1k_words": [
            'said the increase was "the smallest we could pass."',
            '"We are stretched," Bell said',
        ],
        "specificity_named_source_rate_per_1k_words": [
            "told the council",
            "According to the Office",
        ],
        # Both quotes have a named speaker beside their verb; substance shows its sourced items.
        "specificity_named_speaker_quote_rate_per_1k_words": [
            'said the increase was "the smallest we could pass."',
            '"We are stretched," Bell said',
        ],
        "specificity_substance_per_1k_words": [
            'said the increase was "the smallest we could pass."',
            "told the council",
            '"We are stretched," Bell said',
            "According to the Office",
        ],
    }


def edge_texts() -> dict[str, str]:
    rng = random.Random(11)
    garbage = bytes(rng.getrandbits(8) for _ in range(20_000)).decode("utf-8", errors="replace")
    return {
        "empty": "",
        "whitespace": " \n\t\r\n  ",
        "one word": "Hello",
        "chinese": "我们今天去公园散步，天气很好。" * 40,
        "russian": "Мы сегодня пошли в Москву, погода была хорошая. " * 40,
        "binary garbage": garbage,
        "5 MB on one line": (REPORT.replace("\n", " ") + " ") * (5_000_000 // len(REPORT)),
        "1 MB of one character": "a" * 1_000_000,
        "100,000 one-word lines": "Word\n" * 100_000,
        "1 MB of quote marks": '"' * 1_000_000,
        "long quotations": ('"' + "x" * 599) * 2_000,
        "1 MB of digits": "1" * 1_000_000,
    }


@pytest.mark.parametrize(("name", "text"), list(edge_texts().items()))
def test_degenerate_inputs_give_finite_values(name: str, text: str) -> None:
    result = extract(doc_of(text))
    assert list(result.values) == list(FEATURE_NAMES)
    for feature, value in result.values.items():
        assert isinstance(value, float), (name, feature)
        assert math.isfinite(value), (name, feature)
        assert value >= 0.0, (name, feature)
    assert 0.0 <= result.values["specificity_specific_sentence_fraction"] <= 1.0
    assert all(0 <= item.start <= item.end <= len(text) for item in result.evidence)


def _names_word_by_word(doc: AnalyzedText) -> tuple[list[Span], list[Span]]:
    """The definition of `_proper_nouns`, walking every word: the oracle for its faster walk,
    which visits only capitalised words and the words just after an open run."""
    words, spans, text = doc.words, doc.word_spans, doc.text
    first_words = _sentence_first_words(doc)
    single: list[Span] = []
    runs: list[Span] = []

    def close(run: list[int]) -> None:
        while words[run[-1]] in _NAME_PARTICLES:
            run.pop()
        if sum(1 for i in run if words[i] not in _NAME_PARTICLES) >= 2:
            runs.append((spans[run[0]][0], spans[run[-1]][1]))

    for first, last in _name_word_ranges(doc, _capitalised(words)):
        run: list[int] = []
        for i in range(first, last):
            word = words[i]
            joined = bool(run) and text[spans[i - 1][1] : spans[i][0]] == " "
            if not word[0].isupper():
                if joined and word in _NAME_PARTICLES:
                    run.append(i)
                elif run:
                    close(run)
                    run = []
                continue
            start = spans[i][0]
            at_start = i in first_words or _opens_clause(text, start)
            is_name = _could_be_name(word, text[start - 1] if start else "")
            if is_name and not at_start:
                single.append(spans[i])
            if is_name and not (at_start and word.lower() in _SENTENCE_OPENERS):
                if run and not joined:
                    close(run)
                    run = []
                run.append(i)
            elif run:
                close(run)
                run = []
        if run:
            close(run)
    return single, runs


_NAME_TEXT_PIECES = [
    "Bank", "of", "England", "de", "la", "Cruz", "van", "der", "Berg", "The", "Yesterday",
    "the", "rates", "rose", "NASA", "BBC", "Mr.", "J.", "said", "Paris", "O'Neil", "42",
    ". ", ", ", ": ", "\n", "\n\n", "  ", '"', "(", "—", "Key Features:", "pic.twitter.com/Ab",
]  # fmt: skip


@given(st.lists(st.sampled_from(_NAME_TEXT_PIECES), max_size=60))
@settings(max_examples=400, deadline=None)
def test_proper_noun_walk_equals_the_word_by_word_definition(pieces: list[str]) -> None:
    doc = AnalyzedText(" ".join(pieces))
    names = _proper_nouns(doc)
    assert (names.words, names.runs) == _names_word_by_word(doc)


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("Talks with Bank of  England staff.", []),  # two spaces: not one name
        ("Maria de la Cruz and Juan de la met.", ["Maria de la Cruz"]),
        ("He met Ana van der Berg of Leiden today.", ["Ana van der Berg of Leiden"]),
        ("Visit the Bank of", []),  # particles at the end of the text are dropped
    ],
)
def test_name_runs_across_particles(text: str, runs: list[str]) -> None:
    assert names_in(text)[1] == runs


def _substance(text: str) -> dict[str, float]:
    values = extract(AnalyzedText(text)).values
    return {
        "substance": values["specificity_substance_per_1k_words"],
        "speakers": values["specificity_named_speaker_rate_per_1k_words"],
        "named_quotes": values["specificity_named_speaker_quote_rate_per_1k_words"],
    }


def test_sourced_reporting_has_more_substance_than_vague_filler() -> None:
    reporting = (
        '"We will appeal the ruling," said Jane Smith of Acme Corp on Tuesday. The firm lost '
        "$4.5m in 2023, according to the Office for National Statistics. Tom Reyes, the "
        "union's head, said 300 jobs were at risk."
    )
    filler = (
        "Experts say the ruling could have significant implications. Reports indicate that "
        "many people are concerned, and observers note that the stakes are high for everyone."
    )
    assert _substance(reporting)["substance"] > 3 * _substance(filler)["substance"]
    assert _substance(reporting)["named_quotes"] > 0
    assert _substance(reporting)["speakers"] > 0
    assert _substance(filler)["speakers"] == 0
    assert _substance(filler)["named_quotes"] == 0


def test_repeating_an_item_adds_no_substance() -> None:
    once = "Mayor Jane Smith said the bridge opens on Friday. " + "The town waits. " * 20
    twice = "Mayor Jane Smith said the bridge opens on Friday. " * 2 + "The town waits. " * 19
    assert _substance(twice)["substance"] <= _substance(once)["substance"]


def test_a_role_without_a_name_is_no_named_speaker() -> None:
    assert _substance('"It is fine," a spokesman said. Experts say so too.')["speakers"] == 0
