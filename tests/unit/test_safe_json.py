"""Reading JSON farmscore does not control: malformed, too deep, too long an integer."""

from __future__ import annotations

import json

import pytest

from farmscore.reading.safe_json import (
    MAX_DEPTH,
    UnreadableJsonError,
    nested_deeper_than,
    parse_json,
)


def nested_record(depth: int) -> str:
    """A record whose `extra` field takes the whole value to `depth` levels (at least 2)."""
    lists = depth - 1
    return '{"id": "deep", "text": "Rain.", "extra": ' + "[" * lists + "]" * lists + "}"


@pytest.mark.parametrize("depth", [2, 3, MAX_DEPTH - 1, MAX_DEPTH])
def test_records_up_to_the_limit_are_read_and_can_be_written_back(depth: int) -> None:
    value = parse_json(nested_record(depth))
    assert isinstance(value, dict)
    assert json.loads(json.dumps(value)) == value


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 980, 990, 5_000, 100_000])
def test_records_past_the_limit_are_one_clear_error(depth: int) -> None:
    with pytest.raises(UnreadableJsonError, match=r"levels deep|deeper than the JSON reader"):
        parse_json(nested_record(depth))


def test_depth_is_measured_on_the_deepest_branch_of_objects_and_lists() -> None:
    value = {"a": [1, {"b": [[[]]]}], "c": {}}  # object, list, object, then three lists: 6
    assert not nested_deeper_than(value, 6)
    assert nested_deeper_than(value, 5)
    assert not nested_deeper_than("text", 0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"text": ', "not valid JSON"),
        ('{"n": ' + "9" * 5_000 + "}", "not readable as JSON"),
    ],
)
def test_other_unreadable_json_says_why(text: str, message: str) -> None:
    with pytest.raises(UnreadableJsonError, match=message):
        parse_json(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"text": "Rain.", "n": 1e400}', "beyond what a double holds"),
        ('{"text": "Rain.", "n": -1e400}', "beyond what a double holds"),
        ('{"text": "Rain.", "n": NaN}', "holds NaN"),
        ('{"text": "Rain.", "n": Infinity}', "holds Infinity"),
    ],
)
def test_numbers_no_json_writer_can_give_back_are_refused(text: str, message: str) -> None:
    # Read as inf or nan, they used to be written back as Infinity or NaN: not JSON.
    with pytest.raises(UnreadableJsonError, match=message):
        parse_json(text)


def test_ordinary_floats_are_read_as_they_are() -> None:
    assert parse_json('{"n": 1.5e300, "m": -0.25}') == {"n": 1.5e300, "m": -0.25}
