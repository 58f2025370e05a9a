"""AI use in one source or configuration file: imports of AI SDKs, model names, AI endpoints
and provider keys, each with its line.

``may_hold_ai`` is the prefilter every file goes through first: one Aho-Corasick pass
(``ahocorasick_rs``, the Rust automaton ripgrep's author wrote) over the lower-cased bytes for
the catalog's ``ANCHORS``. Most files of a tree hold none and cost ~30 µs; Python's own ``in``
tests or a regex alternation of the 80 anchors cost 15 to 50 times more. Only files that pass
are decoded and searched with the detailed patterns.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Iterator
from enum import StrEnum

import ahocorasick_rs

from aitower.detectors import secret_keys
from aitower.discovery.codescan_catalog import (
    ANCHORS,
    BOTO3_BEDROCK,
    ENDPOINT_PATTERNS,
    EXTRA_KEY_PATTERNS,
    KEY_PROVIDERS,
    MODEL_PATTERNS,
    Ecosystem,
)
from aitower.discovery.codescan_hits import CodeHit, HitKind, sdk_for_import

_AUTOMATON = ahocorasick_rs.BytesAhoCorasick([a.encode() for a in ANCHORS])
_MIN_KEY_CONFIDENCE = 0.5  # the threshold of #10's ``scan``


class Language(StrEnum):
    python = "python"
    notebook = "notebook"  # Jupyter: Python inside JSON strings
    javascript = "javascript"  # and TypeScript
    java = "java"  # and Kotlin
    go = "go"
    other = "other"  # configuration and other languages: models, endpoints, keys only


def may_hold_ai(data: bytes) -> bool:
    """Whether ``data`` contains any catalog anchor (case-insensitive); ``False`` proves the
    file holds no hit, ``True`` only that it may."""
    return bool(_AUTOMATON.find_matches_as_indexes(data.lower()))


class Lines:
    """Line numbers of offsets in a text, from an index of its newlines built on first use."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._newlines: list[int] | None = None

    def of(self, offset: int) -> int:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self._text)]
        return bisect_right(self._newlines, offset - 1) + 1


def scan_text(path: str, data: bytes, language: Language) -> list[CodeHit]:
    """Every hit in one file's bytes (``path`` is only copied into the hits), each once per
    line, in the order of the file.

    Every pattern of the catalog contains an anchor, and no pattern spans lines, so only the
    lines holding an anchor are decoded and searched: the cost follows the anchors, not the
    file's size (a line longer than ``_WINDOW`` is searched around each anchor only)."""
    found: set[CodeHit] = set()
    line, counted_to = 1, 0
    for start, end in _anchor_windows(data):
        line += data.count(b"\n", counted_to, start)
        counted_to = start
        text = data[start:end].decode("utf-8", errors="replace")
        for kind, provider, detail in _findings(text, language):
            found.add(CodeHit(path, line, kind, provider, detail))
    return sorted(found)


_WINDOW = 2_000  # bytes searched on each side of an anchor in a very long line


def _anchor_windows(data: bytes) -> list[tuple[int, int]]:
    """The distinct (start, end) byte ranges to search: the lines holding an anchor."""
    windows: list[tuple[int, int]] = []
    for _, at, _end in _AUTOMATON.find_matches_as_indexes(data.lower()):
        if windows and windows[-1][0] <= at < windows[-1][1]:
            continue
        start = data.rfind(b"\n", max(0, at - _WINDOW), at) + 1 or max(0, at - _WINDOW)
        end = data.find(b"\n", at, at + _WINDOW)
        windows.append((start, min(len(data), at + _WINDOW) if end < 0 else end))
    return windows


Finding = tuple[HitKind, str, str]


def _findings(line: str, language: Language) -> Iterator[Finding]:
    yield from _imports(line, language)
    for m in _MODELS.finditer(line):
        # a name ending a sentence or a file name ("gpt-4o.", "claude-3-haiku.yaml") is the name
        name = re.sub(r"(?:[.:\-]+|\.(?:json|ya?ml|txt|py|md))$", "", m.group())
        yield HitKind.model, _MODEL_PROVIDER[m.lastgroup or ""], name
    for m in _ENDPOINTS.finditer(line):
        yield HitKind.endpoint, _ENDPOINT_PROVIDER[m.lastgroup or ""], m.group().lower()
    yield from _keys(line)


def _alternation(patterns: tuple[tuple[str, str], ...], flags: int = 0) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<g{i}>{p})" for i, (_, p) in enumerate(patterns)), flags)


_MODELS = _alternation(MODEL_PATTERNS, re.IGNORECASE)
_MODEL_PROVIDER = {f"g{i}": provider for i, (provider, _) in enumerate(MODEL_PATTERNS)}
_ENDPOINTS = _alternation(ENDPOINT_PATTERNS, re.IGNORECASE)
_ENDPOINT_PROVIDER = {f"g{i}": provider for i, (provider, _) in enumerate(ENDPOINT_PATTERNS)}
_EXTRA_KEYS = _alternation(EXTRA_KEY_PATTERNS)
_EXTRA_KEY_PROVIDER = {f"g{i}": provider for i, (provider, _) in enumerate(EXTRA_KEY_PATTERNS)}


def key_fingerprint(provider: str, value: str) -> str:
    """What is kept of a key: whose, its first 4 characters and 12 hex digits of its SHA-256
    (enough to tell two keys apart and to find the same key elsewhere, not to use it)."""
    digest = hashlib.sha256(value.encode()).hexdigest()[:12]
    return f"{provider} key {value[:4]}…{digest}"


def _keys(text: str) -> Iterator[Finding]:
    if "sk-" in text or "AIza" in text:
        for d in secret_keys.detect(text):
            provider = KEY_PROVIDERS.get(d.type)
            if provider is not None and d.confidence >= _MIN_KEY_CONFIDENCE:
                yield HitKind.key, provider, key_fingerprint(provider, text[d.start : d.end])
    if "gsk_" in text or "hf_" in text or "r8_" in text or "xai-" in text:
        for m in _EXTRA_KEYS.finditer(text):
            provider = _EXTRA_KEY_PROVIDER[m.lastgroup or ""]
            yield HitKind.key, provider, key_fingerprint(provider, m.group())


# Each applied to one line. Python: ``import a.b as c, d`` and ``from a.b import (c, d)``; in
# a notebook the same inside a JSON string (``"import openai\n",``).
_PY_IMPORT = (
    r"^[ \t]*{quote}(?:from[ \t]+(?P<base>[\w.]+)[ \t]+import[ \t]+\(?(?P<names>[\w \t,]*)"
    r"|import[ \t]+(?P<modules>[\w. \t,]+))"
)
_PYTHON = re.compile(_PY_IMPORT.format(quote=""))
_NOTEBOOK = re.compile(_PY_IMPORT.format(quote='"'))
# JavaScript/TypeScript: ``… from "m"``, ``import "m"``, ``import("m")``, ``require("m")``.
_JS = re.compile(r"""(?:\bfrom|\bimport\s*\(?|\brequire\s*\()\s*(["'`])(?P<m>[^"'`]+)\1""")
_JAVA = re.compile(r"^[ \t]*import[ \t]+(?:static[ \t]+)?(?P<m>[\w.]+)")
# Go: ``import "m"``, ``import alias "m"`` or a line of an import block (``\talias "m"``).
_GO = re.compile(r"""^\s*(?:import\s*\(?\s*)?(?:[\w.]+\s+)?"(?P<m>[^"]+)"\s*\)?\s*(?://.*)?$""")


def _imports(line: str, language: Language) -> Iterator[Finding]:
    ecosystem = _ECOSYSTEM.get(language)
    if ecosystem is None:
        return
    groups: list[tuple[str, ...]]  # each group is one module, spelled in one or more ways
    if ecosystem is Ecosystem.pypi:
        yield from _boto3_bedrock(line)
        groups = _python_modules(line, _PYTHON if language is Language.python else _NOTEBOOK)
    else:
        pattern = {Ecosystem.npm: _JS, Ecosystem.maven: _JAVA, Ecosystem.go: _GO}[ecosystem]
        groups = [(m.group("m"),) for m in pattern.finditer(line)]
    for spellings in groups:
        for module in spellings:
            sdk = sdk_for_import(ecosystem, module)
            if sdk is not None:
                yield HitKind.import_, sdk.provider, module
                break


_ECOSYSTEM = {
    Language.python: Ecosystem.pypi,
    Language.notebook: Ecosystem.pypi,
    Language.javascript: Ecosystem.npm,
    Language.java: Ecosystem.maven,
    Language.go: Ecosystem.go,
}


def _python_modules(line: str, pattern: re.Pattern[str]) -> list[tuple[str, ...]]:
    m = pattern.match(line)
    if m is None:
        return []
    if m.group("base") is not None:
        base = m.group("base")
        names = [n.split()[0] for n in m.group("names").split(",") if n.split()]
        # ``from google import genai`` imports the module google.genai
        return [(base, *(f"{base}.{n}" for n in names))]
    return [(part.split()[0],) for part in m.group("modules").split(",") if part.split()]


def _boto3_bedrock(line: str) -> Iterator[Finding]:
    if "bedrock" in line:
        for m in BOTO3_BEDROCK.finditer(line):
            yield HitKind.import_, "aws", f"boto3 {m.group(1)}"
