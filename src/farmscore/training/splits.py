"""The one train/test split by story group, so that a human original and its rewrites never
straddle it, and every tool (lexicon mining, training, evaluation) agrees on it."""

from __future__ import annotations

import hashlib

# One group in five is held out for evaluation.
TEST_FRACTION_DENOMINATOR = 5


def is_test_group(group: str) -> bool:
    """True when `group` belongs to the held-out evaluation split (stable across runs).

    >>> is_test_group("l2r/News/12") in (True, False)
    True
    """
    digest = hashlib.sha256(group.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % TEST_FRACTION_DENOMINATOR == 0


def is_validation_group(group: str) -> bool:
    """True for the one training group in five used to choose between model kinds; a second,
    independent hash, so it is spread evenly across the training split."""
    digest = hashlib.sha256(("validation:" + group).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % TEST_FRACTION_DENOMINATOR == 0
