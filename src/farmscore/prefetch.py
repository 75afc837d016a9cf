"""Read a stream ahead in a thread, and say when it pauses.

A feed piped into `farmscore gate` may deliver ten records and then nothing for a minute.
Scoring reads in batches, so without help those ten records would wait for the batch to
fill, and with worker processes joblib would wait holding its own lock, so that even the
scores already computed could not come out. `read_ahead` yields the stream's items as they
arrive and `PAUSE` whenever `pause_seconds` pass without one, so a batcher can send what it
holds instead of waiting.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import Final, TypeVar

T = TypeVar("T")


class _Pause:
    def __repr__(self) -> str:
        return "PAUSE"


PAUSE: Final = _Pause()
_END = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def read_ahead(items: Iterable[T], pause_seconds: float, max_items: int) -> Iterator[T | _Pause]:
    """`items` in order, read by a daemon thread at most `max_items` ahead of the consumer;
    `PAUSE` after each `pause_seconds` without a new item. An exception raised while reading
    is raised here, in the consumer. Closing the generator stops the reading thread at its
    next item."""
    buffer: queue.Queue[object] = queue.Queue(maxsize=max_items)
    stopped = threading.Event()

    def read() -> None:
        try:
            for item in items:
                if stopped.is_set():
                    return
                buffer.put(item)
        except BaseException as error:  # handed to the consumer, which raises it
            buffer.put(_Failed(error))
        else:
            buffer.put(_END)

    threading.Thread(target=read, name="farmscore-read-ahead", daemon=True).start()
    try:
        while True:
            try:
                item = buffer.get(timeout=pause_seconds)
            except queue.Empty:
                yield PAUSE
                continue
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stopped.set()
        # A reader blocked on a full buffer wakes, sees `stopped` and ends.
        while not buffer.empty():
            buffer.get_nowait()


__all__ = ["PAUSE", "read_ahead"]
