"""A log file read in newline-aligned blocks, handed to worker threads, merged in file order.
Pure (the standard library, numpy and pyarrow).

Each block starts with the ``\\n`` that ended the line before it (the file's first block gets
one), so that every line of a block is ``\\n`` + its text and a block becomes an Arrow binary
array of lines without copying: the offsets are the positions of the newlines. Arrow's
kernels (RE2) release the GIL, so the two threads of a 2-core machine both work; at most
``workers + 2`` blocks are in memory at once (being read, waiting, in work), whatever the
size of the file.

``.gz`` files (gzip's magic bytes, whatever the name) are decompressed as they are read; the
progress then counts compressed bytes against the compressed size.
"""

from __future__ import annotations

import gzip
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, cast

import numpy as np
import pyarrow as pa

from aitower.discovery.logscan_results import LogFormatError, UseTally

BLOCK_BYTES = 8 * 1024 * 1024
MAX_LINE_BYTES = 64 * 1024 * 1024  # a "line" longer than this is not a log
GZIP_MAGIC = b"\x1f\x8b"

Progress = Callable[[int, int], None]  # bytes read so far, total bytes
ProcessBlock = Callable[[bytearray], UseTally]


def lines_of(block: bytes | bytearray) -> tuple[pa.BinaryArray, np.ndarray]:
    """The lines of ``block`` (each ``\\n`` + text) as an Arrow array, and their offsets."""
    newlines = np.flatnonzero(np.frombuffer(block, np.uint8) == 10).astype(np.int32)
    offsets = np.append(newlines, np.int32(len(block)))
    array = pa.BinaryArray.from_buffers(
        pa.binary(), len(newlines), [None, pa.py_buffer(offsets), pa.py_buffer(block)]
    )
    return array, offsets


def _open(path: Path) -> tuple[IO[bytes], IO[bytes]]:
    """The stream to read and the raw file under it (whose position is the progress)."""
    raw = path.open("rb")
    if raw.read(2) == GZIP_MAGIC:
        raw.seek(0)
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")), raw
    raw.seek(0)
    return raw, raw


def first_lines(path: Path, count: int) -> list[bytes]:
    """The first ``count`` lines of ``path`` (decompressed), without their line breaks."""
    stream, raw = _open(path)
    with raw, stream:
        found = []
        for _ in range(count):
            line = stream.readline(MAX_LINE_BYTES)
            if not line:
                break
            found.append(line.rstrip(b"\r\n"))
        return found


def read_blocks(path: Path, *, skip_lines: int = 0) -> Iterator[tuple[bytearray, int]]:
    """Newline-aligned blocks of ``path`` after its first ``skip_lines`` lines, each with the
    position reached in the file (compressed bytes for a ``.gz``). Each block is read into a
    buffer of its own (workers hold them), the end of its last line cut off in place."""
    stream, raw = _open(path)
    with raw, stream:
        for _ in range(skip_lines):
            stream.readline()
        rest = b"\n"
        while True:
            block = bytearray(len(rest) + BLOCK_BYTES)
            block[: len(rest)] = rest
            got = stream.readinto(memoryview(block)[len(rest) :])  # type: ignore[attr-defined]
            if not got:
                break
            del block[len(rest) + got :]
            cut = block.rfind(b"\n")
            if cut <= 0:
                if len(block) > MAX_LINE_BYTES:
                    raise LogFormatError("file", f"no line break in {MAX_LINE_BYTES:,} bytes")
                rest = bytes(block)
                continue
            rest = bytes(block[cut:])
            del block[cut:]
            yield block, raw.tell()
        if len(rest) > 1:
            yield bytearray(rest.rstrip(b"\r")), raw.tell()


def run_blocks(
    blocks: Iterator[tuple[bytearray, int]],
    process: ProcessBlock,
    *,
    total: int,
    lines_before: int = 0,
    progress: Progress | None = None,
    check_first: Callable[[UseTally], None] | None = None,
) -> UseTally:
    """``process`` every block on worker threads; merge their tallies in file order."""
    workers = max(1, min(4, os.cpu_count() or 1))
    tally = UseTally()
    pending: deque[tuple[Future[UseTally], int]] = deque()
    first = True

    def merge_oldest() -> None:
        nonlocal first
        future, position = pending.popleft()
        found = future.result()
        if first and check_first is not None:
            check_first(found)
        first = False
        tally.merge(found, lines_before + tally.lines)
        if progress is not None:
            progress(position, total)

    with ThreadPoolExecutor(workers, thread_name_prefix="logscan") as pool:
        for block, position in blocks:
            pending.append((pool.submit(process, block), position))
            if len(pending) > workers:
                merge_oldest()
        while pending:
            merge_oldest()
    return tally
