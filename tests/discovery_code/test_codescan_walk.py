"""What a scan reads and skips: dependencies, environments, build output, .gitignore, the
caller's patterns, big files, binaries and unreadable files (counted, never fatal)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aitower.discovery import codescan
from aitower.discovery.codescan import scan_code, scan_files
from aitower.discovery.codescan_walk import DEFAULT_EXCLUDES, Candidate
from discovery_code.code_repos import write

AI = "import openai\n"


def _paths(root: Path, **options: object) -> set[str]:
    return {h.path for h in scan_code(root, **options).hits}  # type: ignore[arg-type]


def test_dependencies_environments_and_build_output_are_skipped(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/main.py": AI,
            "app/node_modules/openai/index.js": 'require("openai")\n',
            "app/.venv/lib/site-packages/openai/x.py": AI,
            "app/env2/pyvenv.cfg": "home = /usr/bin\n",  # a venv under any name
            "app/env2/lib/x.py": AI,
            "app/build/lib/x.py": AI,
            "app/.git/hooks/x.py": AI,
            "app/vendor/github.com/x/y.go": 'import "github.com/openai/openai-go"\n',
            "app/static/app.min.js": 'require("openai")\n',
        },
    )
    assert _paths(tmp_path) == {"app/main.py"}


def test_gitignore_is_honoured_at_its_level_and_can_be_turned_off(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".gitignore": "*.generated.py\n",
            "svc/.gitignore": "out/\n/local.py\n",
            "svc/main.py": AI,
            "svc/local.py": AI,
            "svc/sub/local.py": AI,  # "/local.py" anchors to svc/ only
            "svc/out/x.py": AI,
            "svc/client.generated.py": AI,
        },
    )
    assert _paths(tmp_path) == {"svc/main.py", "svc/sub/local.py"}
    assert len(_paths(tmp_path, use_gitignore=False)) == 5


def test_the_callers_patterns_add_to_the_defaults_or_replace_them(tmp_path: Path) -> None:
    write(
        tmp_path, {"a/main.py": AI, "legacy/old.py": AI, "a/node_modules/m/x.js": 'import "openai"'}
    )
    assert _paths(tmp_path, exclude=(*DEFAULT_EXCLUDES, "legacy/")) == {"a/main.py"}
    assert _paths(tmp_path, exclude=()) == {"a/main.py", "legacy/old.py", "a/node_modules/m/x.js"}


def test_big_and_binary_files_are_skipped_and_counted(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a/main.py": AI,
            "a/big.py": AI + "#" * 2_000,
            "a/blob.json": b'{"model": "gpt-4o"}\x00\x01\x02',
            "a/logo.png": b"\x89PNG gpt-4o",  # not a file type that is read
        },
    )
    scan = scan_code(tmp_path, max_file_bytes=1_000)
    assert {h.path for h in scan.hits} == {"a/main.py"}
    assert scan.skipped == {"too_large": 1, "binary": 1, "excluded": 0}
    assert (scan.files_seen, scan.files_read) == (4, 1)


def test_a_file_gone_or_unreadable_is_counted_not_fatal(tmp_path: Path) -> None:
    write(tmp_path, {"a/main.py": AI})
    gone = Candidate(str(tmp_path / "a/deleted.py"), "a/deleted.py", "python")
    here = Candidate(str(tmp_path / "a/main.py"), "a/main.py", "python")
    hits, skipped, unreadable = scan_files([gone, here], 1_000_000)
    assert [h.path for h in hits] == ["a/main.py"]
    assert (dict(skipped), unreadable) == ({"unreadable": 1}, ["a/deleted.py"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_a_file_without_read_permission_is_listed(tmp_path: Path) -> None:
    write(tmp_path, {"a/main.py": AI, "a/secret.py": AI})
    (tmp_path / "a/secret.py").chmod(0)
    scan = scan_code(tmp_path)
    assert (scan.unreadable, scan.skipped["unreadable"]) == (("a/secret.py",), 1)


def test_root_must_be_a_folder(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError, match="root"):
        scan_code(tmp_path / "missing")


def test_worker_processes_find_what_one_process_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(30):
        write(tmp_path, {f"p{i}/requirements.txt": "openai\n", f"p{i}/m.py": f"# {i}\n{AI}"})
    alone = scan_code(tmp_path, workers=1)
    monkeypatch.setattr(codescan, "_INLINE_BELOW", 0)
    monkeypatch.setattr(codescan, "_BATCH", 7)
    seen: list[tuple[int, int]] = []
    pooled = scan_code(tmp_path, workers=2, progress=lambda done, total: seen.append((done, total)))
    assert pooled.hits == alone.hits and len(pooled.hits) == 60
    assert seen[-1] == (60, 60) and len(seen) == 9
