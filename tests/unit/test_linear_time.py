"""Every character, repeated, costs time in proportion to its count through the whole scorer.

A pattern that is retried at every position of a run ("Rain is due. " and 64,000 dots once took
90 s) shows up here as a time that grows 16 times for 4 times the input. The scan keeps every
printable ASCII character and common Unicode punctuation honest, alone in a run after a
sentence and between words. Figures (seconds at each size) are printed by `make bench`.
"""

from __future__ import annotations

import string
import time
from collections.abc import Callable

import pytest

from farmscore.scoring import Scorer

UNICODE_PUNCTUATION = (
    "…–—‘’“”«»‹›·•¡¿§¶†‡‰′″※‽、。！？，：；（）【】「」『』〈〉〜・\u00a0\u2028\u2029\u200b\ufeff"
)
CHARACTERS = [c for c in string.printable if c not in "\x0b\x0c"] + list(UNICODE_PUNCTUATION)
SMALL_COUNT = 8_000
LARGE_COUNT = 32_000
# 4 times the input may cost up to 6 times the time: linear plus noise, never quadratic (16).
MAX_TIME_RATIO = 6.0
# Below this a run is all fixed cost and timer noise: the ratio would mean nothing.
MIN_MEASURED_SECONDS = 0.01


def cpu_seconds(scorer: Scorer, text: str) -> float:
    start = time.process_time()
    scorer.score(text)
    return time.process_time() - start


def time_ratio(scorer: Scorer, make: Callable[[int], str]) -> float:
    """Time at `LARGE_COUNT` over time at `SMALL_COUNT`. A ratio over the limit is measured
    again, the sizes in turn and the best of five of each, so that a moment when another
    process takes the core does not fail the scan; a quadratic cost stays near 16."""
    small, large = make(SMALL_COUNT), make(LARGE_COUNT)
    ratio = cpu_seconds(scorer, large) / max(cpu_seconds(scorer, small), MIN_MEASURED_SECONDS)
    if ratio <= MAX_TIME_RATIO:
        return ratio
    small_times, large_times = [], []
    for _ in range(5):
        small_times.append(cpu_seconds(scorer, small))
        large_times.append(cpu_seconds(scorer, large))
    return min(large_times) / max(min(small_times), MIN_MEASURED_SECONDS)


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer.load()


def test_every_character_repeated_costs_linear_time(scorer: Scorer) -> None:
    too_slow: dict[str, float] = {}
    for character in CHARACTERS:
        forms: dict[str, Callable[[int], str]] = {
            "a run after a sentence": lambda n, c=character: f"Rain is due. {c * n}",  # type: ignore[misc]
            "between words": lambda n, c=character: f"word{c}" * n,  # type: ignore[misc]
        }
        for form, make in forms.items():
            ratio = time_ratio(scorer, make)
            if ratio > MAX_TIME_RATIO:
                too_slow[f"{character!r} {form}"] = round(ratio, 1)
    assert too_slow == {}


def test_sixty_four_thousand_dots_cost_four_times_sixteen_thousand(scorer: Scorer) -> None:
    # The case of the report: 16,000 dots took 5.5 s and 64,000 took 90 s.
    ratio = time_ratio(scorer, lambda n: "Rain is due. " + "." * (n * 2))
    assert ratio <= MAX_TIME_RATIO
