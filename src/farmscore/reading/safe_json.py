"""JSON from input farmscore does not control: every way the parser can fail is one error that
says why, so that a hostile line costs one error row and nothing else.

>>> parse_json('{"text": "Rain due."}')
{'text': 'Rain due.'}
>>> try:
...     parse_json("[" * 100_000)
... except UnreadableJsonError as error:
...     print(str(error)[:42])
nested deeper than the JSON reader follows
"""

from __future__ import annotations

import json


class UnreadableJsonError(ValueError):
    """Text that is not JSON farmscore can read; the message says why."""


def parse_json(text: str) -> object:
    """The value of a JSON text, or `UnreadableJsonError` for malformed JSON, nesting too
    deep for the parser (it recurses), and integers too long to convert (over 4,300 digits)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableJsonError(f"not valid JSON: {error.msg} at column {error.colno}") from None
    except RecursionError:
        raise UnreadableJsonError(
            "nested deeper than the JSON reader follows (about 1,000 levels of [ or {); "
            "no article record is nested like that"
        ) from None
    except ValueError as error:  # an integer of over 4,300 digits, among others
        raise UnreadableJsonError(f"not readable as JSON: {error}") from None
