"""A zlib ("deflate" content-coding) body spliced from independently compressed segments.

Each segment is raw deflate from a fresh compressor ending on a byte boundary (sync flush),
so segments can be concatenated in any order into one valid deflate stream; the zlib trailer's
Adler-32 of the whole is combined from the segments' own checksums in O(1) each. A response
assembled this way costs a `join`, not a compression: segments are compressed once, when their
content changes (mirror/snapshots.py), and only segments holding a caller's drafts are redone.

Levels 1-3 (what is compressed per request: filtered answers, chunks holding drafts) use Intel's
ISA-L (`isal`), which writes the same deflate format about three times faster than zlib at a
similar size; higher levels (the snapshot's chunks, compressed once) use zlib. Both kinds of
segment splice together, and both libraries compute the same Adler-32.
"""

from __future__ import annotations

import asyncio
import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from isal import isal_zlib

ZLIB_HEADER = b"\x78\x9c"  # deflate, 32K window, default compression, no preset dictionary
FINAL_BLOCK = b"\x03\x00"  # an empty final block (fixed Huffman, end-of-block only)
_ADLER_BASE = 65521
PARALLEL_MIN_BYTES = 256 * 1024  # below this a body is compressed in one go, on the spot
FAST_LEVELS = range(1, 4)  # compressed by ISA-L (its levels 1-3); others by zlib


@dataclass(frozen=True, slots=True)
class Segment:
    """Raw deflate data (byte-aligned, not final) of `length` bytes whose Adler-32 is `adler`."""

    data: bytes
    length: int
    adler: int

    @property
    def size(self) -> int:
        return len(self.data)


def compress_segment(raw: bytes, level: int = 6) -> Segment:
    """`raw` compressed on its own, ready to be spliced between other segments."""
    if level in FAST_LEVELS:
        fast = isal_zlib.compressobj(level, isal_zlib.DEFLATED, -15)
        data = fast.compress(raw) + fast.flush(isal_zlib.Z_SYNC_FLUSH)
    else:
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        data = compressor.compress(raw) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return Segment(data=data, length=len(raw), adler=zlib.adler32(raw))


def adler32_combine(adler1: int, adler2: int, length2: int) -> int:
    """Adler-32 of A + B from Adler-32 of A, Adler-32 of B and len(B) (zlib's algorithm)."""
    rem = length2 % _ADLER_BASE
    sum1 = adler1 & 0xFFFF
    sum2 = (rem * sum1) % _ADLER_BASE
    sum1 += (adler2 & 0xFFFF) + _ADLER_BASE - 1
    sum2 += ((adler1 >> 16) & 0xFFFF) + ((adler2 >> 16) & 0xFFFF) + _ADLER_BASE - rem
    if sum1 >= _ADLER_BASE:
        sum1 -= _ADLER_BASE
    if sum1 >= _ADLER_BASE:
        sum1 -= _ADLER_BASE
    if sum2 >= _ADLER_BASE << 1:
        sum2 -= _ADLER_BASE << 1
    if sum2 >= _ADLER_BASE:
        sum2 -= _ADLER_BASE
    return sum1 | (sum2 << 16)


def zlib_body(segments: Iterable[Segment]) -> bytes:
    """One complete zlib stream: header, the segments in order, final block, Adler-32."""
    parts = [ZLIB_HEADER]
    adler = 1  # Adler-32 of nothing
    for segment in segments:
        if segment.length == 0:
            continue
        parts.append(segment.data)
        adler = adler32_combine(adler, segment.adler, segment.length)
    parts.append(FINAL_BLOCK)
    parts.append(adler.to_bytes(4, "big"))
    return b"".join(parts)


def zlib_compress(raw: bytes, level: int = 1) -> bytes:
    """A plain zlib stream of `raw` (for bodies assembled per request)."""
    return isal_zlib.compress(raw, level) if level in FAST_LEVELS else zlib.compress(raw, level)


async def zlib_compress_parallel(raw: bytes, level: int = 1, pieces: int | None = None) -> bytes:
    """The zlib stream of a body assembled per request, compressed off the event loop in
    `pieces` slices at once (default: one per core; zlib releases the interpreter lock), then
    spliced like the snapshot's chunks. A small body is compressed on the spot."""
    count = pieces or os.cpu_count() or 1
    if len(raw) < PARALLEL_MIN_BYTES:
        return zlib_compress(raw, level)
    view = memoryview(raw)
    step = -(-len(raw) // count)
    segments = await asyncio.gather(
        *(
            asyncio.to_thread(compress_segment, bytes(view[i : i + step]), level)
            for i in range(0, len(raw), step)
        )
    )
    return zlib_body(segments)
