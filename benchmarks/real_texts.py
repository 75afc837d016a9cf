"""The real texts the benchmark times, read offline: long human articles and machine texts from
the shared corpora and the repository's pan24 corpus, and farm pages assembled from the machine
texts by farmscore's own page assembler.

Each kind is a `TextStream` in a seeded random order, so every batch mixes the corpora of its
kind and no text is handed out twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import numpy as np
import pandas as pd

from benchmarks.text_stream import TextStream, word_count
from farmscore.training.corpora import (
    LONG_HUMAN_CORPORA,
    CorpusError,
    load_corpora,
    load_repository_corpora,
)
from farmscore.training.pages import MEDIAN_PAGE_WORDS, assemble_farm_pages, matched_lengths

HUMAN_ARTICLES = "human_articles"
MACHINE_TEXTS = "machine_texts"
FARM_PAGES = "farm_pages"
KINDS = (HUMAN_ARTICLES, MACHINE_TEXTS, FARM_PAGES)
KIND_TITLES = {
    HUMAN_ARTICLES: "human articles",
    MACHINE_TEXTS: "machine texts",
    FARM_PAGES: "farm pages",
}
# ../shared/data beside the repository, where `make model` reads it too.
DEFAULT_REAL_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
# The repository's corpus of long LLM-written news (training/corpora/MANIFEST.json).
PAN24_CORPUS = "pan24_news"
# Farm pages are assembled this many at a time, as batches ask for them.
FARM_PAGES_PER_ASSEMBLY = 500
SUBSTANTIVE, CONTENT_FARM = 0, 1


class RealTextUnavailableError(RuntimeError):
    """The shared corpora are not there, or cannot be read."""


@dataclass(frozen=True)
class RealTexts:
    """One stream per kind (keys of `KINDS`), and what each holds, in words for the report."""

    streams: dict[str, TextStream]
    descriptions: dict[str, str]


def _shuffled(texts: list[str], rng: np.random.Generator) -> list[str]:
    return [texts[i] for i in rng.permutation(len(texts))]


def assembled_farm_pages(llm_rows: pd.DataFrame, rng: np.random.Generator) -> Iterator[str]:
    """Farm pages without end, from `farmscore.training.pages.assemble_farm_pages` over
    `llm_rows`, at the page lengths it draws for training (`matched_lengths`).

    Pages retell the machine texts, as farms do, so their parts also appear in the machine
    texts' batches; but each page is a different whole text, and whole texts are what the
    caches of documents.py are keyed on.
    """
    while True:
        lengths = matched_lengths(FARM_PAGES_PER_ASSEMBLY, rng)
        pages = assemble_farm_pages(
            llm_rows, FARM_PAGES_PER_ASSEMBLY, lengths, rng, require_one_split=False
        )
        yield from pages["text"].astype(str).tolist()


def _read_corpora(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not data_dir.is_dir():
        raise RealTextUnavailableError(
            f"{data_dir} is absent: the real-text section reads the shared corpora there "
            "(../shared/data beside the repository); pass --real-data PATH to read them "
            "elsewhere"
        )
    try:
        shared = load_corpora(data_dir)
        repository = load_repository_corpora()
    except (CorpusError, OSError) as error:
        raise RealTextUnavailableError(f"the real-text corpora cannot be read: {error}") from None
    return shared, repository[repository["corpus"] == PAN24_CORPUS]


def load_real_texts(data_dir: Path = DEFAULT_REAL_DATA_DIR, seed: int = 0) -> RealTexts:
    """The three kinds of real text, each in its own seeded order.

    - human articles: every text of the long human corpora (bbc, opinion, localnews);
    - machine texts: every content_farm text of the shared corpora and of pan24_news;
    - farm pages: assembled from those machine texts, without end.

    Raises RealTextUnavailableError, saying where it looked, when the corpora are absent.
    """
    shared, pan24 = _read_corpora(data_dir)
    human_rows = shared[shared["corpus"].isin(LONG_HUMAN_CORPORA)]
    human_rows = human_rows[human_rows["label"] == SUBSTANTIVE]
    llm_rows = pd.concat(
        [shared[shared["label"] == CONTENT_FARM], pan24[pan24["label"] == CONTENT_FARM]],
        ignore_index=True,
    )
    # Each kind its own random stream, so that changing one kind's batches moves no other.
    rngs = {kind: np.random.default_rng([seed, index]) for index, kind in enumerate(KINDS)}
    human = _shuffled(human_rows["text"].tolist(), rngs[HUMAN_ARTICLES])
    machine = _shuffled(llm_rows["text"].tolist(), rngs[MACHINE_TEXTS])
    human_corpora = ", ".join(LONG_HUMAN_CORPORA) + " (substantive)"
    machine_corpora = ", ".join(sorted(set(llm_rows["corpus"]))) + " (content_farm)"
    streams, descriptions = {}, {}
    for kind, corpora, texts in (
        (HUMAN_ARTICLES, human_corpora, human),
        (MACHINE_TEXTS, machine_corpora, machine),
    ):
        streams[kind] = TextStream(kind, texts)
        median_words = median(map(word_count, texts))
        descriptions[kind] = f"{corpora}: {len(texts):,} texts, median {median_words:,.0f} words"
    streams[FARM_PAGES] = TextStream(FARM_PAGES, assembled_farm_pages(llm_rows, rngs[FARM_PAGES]))
    descriptions[FARM_PAGES] = (
        "farmscore.training.pages.assemble_farm_pages over the machine texts (retold stories, "
        f"promo lines, comment forms...), lengths drawn around {MEDIAN_PAGE_WORDS} words"
    )
    return RealTexts(streams, descriptions)
