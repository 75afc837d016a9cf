"""Pools of corpus rows and the made-up details (names, places, handles) that fill
furniture templates."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Generic

import numpy as np
import pandas as pd

from farmscore.training.pages.sentences import (
    _CLOSING_CHARS,
    _MONTHS,
    _SENTENCE_END_CHARS,
    _SMALL_WORDS,
    _clean_words,
    _headline_phrase,
    _paragraph_sentences,
    _pick,
    _pick_distinct,
    _sentence_case,
    _title_case,
    _word_count,
)
from farmscore.training.pages.settings import _T, RECAP_MAX_WORDS, FurnitureTemplates


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
