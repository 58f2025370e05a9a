"""Which files of a tree a code scan reads: a walk that prunes what is not the team's own
code (version control, dependencies, virtual environments, build output), honours the
tree's ``.gitignore`` files and keeps only the files that can declare or use an AI SDK.

Patterns are gitignore patterns (``pathspec``, the library pip-tools, black and mypy use for
them). A bare folder name (``node_modules/``) is checked as a set member, the rest through
``pathspec``. Each ``.gitignore`` applies to its own folder and below, on its own: a negation
in a deeper file does not bring back what a shallower one excluded (git's finer rule), which
only makes the scan read less.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pathspec
from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

from aitower.discovery.codescan_catalog import words
from aitower.discovery.codescan_manifests import manifest_kind
from aitower.discovery.codescan_text import Language

DEFAULT_EXCLUDES: tuple[str, ...] = (
    *(f"{d}/" for d in (".git", ".hg", ".svn", "node_modules", "bower_components", "vendor")),
    *(f"{d}/" for d in (".venv", "venv", "site-packages", "__pycache__", ".tox", ".nox")),
    *(f"{d}/" for d in (".mypy_cache", ".pytest_cache", ".ruff_cache", ".cache", ".gradle")),
    *(f"{d}/" for d in ("build", "dist", "target", ".next", ".nuxt", ".terraform", "coverage")),
    *("*.min.js", "*.map", "*.bundle.js"),
)
EXTENSIONS = {
    ".py": Language.python,
    ".ipynb": Language.notebook,
    **dict.fromkeys(
        (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".vue", ".svelte"),
        Language.javascript,
    ),
    **dict.fromkeys((".java", ".kt", ".kts"), Language.java),
    ".go": Language.go,
    **dict.fromkeys(
        (
            *(".json", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".properties", ".xml"),
            *(".env", ".tf", ".tfvars", ".hcl", ".sh", ".bash", ".ps1", ".rb", ".cs", ".rs"),
            *(".php", ".swift", ".scala", ".r", ".ex", ".exs", ".dart"),
        ),
        Language.other,
    ),
}
_Spec = pathspec.PathSpec[GitIgnoreSpecPattern]
LOCK_FILES = frozenset(
    words(
        """package-lock.json yarn.lock pnpm-lock.yaml poetry.lock Pipfile.lock go.sum uv.lock
        Cargo.lock composer.lock gradle.lockfile npm-shrinkwrap.json"""
    )
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file to read: ``role`` is a manifest kind (``"package.json"``) or a ``Language``."""

    path: str  # absolute
    rel: str  # relative to the root, ``/`` separated
    role: str


@dataclass(slots=True)
class Walk:
    """What the walk found besides the candidates: the folders holding a manifest (a project's
    folder, which ``integrations`` group hits by) and how many files it passed over."""

    manifest_dirs: set[str] = field(default_factory=set)
    files_seen: int = 0
    files_excluded: int = 0  # by a pattern or a .gitignore (pruned folders are not counted)


def role_of(name: str, parent: str) -> str | None:
    """How a file named ``name`` in a folder named ``parent`` is read, or ``None`` to skip."""
    kind = manifest_kind(name, parent)
    if kind is not None:
        return kind
    if name in LOCK_FILES:
        return None
    if name == "Dockerfile" or name.startswith((".env", "Dockerfile.")):
        return Language.other
    language = EXTENSIONS.get(os.path.splitext(name)[1].lower())
    return None if language is None else str(language)


class _Rules:
    """Exclusion patterns: folder names as a set, everything else as one gitignore spec."""

    def __init__(self, patterns: Iterable[str]) -> None:
        patterns = list(patterns)
        self.names = {p[:-1] for p in patterns if _bare_folder(p)}
        rest = [p for p in patterns if not _bare_folder(p)]
        self.spec = pathspec.GitIgnoreSpec.from_lines(rest) if rest else None


def _bare_folder(pattern: str) -> bool:
    return pattern.endswith("/") and not any(c in pattern[:-1] for c in "/*?[!\\")


def walk(
    root: str, exclude: Iterable[str], use_gitignore: bool, found: Walk
) -> Iterator[Candidate]:
    """The candidate files under ``root``, depth first; symbolic links are not followed."""
    rules = _Rules(exclude)
    stack: list[tuple[str, str, tuple[tuple[str, _Spec], ...]]] = [(root, "", ())]
    while stack:
        folder, rel, ignores = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue
        names = {e.name for e in entries}
        if rel and "pyvenv.cfg" in names:
            continue  # a virtual environment, whatever its name
        if use_gitignore and ".gitignore" in names:
            ignores = (*ignores, (rel, _gitignore(os.path.join(folder, ".gitignore"))))
        parent = os.path.basename(folder)
        for entry in entries:
            entry_rel = f"{rel}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in rules.names and not _excluded(entry_rel + "/", rules, ignores):
                    stack.append((entry.path, entry_rel + "/", ignores))
            elif entry.is_file(follow_symlinks=False):
                found.files_seen += 1
                role = role_of(entry.name, parent)
                if role is None:
                    continue
                if _excluded(entry_rel, rules, ignores):
                    found.files_excluded += 1
                    continue
                if role in MANIFEST_ROLES:
                    found.manifest_dirs.add(rel.rstrip("/") or ".")
                yield Candidate(entry.path, entry_rel, role)


MANIFEST_ROLES = frozenset(
    words(
        "requirements.txt pyproject.toml Pipfile setup.cfg package.json pom.xml build.gradle go.mod"
    )
)


def _excluded(rel: str, rules: _Rules, ignores: tuple[tuple[str, _Spec], ...]) -> bool:
    if rules.spec is not None and rules.spec.match_file(rel):
        return True
    return any(rel.startswith(base) and spec.match_file(rel[len(base) :]) for base, spec in ignores)


def _gitignore(path: str) -> _Spec:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return pathspec.GitIgnoreSpec.from_lines(f.read().splitlines())
    except OSError:
        return pathspec.GitIgnoreSpec.from_lines([])
