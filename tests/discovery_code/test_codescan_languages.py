"""A small hand-written repository per language: every hit, with its line, and nothing else."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from aitower.discovery.codescan import scan_code
from discovery_code.code_repos import (
    ANTHROPIC_KEY,
    GO,
    GO_HITS,
    GOOGLE_KEY,
    JAVA,
    JAVA_HITS,
    JAVASCRIPT,
    JAVASCRIPT_HITS,
    PYTHON,
    PYTHON_HITS,
    write,
)

KEYS = {"anthropic": ANTHROPIC_KEY, "google": GOOGLE_KEY}


def _expected(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows as (path, line, kind, provider, detail); a key's detail is its fingerprint,
    computed here from the key with hashlib (the scanner must never keep the key itself)."""
    out = []
    for row in rows:
        path, line, kind, provider, *detail = row
        if kind == "key":
            key = KEYS[provider]
            detail = [f"{provider} key {key[:4]}…{hashlib.sha256(key.encode()).hexdigest()[:12]}"]
        out.append((path, line, kind, provider, detail[0]))
    return sorted(out)


@pytest.mark.parametrize(
    ("files", "hits"),
    [(PYTHON, PYTHON_HITS), (JAVASCRIPT, JAVASCRIPT_HITS), (JAVA, JAVA_HITS), (GO, GO_HITS)],
    ids=["python", "javascript", "java", "go"],
)
def test_each_language_yields_exactly_its_hits(
    tmp_path: Path, files: dict[str, str], hits: list[tuple[Any, ...]]
) -> None:
    scan = scan_code(write(tmp_path, files))
    found = sorted((h.path, h.line, str(h.kind), h.provider, h.detail) for h in scan.hits)
    assert found == _expected(hits)


def test_a_key_is_kept_as_a_fingerprint_never_as_itself(tmp_path: Path) -> None:
    scan = scan_code(write(tmp_path, {**PYTHON, **JAVA}))
    keys = [h for h in scan.hits if h.kind == "key"]
    assert len(keys) == 2
    assert all(ANTHROPIC_KEY not in repr(h) and GOOGLE_KEY not in repr(h) for h in scan.hits)
    assert {h.detail.split("…")[0] for h in keys} == {"anthropic key sk-a", "google key AIza"}


def test_placeholder_keys_and_prose_are_not_hits(tmp_path: Path) -> None:
    files = {
        "app/settings.py": 'OPENAI_API_KEY = "sk-your-key-here-xxxxxxxxxxxxxxxxxxxx"\n'
        "# we ran a coherent task-runner together with the disk-usage replicate job\n",
        "app/README.md": "We use gpt-4o via api.openai.com\n",  # docs are not read
    }
    assert scan_code(write(tmp_path, files)).hits == ()


def test_a_notebook_cell_import_is_found(tmp_path: Path) -> None:
    notebook = '{\n "cells": [{"source": [\n    "import openai\\n",\n    "x = 1"\n ]}]\n}\n'
    scan = scan_code(write(tmp_path, {"nb/explore.ipynb": notebook}))
    assert [(h.line, str(h.kind), h.detail) for h in scan.hits] == [(3, "import", "openai")]


def test_a_very_long_line_is_searched_around_its_anchors(tmp_path: Path) -> None:
    line = "x" * 50_000 + ' model="gpt-4o" ' + "y" * 50_000
    scan = scan_code(write(tmp_path, {"app/long.js": "const a = 1;\n" + line + "\n"}))
    assert [(h.line, h.detail) for h in scan.hits] == [(2, "gpt-4o")]


def test_a_model_name_ending_a_sentence_or_a_file_name_is_the_name(tmp_path: Path) -> None:
    files = {"app/notes.yaml": "# we moved to gpt-4o.\nprompt: prompts/claude-3-haiku.yaml\n"}
    scan = scan_code(write(tmp_path, files))
    assert [(h.line, h.detail) for h in scan.hits] == [(1, "gpt-4o"), (2, "claude-3-haiku")]
