"""Admission control for costly work (ingesting uploads): at most `slots` run at once, at most `waiting` more hold a
place in line, and anyone beyond is refused with how long to wait before asking again (HTTP's 503 + Retry-After)."""

import asyncio
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

MAX_RETRY_AFTER = 60


class Busy(Exception):
    """Every slot and every place in line is taken: come back in `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f'Busy: try again in {retry_after} s')
        self.retry_after = retry_after


class Gate:
    """`place()` admits a caller or raises Busy at once; inside it, `turn()` waits for one of the slots.

    Keeping the two apart lets a caller do cheap work (receive the upload's body) while it waits for its turn, and the
    place bounds how many such bodies are staged at once."""

    def __init__(self, slots: int, waiting: int):
        self.slots, self.capacity = max(1, slots), max(1, slots) + max(0, waiting)
        self.admitted = 0
        self._turns = asyncio.Semaphore(self.slots)
        self._seconds_per_turn = 1.0  # a moving mean of how long a turn takes, for the retry estimate

    @asynccontextmanager
    async def place(self) -> AsyncIterator[None]:
        if self.admitted >= self.capacity:
            raise Busy(self.retry_after())
        self.admitted += 1
        try:
            yield
        finally:
            self.admitted -= 1

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        async with self._turns:
            started = time.monotonic()
            try:
                yield
            finally:
                self._seconds_per_turn += (time.monotonic() - started - self._seconds_per_turn) / 5

    def retry_after(self) -> int:
        """Roughly when a place in line frees: everyone admitted gets their turn, `slots` at a time."""
        seconds = self._seconds_per_turn * (self.admitted - self.slots + 1) / self.slots
        return min(MAX_RETRY_AFTER, max(1, math.ceil(seconds)))
