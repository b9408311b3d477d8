"""Read ahead of an async iterator, so that fetching page N+1 overlaps with storing page N."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TypeVar, cast

T = TypeVar("T")

_END = object()


async def prefetch(source: AsyncIterator[T], depth: int = 2) -> AsyncGenerator[T, None]:
    """Yield the items of `source`, with up to `depth` of them fetched in advance by a task.

    An exception from `source` is raised here, after the items that came before it. When the
    consumer stops early (or fails), the read-ahead task is cancelled and `source` closed.
    Use with `contextlib.aclosing` so that this happens at once, not when garbage-collected.
    """
    queue: asyncio.Queue[object] = asyncio.Queue(depth)

    async def produce() -> None:
        try:
            async for item in source:
                await queue.put(item)
        except Exception as exc:
            await queue.put(_Failure(exc))
        else:
            await queue.put(_END)
        finally:
            closer = getattr(source, "aclose", None)
            if closer is not None:
                with contextlib.suppress(Exception):
                    await closer()

    task = asyncio.create_task(produce())
    try:
        while True:
            item = await queue.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.exc
            yield cast(T, item)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class _Failure:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc
