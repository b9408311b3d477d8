"""Read-ahead of pages: order kept, errors surfaced in place, early stop closes the source."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing

import pytest

from pfa_vanguard.sync.prefetch import prefetch


async def test_items_arrive_in_order_and_ahead_of_the_consumer() -> None:
    produced: list[int] = []

    async def source() -> AsyncIterator[int]:
        for n in range(5):
            produced.append(n)
            yield n

    seen = []
    async with aclosing(prefetch(source(), depth=2)) as pages:
        async for n in pages:
            await asyncio.sleep(0)  # let the read-ahead task run
            seen.append((n, len(produced)))
    assert [n for n, _ in seen] == [0, 1, 2, 3, 4]
    assert seen[0][1] > 1  # page 1 was read while page 0 was being consumed


async def test_an_error_comes_after_the_items_before_it() -> None:
    async def source() -> AsyncIterator[int]:
        yield 1
        yield 2
        raise RuntimeError("page 3 failed")

    seen: list[int] = []

    async def consume() -> None:
        async with aclosing(prefetch(source())) as pages:
            async for n in pages:
                seen.append(n)

    with pytest.raises(RuntimeError, match="page 3 failed"):
        await consume()
    assert seen == [1, 2]


async def test_stopping_early_closes_the_source() -> None:
    closed = asyncio.Event()

    async def source() -> AsyncIterator[int]:
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()

    async with aclosing(prefetch(source())) as pages:
        async for n in pages:
            if n == 3:
                break
    assert closed.is_set()
