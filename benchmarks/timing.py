"""Wall-clock timings and the figures made from them: medians, rates, paired ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def timed(call: Callable[[], T]) -> tuple[float, T]:
    """Seconds `call()` took on the wall clock, and what it returned."""
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def median(values: Sequence[float]) -> float:
    """The median; the middle of an odd count, the mean of the two middle values otherwise."""
    if not values:
        raise ValueError("the median of no values is undefined: time at least one run")
    return float(statistics.median(values))


def rate_per_second(count: float, seconds: float) -> float:
    """`count` per second of `seconds`; infinite for a zero duration."""
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative, got {seconds} s")
    return count / seconds if seconds > 0 else float("inf")


def paired_ratio_median(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """The median of numerator/denominator over runs measured side by side.

    Taking each run's ratio before the median cancels load that hit both halves of a pair:
    the machine is shared, so absolute rates drift between runs more than their ratios do.
    """
    if len(numerators) != len(denominators):
        raise ValueError(
            f"paired ratios need as many numerators as denominators, "
            f"got {len(numerators)} and {len(denominators)}"
        )
    return median(
        [n / d if d else float("inf") for n, d in zip(numerators, denominators, strict=True)]
    )


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value below which `fraction` (0 to 1) of `values` lie, interpolating linearly
    between the two nearest ranks (numpy's default method).

    >>> percentile([10.0, 20.0, 30.0, 40.0], 0.5)
    25.0
    """
    if not values:
        raise ValueError("a percentile of no values is undefined: time at least one request")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"a percentile's fraction lies in [0, 1], got {fraction}")
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return float(ordered[below] + (ordered[above] - ordered[below]) * (position - below))
