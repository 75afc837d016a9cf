"""Reading a stream ahead in a thread: order kept, pauses announced, errors raised here."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from farmscore.reading.read_ahead import PAUSE, read_ahead


def test_items_come_in_order_and_the_end_ends_it() -> None:
    assert list(read_ahead(iter(range(500)), pause_seconds=5, max_items=8)) == list(range(500))


def test_a_stream_that_stalls_is_announced_by_a_pause_and_then_goes_on() -> None:
    resume = threading.Event()

    def stalling() -> Iterator[str]:
        yield "a"
        resume.wait(timeout=30)
        yield "b"

    items = read_ahead(stalling(), pause_seconds=0.05, max_items=4)
    assert next(items) == "a"
    assert next(items) is PAUSE  # "b" has not come: the consumer is told, not kept waiting
    resume.set()
    assert [item for item in items if item is not PAUSE] == ["b"]


def test_an_error_while_reading_is_raised_to_the_consumer_after_the_items_before_it() -> None:
    def failing() -> Iterator[int]:
        yield 1
        raise OSError("the disk went away")

    items = read_ahead(failing(), pause_seconds=5, max_items=4)
    assert next(items) == 1
    with pytest.raises(OSError, match="the disk went away"):
        next(items)


def test_closing_early_stops_the_reading_thread() -> None:
    read: list[int] = []

    def endless() -> Iterator[int]:
        number = 0
        while True:
            read.append(number)
            yield number
            number += 1

    items = read_ahead(endless(), pause_seconds=5, max_items=4)
    assert next(items) == 0
    items.close()
    time.sleep(0.2)
    count = len(read)
    time.sleep(0.2)
    assert len(read) == count  # nothing more is read once the consumer has gone
    assert count <= 10  # at most the buffer, the item in hand and the one that saw the stop
