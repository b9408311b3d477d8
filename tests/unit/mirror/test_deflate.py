"""Spliced deflate segments decode to the concatenation of their inputs."""

from __future__ import annotations

import random
import zlib

from pfa_vanguard.mirror.deflate import (
    PARALLEL_MIN_BYTES,
    adler32_combine,
    compress_segment,
    zlib_body,
    zlib_compress,
    zlib_compress_parallel,
)


def test_adler32_combine_matches_zlib() -> None:
    rng = random.Random(3)
    for _ in range(200):
        a = rng.randbytes(rng.randint(0, 5000))
        b = rng.randbytes(rng.choice([0, 1, 65520, 65521, 65522, rng.randint(0, 200_000)]))
        assert adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)


def test_segments_splice_into_one_valid_zlib_stream() -> None:
    rng = random.Random(5)
    pieces = [
        b",".join(b'{"id":"PFA-%06d","v":%d}' % (i, rng.randint(0, 99)) for i in range(n))
        for n in (0, 1, 17, 500, 3)
    ]
    body = zlib_body(compress_segment(p, level=rng.choice([1, 6, 9])) for p in pieces)
    assert zlib.decompress(body) == b"".join(pieces)
    # decoders that stream (browsers, httpx) accept it too
    decoder = zlib.decompressobj()
    assert decoder.decompress(body) + decoder.flush() == b"".join(pieces)
    assert decoder.eof


def test_empty_body_is_valid() -> None:
    assert zlib.decompress(zlib_body([])) == b""


async def test_a_body_compressed_in_parallel_slices_is_one_valid_zlib_stream() -> None:
    raw = b",".join(b'{"id":"PFA-%06d","data":{"n":%d}}' % (n, n * 7) for n in range(40_000))
    assert len(raw) > PARALLEL_MIN_BYTES
    for pieces in (1, 2, 3, 7):
        body = await zlib_compress_parallel(raw, 1, pieces=pieces)
        assert zlib.decompress(body) == raw
    small = b'{"records":[]}'
    assert zlib.decompress(await zlib_compress_parallel(small)) == small


def test_fast_and_zlib_segments_splice_at_every_level() -> None:
    """Levels 1-3 are ISA-L's, the others zlib's: any mix decodes to the pieces in order."""
    rng = random.Random(11)
    pieces = [
        b",".join(b'{"id":"PFA-%06d","c":"Crane %d"}' % (i, rng.randint(0, 9)) for i in range(n))
        for n in (1, 300, 0, 2000, 7)
    ]
    for level in range(0, 10):
        body = zlib_body(
            compress_segment(p, level=level if i % 2 else 1) for i, p in enumerate(pieces)
        )
        assert zlib.decompress(body) == b"".join(pieces)
    assert zlib.decompress(zlib_compress(b"".join(pieces), 1)) == b"".join(pieces)
    assert zlib.decompress(zlib_compress(b"".join(pieces), 6)) == b"".join(pieces)
