"""Text pieces for assembled pages: sentences, typography, mojibake, headlines."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from farmscore.training.pages.settings import (
    _T,
    CURLY_TYPOGRAPHY_SHARE,
    FRAGMENT_MIN_WORDS,
    HEADLINE_MAX_WORDS,
)

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
