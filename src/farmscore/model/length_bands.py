"""Bands of text length, in words: each has its own threshold, its own typical human text and
its own reference for substance, because what a 100-word note and a 2,000-word feature can
carry differs.

>>> length_band(90), length_band(400), length_band(5000)
('<150', '400-1000', '>=1000')
>>> BAND_NAMES
('<150', '150-400', '400-1000', '>=1000')
"""

from __future__ import annotations

from bisect import bisect_right

# Lower bounds of the bands, in words.
LENGTH_BANDS_WORDS: tuple[int, ...] = (0, 150, 400, 1000)


def _name(index: int) -> str:
    lows = LENGTH_BANDS_WORDS
    if index == 0:
        return f"<{lows[1]}"
    if index == len(lows) - 1:
        return f">={lows[-1]}"
    return f"{lows[index]}-{lows[index + 1]}"


BAND_NAMES: tuple[str, ...] = tuple(_name(i) for i in range(len(LENGTH_BANDS_WORDS)))


def band_index(n_words: int) -> int:
    """The index in `BAND_NAMES` of the band `n_words` falls in."""
    return max(0, bisect_right(LENGTH_BANDS_WORDS, n_words) - 1)


def length_band(n_words: int) -> str:
    """The name of the length band `n_words` falls in, such as "150-400" or ">=1000"."""
    return BAND_NAMES[band_index(n_words)]
