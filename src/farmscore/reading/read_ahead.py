"""Read a stream ahead in a thread, and say when it pauses.

A feed piped into `farmscore gate` may deliver ten records and then nothing for a minute.
Scoring reads in batches, so without help those ten records would wait for the batch to
fill, and with worker processes joblib would wait holding its own lock, so that even the
scores already computed could not come out. `read_ahead` yields the stream's items as they
arrive and `PAUSE` whenever `pause_seconds` pass without one, so a batcher can send what it
holds instead of waiting.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Final, TypeVar

T = TypeVar("T")


class Pause:
    """The type of `PAUSE`."""

    def __repr__(self) -> str:
        return "PAUSE"


PAUSE: Final = Pause()


def read_ahead(items: Iterable[T], pause_seconds: float, max_items: int) -> Iterator[T | Pause]:
    """`items` in order, read by a daemon thread at most `max_items` ahead of the consumer;
    `PAUSE` after each `pause_seconds` without a new item. An exception raised while reading
    is raised here, in the consumer, after the items before it. Closing the generator stops
    the reading thread at its next item.

    The reader refills the buffer only once it is half empty, so the two threads hand over
    the interpreter once per `max_items / 2` items, not once per item."""
    buffer: deque[T] = deque()
    changed = threading.Condition()
    stopped = threading.Event()
    outcome: list[BaseException | None] = []  # filled when reading ends: the error, or None
    refill_below = max(1, max_items // 2)

    def read() -> None:
        error: BaseException | None = None
        try:
            for item in items:
                with changed:
                    while len(buffer) >= max_items and not stopped.is_set():
                        changed.wait()
                    if stopped.is_set():
                        return
                    buffer.append(item)
                    if len(buffer) == 1:
                        changed.notify_all()  # the consumer may be waiting on an empty buffer
        except BaseException as caught:  # handed to the consumer, which raises it
            error = caught
        finally:
            with changed:
                outcome.append(error)
                changed.notify_all()

    threading.Thread(target=read, name="farmscore-read-ahead", daemon=True).start()
    try:
        while True:
            with changed:
                if not buffer and not outcome:
                    changed.wait(timeout=pause_seconds)
                if buffer:
                    next_item: T | Pause = buffer.popleft()
                    if len(buffer) == refill_below:
                        changed.notify_all()
                elif outcome:
                    error = outcome[0]
                    break
                else:
                    next_item = PAUSE
            yield next_item
        if error is not None:
            raise error
    finally:
        stopped.set()
        with changed:
            changed.notify_all()


__all__ = ["PAUSE", "Pause", "read_ahead"]
