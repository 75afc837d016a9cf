"""Seeded, English-like news articles of a chosen length, and the odd inputs the scorer must
survive.

Every document differs from every other: datatrove's `split_into_parts` sits behind an
`lru_cache` and textstat caches its counts per text, so timing one text over and over would
measure a cache lookup, not the work. Each article is drawn from its own generator, seeded by
(seed, length, index), so document 5,000 of a stream is the same whether or not 0-4,999 were
made.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from farmscore.types import Document

# The vocabulary: the most frequent English words, drawn as often as English uses them.
VOCABULARY_SIZE_WORDS = 20_000
SENTENCE_WORDS_MIN, SENTENCE_WORDS_MAX = 8, 30
PARAGRAPH_SENTENCES_MIN, PARAGRAPH_SENTENCES_MAX = 3, 6
TITLE_WORDS_MIN, TITLE_WORDS_MAX = 6, 12
HEADING_WORDS_MIN, HEADING_WORDS_MAX = 2, 5
# Chances per sentence (heading: per paragraph) of the things that make prose look reported.
NAME_CHANCE = 0.30
NUMBER_CHANCE = 0.25
DATE_CHANCE = 0.12
QUOTE_CHANCE = 0.08
HEADING_CHANCE = 0.15

FIRST_NAMES = (
    "Amara", "Bernard", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiroshi", "Ines",
    "Jonah", "Keisha", "Lars", "Mei", "Nikolai", "Olu", "Priya", "Quentin", "Rosa",
    "Samir", "Tessa", "Umar", "Valeria", "Wendell", "Ximena", "Yusuf", "Zofia",
)  # fmt: skip
SURNAMES = (
    "Abernathy", "Baptiste", "Castellanos", "Dube", "Eriksen", "Fairweather", "Gallo",
    "Haddad", "Iwasaki", "Jankowski", "Kowalczyk", "Lindqvist", "Mbeki", "Novak", "Okafor",
    "Petrosyan", "Quinlan", "Rasmussen", "Sandoval", "Thackeray", "Underhill", "Vasquez",
    "Whitlock", "Yamamoto", "Zelenko",
)  # fmt: skip
ROLES = (
    "a spokeswoman for the city", "the county treasurer", "a senior analyst at the bank",
    "the union's regional organiser", "a professor of economics", "the hospital's director",
    "a local shop owner", "the school board chair", "a police spokesman", "the port manager",
)  # fmt: skip
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_WORD = re.compile(r"^[a-z]+(?:'[a-z]+)?$")


@dataclass(frozen=True)
class Vocabulary:
    """Words and the cumulative share of running English text each accounts for."""

    words: tuple[str, ...]
    cumulative_share: np.ndarray

    def draw(self, rng: np.random.Generator, n_words: int) -> list[str]:
        """`n_words` words, each drawn with its Zipf weight."""
        picks = np.searchsorted(self.cumulative_share, rng.random(n_words), side="right")
        words = self.words
        return [words[i] for i in picks.tolist()]


@cache
def english_vocabulary() -> Vocabulary:
    """The 20,000 commonest English words from wordfreq, weighted by their Zipf frequency."""
    # Read-only once built; cached because wordfreq takes a quarter second to ask.
    import wordfreq

    words: list[str] = []
    weights: list[float] = []
    for word in wordfreq.top_n_list("en", VOCABULARY_SIZE_WORDS):
        if not _WORD.match(word):
            continue  # digits, "u.s", "°": numbers are sprinkled in separately
        words.append("I" + word[1:] if word == "i" or word.startswith("i'") else word)
        weights.append(10 ** wordfreq.zipf_frequency(word, "en"))
    cumulative = np.cumsum(weights)
    return Vocabulary(tuple(words), cumulative / cumulative[-1])


# What a generator makes is part of its seed, so that no two kinds of text (nor two lengths
# of article) share a random stream, and hence a beginning.
KIND_ARTICLE, KIND_SINGLE_LINE, KIND_WORD_LINES = 0, 1, 2


def _rng(seed: int, kind: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([seed, kind, *keys])


def _chance(rng: np.random.Generator, probability: float) -> bool:
    return bool(rng.random() < probability)


def _between(rng: np.random.Generator, low: int, high: int) -> int:
    return int(rng.integers(low, high + 1))


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def _name(rng: np.random.Generator) -> str:
    return f"{_pick(rng, FIRST_NAMES)} {_pick(rng, SURNAMES)}"


def _number(rng: np.random.Generator) -> str:
    kind = int(rng.integers(4))
    if kind == 0:
        return f"{_between(rng, 2, 98)}%"
    if kind == 1:
        return f"${_between(rng, 1, 950)}.{_between(rng, 0, 9)} million"
    if kind == 2:
        return f"{_between(rng, 1_000, 250_000):,}"
    return str(_between(rng, 3, 400))


def _date(rng: np.random.Generator) -> str:
    if _chance(rng, 0.5):
        return f"on {_pick(rng, WEEKDAYS)}"
    return f"on {_pick(rng, MONTHS)} {_between(rng, 1, 28)}, {_between(rng, 1995, 2025)}"


def _title_case(words: list[str]) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in words)


def _sentence(rng: np.random.Generator, words: list[str]) -> str:
    """A sentence from drawn words, with a name, number or date dropped in now and then;
    each insertion replaces as many drawn words as it has, so the count is kept."""
    tokens = list(words)
    for chance, make in ((NAME_CHANCE, _name), (NUMBER_CHANCE, _number), (DATE_CHANCE, _date)):
        if _chance(rng, chance):
            insert = make(rng).split(" ")
            if len(insert) < len(tokens):
                at = _between(rng, 1, len(tokens) - len(insert))
                tokens[at : at + len(insert)] = insert
    tokens[0] = tokens[0][:1].upper() + tokens[0][1:]
    if len(tokens) > 10 and _chance(rng, 0.4):
        comma_at = _between(rng, 3, len(tokens) - 4)
        tokens[comma_at] += ","
    return " ".join(tokens) + "."


def _quote(rng: np.random.Generator, words: list[str]) -> str:
    """`"Said words," Name Surname, role, said.` in exactly len(words) words when there is
    room for the attribution, else a plain sentence."""
    name = _name(rng)
    role = _pick(rng, ROLES)
    attribution = f"{name}, {role}, said."
    n_attribution = len(attribution.split(" "))
    if len(words) - n_attribution < 4:
        return _sentence(rng, words)
    said = words[: len(words) - n_attribution]
    said[0] = said[0][:1].upper() + said[0][1:]
    return f'"{" ".join(said)}," {attribution}'


def news_article(n_words: int, seed: int = 0, index: int = 0) -> str:
    """A news-like article of exactly `n_words` whitespace-separated words (title and any
    headings included): a title line, then paragraphs of 3-6 sentences of 8-30 words."""
    if n_words < 1:
        raise ValueError(f"an article needs at least one word, not {n_words}")
    return _article(_rng(seed, KIND_ARTICLE, n_words, index), n_words)


def _article(rng: np.random.Generator, n_words: int) -> str:
    """The article `news_article` describes, drawn from `rng`."""
    pool = english_vocabulary().draw(rng, n_words)
    used = 0

    def take(count: int) -> list[str]:
        nonlocal used
        count = min(count, n_words - used)
        words = pool[used : used + count]
        used += count
        return words

    blocks = [_title_case(take(_between(rng, TITLE_WORDS_MIN, TITLE_WORDS_MAX)))]
    while used < n_words:
        if len(blocks) > 2 and _chance(rng, HEADING_CHANCE):
            blocks.append(_title_case(take(_between(rng, HEADING_WORDS_MIN, HEADING_WORDS_MAX))))
        sentences = []
        for _ in range(_between(rng, PARAGRAPH_SENTENCES_MIN, PARAGRAPH_SENTENCES_MAX)):
            words = take(_between(rng, SENTENCE_WORDS_MIN, SENTENCE_WORDS_MAX))
            if not words:
                break
            quoted = _chance(rng, QUOTE_CHANCE)
            sentences.append(_quote(rng, words) if quoted else _sentence(rng, words))
        if sentences:
            blocks.append(" ".join(sentences))
    return "\n\n".join(blocks)


def news_documents(
    n_docs: int, n_words: int, seed: int = 0, first_index: int = 0
) -> list[Document]:
    """`n_docs` distinct articles of `n_words` words each, ids `doc-<index>`."""
    return [
        Document(id=f"doc-{index}", text=news_article(n_words, seed, index))
        for index in range(first_index, first_index + n_docs)
    ]


def write_jsonl_stream(path: Path, size_bytes: int, n_words: int, seed: int = 0) -> list[int]:
    """Write `{"id", "text"}` records of `n_words`-word articles to `path` until it holds at
    least `size_bytes` bytes; returns the byte offset after each record, so that a prefix of
    whole records of any smaller size can be cut from the one file."""
    ends: list[int] = []
    written = 0
    with path.open("wb") as out:
        index = 0
        while written < size_bytes:
            record = {"id": f"rec-{index}", "text": news_article(n_words, seed, index)}
            line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
            out.write(line)
            written += len(line)
            ends.append(written)
            index += 1
    return ends


def copy_prefix(source: Path, target: Path, n_bytes: int) -> None:
    """Copy the first `n_bytes` of `source` to `target` (like `head -c`)."""
    chunk_bytes = 1 << 20
    with source.open("rb") as src, target.open("wb") as out:
        left = n_bytes
        while left > 0 and (chunk := src.read(min(chunk_bytes, left))):
            out.write(chunk)
            left -= len(chunk)


# ---- pathological inputs ---------------------------------------------------------------


def single_line_text(size_chars: int, seed: int = 0, index: int = 0) -> str:
    """Prose of `size_chars` characters with no line break: one enormous paragraph."""
    pieces: list[str] = []
    length = 0
    part = 0
    while length < size_chars:
        piece = _article(_rng(seed, KIND_SINGLE_LINE, index, part), 2_000).replace("\n", " ")
        pieces.append(piece)
        length += len(piece) + 1
        part += 1
    return " ".join(pieces)[:size_chars]


def repeated_character_text(size_chars: int, character: str = "a") -> str:
    """One character, `size_chars` times, no spaces: a single 'word' a megabyte long."""
    return character * size_chars


def one_word_lines_text(n_lines: int, seed: int = 0, index: int = 0) -> str:
    """`n_lines` lines of one word each, drawn from the English vocabulary."""
    rng = _rng(seed, KIND_WORD_LINES, index)
    return "\n".join(english_vocabulary().draw(rng, n_lines))
