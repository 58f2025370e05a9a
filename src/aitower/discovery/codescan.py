"""Code scanning for shadow AI: ``scan_code(root)`` finds the AI SDKs a folder's projects
declare and import, the models they name, the AI endpoints they call and the provider keys
they hold, and groups them into integrations (one per project folder) for ``map_to_systems``.

Pure: it reads files and returns plain objects; storing findings and mapping them to the
inventory is the service's. Files are read as bytes, at most ``max_file_bytes`` of each
(bigger files are generated or data, and skipped), binaries (a NUL in the first 8 KiB) are
skipped, and an unreadable file is counted, never fatal. The walk runs first (it is cheap);
reading and searching run in ``workers`` processes when the tree is big enough to repay
starting them.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

from aitower.discovery.codescan_catalog import FRAMEWORKS
from aitower.discovery.codescan_hits import CodeHit, HitKind
from aitower.discovery.codescan_manifests import scan_manifest
from aitower.discovery.codescan_text import Language, scan_text
from aitower.discovery.codescan_walk import DEFAULT_EXCLUDES, Candidate, Walk, walk

MAX_FILE_BYTES = 1_000_000
_BATCH = 400  # files per task sent to a worker: big enough that pickling is noise
_INLINE_BELOW = 2_000  # files; under this a process pool costs more than it saves
_LANGUAGES = frozenset(str(language) for language in Language)

Progress = Callable[[int, int], None]  # (files read so far, files to read)


@dataclass(frozen=True, slots=True)
class Integration:
    """The AI use of one project folder: ``folder`` is relative to the root (``.`` the root
    itself) and ``name`` its last component (the root's own name for ``.``)."""

    folder: str
    name: str
    providers: tuple[str, ...]  # whose services it calls (frameworks apart)
    frameworks: tuple[str, ...]  # orchestration frameworks it uses (langchain, vercel…)
    sdks: tuple[str, ...]  # packages declared and modules imported
    models: tuple[str, ...]
    endpoints: tuple[str, ...]
    keys: tuple[str, ...]  # key fingerprints
    hits: tuple[CodeHit, ...]


@dataclass(frozen=True, slots=True)
class CodeScan:
    root: str
    hits: tuple[CodeHit, ...]
    integrations: tuple[Integration, ...]
    files_seen: int  # files under the root outside excluded folders
    files_read: int  # of which read (manifests, source and configuration)
    skipped: dict[str, int]  # "excluded", "too_large", "binary", "unreadable" → files
    unreadable: tuple[str, ...]  # their paths, so that a user can look


def scan_code(
    root: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    exclude: Iterable[str] = DEFAULT_EXCLUDES,
    use_gitignore: bool = True,
    max_file_bytes: int = MAX_FILE_BYTES,
    workers: int | None = None,
) -> CodeScan:
    """Scan the folder ``root``. ``exclude`` holds gitignore patterns relative to it (the
    defaults skip version control, dependencies, virtual environments and build output; pass
    ``(*DEFAULT_EXCLUDES, "legacy/")`` to add one); ``workers`` defaults to the CPU count.
    ``NotADirectoryError`` when ``root`` is not a folder."""
    base = Path(root)
    if not base.is_dir():
        raise NotADirectoryError(f"root: {os.fspath(root)!r} is not a folder")
    found = Walk()
    reading = _Reading(max_file_bytes, progress)
    reading.read(walk(os.fspath(base), exclude, use_gitignore, found), workers)
    skipped = dict(reading.skipped)
    files_read = reading.total - sum(skipped.values())
    skipped["excluded"] = found.files_excluded
    ordered = tuple(sorted(reading.hits))
    return CodeScan(
        root=os.fspath(base.resolve()),
        hits=ordered,
        integrations=integrations(ordered, found.manifest_dirs, base.resolve().name),
        files_seen=found.files_seen,
        files_read=files_read,
        skipped=skipped,
        unreadable=tuple(sorted(reading.unreadable)),
    )


_Result = tuple[list[CodeHit], Counter[str], list[str]]


class _Reading:
    """The candidates' reading: in this process for a small tree, else in a process pool
    fed batch by batch while the walk goes on (the pool's start overlaps the walk)."""

    def __init__(self, max_bytes: int, progress: Progress | None) -> None:
        self.max_bytes, self.progress = max_bytes, progress
        self.hits: list[CodeHit] = []
        self.skipped: Counter[str] = Counter()
        self.unreadable: list[str] = []
        self.done = self.total = 0

    def read(self, candidates: Iterator[Candidate], workers: int | None) -> None:
        workers = min(workers or os.cpu_count() or 1, 8)
        first = list(islice(candidates, _INLINE_BELOW))
        if workers < 2 or len(first) < _INLINE_BELOW:
            batches = list(self._batches(chain(first, candidates)))
            for batch in batches:
                self._add(scan_files(batch, self.max_bytes), len(batch))
            return
        # spawn, not fork: the caller may be a threaded server, where fork is unsafe.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [
                (pool.submit(scan_files, batch, self.max_bytes), len(batch))
                for batch in self._batches(chain(first, candidates))
            ]
            for future, size in futures:
                self._add(future.result(), size)

    def _batches(self, candidates: Iterable[Candidate]) -> Iterator[list[Candidate]]:
        while batch := list(islice(candidates, _BATCH)):
            self.total += len(batch)
            yield batch

    def _add(self, result: _Result, size: int) -> None:
        self.hits.extend(result[0])
        self.skipped.update(result[1])
        self.unreadable.extend(result[2])
        self.done += size
        if self.progress is not None:
            self.progress(self.done, self.total)


def scan_files(batch: Sequence[Candidate], max_bytes: int) -> _Result:
    """Read and search each file of ``batch``: the work of one process-pool task."""
    hits: list[CodeHit] = []
    skipped: Counter[str] = Counter()
    unreadable: list[str] = []
    for candidate in batch:
        try:
            with open(candidate.path, "rb") as f:
                data = f.read(max_bytes + 1)
        except OSError:
            skipped["unreadable"] += 1
            unreadable.append(candidate.rel)
            continue
        if len(data) > max_bytes:
            skipped["too_large"] += 1
        elif b"\0" in data[:8192]:
            skipped["binary"] += 1
        else:
            hits.extend(_scan_data(candidate, data))
    return hits, skipped, unreadable


def _scan_data(candidate: Candidate, data: bytes) -> list[CodeHit]:
    if candidate.role in _LANGUAGES:
        return scan_text(candidate.rel, data, Language(candidate.role))
    text = data.decode("utf-8", errors="replace")
    found = scan_manifest(candidate.rel, candidate.role, text)
    return found + scan_text(candidate.rel, data, Language.other)


def project_folder(path: str, manifest_dirs: set[str]) -> str:
    """The folder a hit belongs to: its nearest ancestor holding a manifest, else its
    top-level folder under the root (``.`` for a file at the root)."""
    parts = path.split("/")[:-1]
    for depth in range(len(parts), 0, -1):
        folder = "/".join(parts[:depth])
        if folder in manifest_dirs:
            return folder
    if "." in manifest_dirs or not parts:
        return "."
    return parts[0]


def integrations(
    hits: Sequence[CodeHit], manifest_dirs: set[str], root_name: str
) -> tuple[Integration, ...]:
    """Hits grouped by ``project_folder``, one integration per folder with any hit."""
    groups: dict[str, list[CodeHit]] = {}
    for hit in hits:
        groups.setdefault(project_folder(hit.path, manifest_dirs), []).append(hit)
    return tuple(_integration(folder, group, root_name) for folder, group in sorted(groups.items()))


def _integration(folder: str, hits: list[CodeHit], root_name: str) -> Integration:
    def details(*kinds: HitKind) -> tuple[str, ...]:
        return tuple(sorted({h.detail for h in hits if h.kind in kinds}))

    providers = {h.provider for h in hits}
    return Integration(
        folder=folder,
        name=root_name if folder == "." else folder.rsplit("/", 1)[-1],
        providers=tuple(sorted(providers - FRAMEWORKS)),
        frameworks=tuple(sorted(providers & FRAMEWORKS)),
        sdks=details(HitKind.dependency, HitKind.import_),
        models=details(HitKind.model),
        endpoints=details(HitKind.endpoint),
        keys=details(HitKind.key),
        hits=tuple(hits),
    )
