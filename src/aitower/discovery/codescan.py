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
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
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
    candidates = list(walk(os.fspath(base), exclude, use_gitignore, found))
    hits, skipped, unreadable = _read_all(candidates, max_file_bytes, workers, progress)
    files_read = len(candidates) - sum(skipped.values())
    skipped["excluded"] = found.files_excluded
    ordered = tuple(sorted(hits))
    return CodeScan(
        root=os.fspath(base.resolve()),
        hits=ordered,
        integrations=integrations(ordered, found.manifest_dirs, base.resolve().name),
        files_seen=found.files_seen,
        files_read=files_read,
        skipped=dict(skipped),
        unreadable=tuple(sorted(unreadable)),
    )


_Result = tuple[list[CodeHit], Counter[str], list[str]]


def _read_all(
    candidates: Sequence[Candidate], max_bytes: int, workers: int | None, progress: Progress | None
) -> _Result:
    batches = [candidates[i : i + _BATCH] for i in range(len(candidates)) if i % _BATCH == 0]
    workers = min(workers or os.cpu_count() or 1, 8)
    hits: list[CodeHit] = []
    skipped: Counter[str] = Counter()
    unreadable: list[str] = []
    done = 0

    def add(result: _Result, size: int) -> None:
        nonlocal done
        hits.extend(result[0])
        skipped.update(result[1])
        unreadable.extend(result[2])
        done += size
        if progress is not None:
            progress(done, len(candidates))

    if workers < 2 or len(candidates) < _INLINE_BELOW:
        for batch in batches:
            add(scan_files(batch, max_bytes), len(batch))
    else:
        # spawn, not fork: the caller may be a threaded server, where fork is unsafe.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            sizes = [len(b) for b in batches]
            for result, size in zip(
                pool.map(scan_files, batches, [max_bytes] * len(batches)), sizes, strict=True
            ):
                add(result, size)
    return hits, skipped, unreadable


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
