"""JSON from input farmscore does not control: every way the parser can fail is one error that
says why, so that a hostile line costs one error row and nothing else.

A value nested deeper than `MAX_DEPTH` levels is refused as it is read. The standard library
parses nesting of nearly 1,000 levels, but its writer recurses too and fails a little sooner,
from deeper in the call stack: a record read at 980 levels could not be written back, and the
writer's error would stop the run. Under the limit, every record read can be written.

>>> parse_json('{"text": "Rain due."}')
{'text': 'Rain due.'}
>>> try:
...     parse_json("[" * 100_000)
... except UnreadableJsonError as error:
...     print(str(error)[:42])
nested deeper than the JSON reader follows
>>> try:
...     parse_json('{"text": "Rain.", "extra": ' + "[" * 600 + "]" * 600 + "}")
... except UnreadableJsonError as error:
...     print(str(error)[:39])
nested more than 500 levels deep (lists
"""

from __future__ import annotations

import json
import math

# Levels of lists and objects a record may hold; no article record comes near it.
MAX_DEPTH = 500


class UnreadableJsonError(ValueError):
    """Text that is not JSON farmscore can read; the message says why."""


def parse_json(text: str) -> object:
    """The value of a JSON text, or `UnreadableJsonError` for malformed JSON, nesting deeper
    than `MAX_DEPTH` (or too deep for the parser, which recurses), integers too long to
    convert (over 4,300 digits), and what no JSON writer can give back: NaN, Infinity and
    numbers past a double's range (1e400)."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except UnreadableJsonError:
        raise
    except json.JSONDecodeError as error:
        raise UnreadableJsonError(f"not valid JSON: {error.msg} at column {error.colno}") from None
    except RecursionError:
        raise UnreadableJsonError(
            "nested deeper than the JSON reader follows (about 1,000 levels of [ or {); "
            "no article record is nested like that"
        ) from None
    except ValueError as error:  # an integer of over 4,300 digits, among others
        raise UnreadableJsonError(f"not readable as JSON: {error}") from None
    if nested_deeper_than(value, MAX_DEPTH):
        raise UnreadableJsonError(
            f"nested more than {MAX_DEPTH} levels deep (lists and objects inside each other); "
            "farmscore reads no deeper, so that every record it reads it can also write"
        )
    return value


def _refuse_constant(name: str) -> float:
    raise UnreadableJsonError(
        f"holds {name}, which is not JSON (no JSON writer can give it back); write it as a "
        "string or null"
    )


def _finite_float(literal: str) -> float:
    """A JSON number as a float; one past a double's range (1e400) would be written back as
    Infinity, which is not JSON, so it is refused."""
    value = float(literal)
    if not math.isfinite(value):
        raise UnreadableJsonError(
            f"holds the number {literal[:40]}, beyond what a double holds (about 1.8e308); "
            "write it as a string"
        )
    return value


def nested_deeper_than(value: object, limit: int) -> bool:
    """Whether lists and objects inside `value` go more than `limit` levels deep, found without
    recursion (a recursive walk would fail on the very values it is meant to catch)."""
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        current, depth = pending.pop()
        if isinstance(current, dict):
            children: list[object] = list(current.values())
        elif isinstance(current, list):
            children = current
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
