"""The shared tokenisation: words, lines, paragraphs, sentences and the title line."""

from __future__ import annotations

import pytest

from farmscore.features.text import AnalyzedText


def spans_text(doc: AnalyzedText, spans: list[tuple[int, int]]) -> list[str]:
    return [doc.span_text(span) for span in spans]


def test_words_keep_contractions_and_offsets() -> None:
    doc = AnalyzedText("It's not just about 3 cats—it’s 4_dogs.")
    assert doc.words == ["It's", "not", "just", "about", "3", "cats", "it’s", "4", "dogs"]
    assert all(doc.text[s:e] == w for (s, e), w in zip(doc.word_spans, doc.words, strict=True))
    assert doc.words_lower[0] == "it's"


def test_paragraphs_split_on_blank_lines_else_lines() -> None:
    doc = AnalyzedText("Title\n\nFirst para\ncontinues.\n  \nSecond.")
    assert spans_text(doc, doc.paragraphs) == ["Title", "First para\ncontinues.", "Second."]
    single = AnalyzedText("one\ntwo\n")
    assert spans_text(single, single.paragraphs) == ["one", "two"]


def test_sentences_end_at_punctuation_or_line_break() -> None:
    doc = AnalyzedText('He said "Go." Then left! Why?\nA heading\nLast one')
    assert spans_text(doc, doc.sentences) == [
        'He said "Go."',
        "Then left!",
        "Why?",
        "A heading",
        "Last one",
    ]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("BREAKING: Star Splits!\n\nBody text here.", "BREAKING: Star Splits!"),
        ("A whole sentence that ends.\nMore.", None),
        ("Only one line", None),
        ("", None),
    ],
)
def test_title_is_a_short_first_line(text: str, title: str | None) -> None:
    doc = AnalyzedText(text)
    assert (doc.span_text(doc.title) if doc.title else None) == title


@pytest.mark.parametrize("text", ["", "   \n\t ", "\x00\x01\ufffd", "字" * 1000])
def test_degenerate_texts_tokenise(text: str) -> None:
    doc = AnalyzedText(text)
    assert doc.n_words == len(doc.words)
    assert all(0 <= s < e <= len(text) for s, e in doc.sentences + doc.lines + doc.paragraphs)


def test_sentence_word_ranges_index_the_words_of_each_sentence() -> None:
    doc = AnalyzedText("One two. !!! Three.\nFour five six")
    assert [doc.span_text(s) for s in doc.sentences] == [
        "One two.",
        "!!!",
        "Three.",
        "Four five six",
    ]
    assert doc.sentence_word_ranges == [(0, 2), (2, 2), (2, 3), (3, 6)]
    assert doc.word_starts == [start for start, _ in doc.word_spans]


def test_word_ranges_of_spans_without_words_are_empty() -> None:
    doc = AnalyzedText("Alpha --- beta\n...\ngamma")
    assert doc.word_ranges(doc.lines) == [(0, 2), (2, 2), (2, 3)]
