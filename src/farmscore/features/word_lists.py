"""Word lists that ship inside installed packages, each loaded once per process."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def dale_chall_easy_words() -> frozenset[str]:
    """The Dale-Chall list of easy words that ships with textstat, lowercase.

    Found through the import system without importing textstat, which would import nltk.
    """
    spec = importlib.util.find_spec("textstat")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "textstat is not installed: it provides the Dale-Chall easy-word list; "
            "install farmscore's dependencies (pip install -e .)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "resources/en/easy_words.txt"
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines())


@lru_cache(maxsize=1)
def english_word_frequencies() -> dict[str, float]:
    """wordfreq's English word frequencies (share of all words), from its shipped data."""
    # Imported here: wordfreq's import alone costs about 0.2 s, paid only when needed.
    import wordfreq

    frequencies: dict[str, float] = wordfreq.get_frequency_dict("en", wordlist="best")
    return frequencies
