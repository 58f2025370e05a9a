"""Code scan of a 100,000-file tree: aitower's ``scan_code`` beside ripgrep with the same patterns.

    .venv/bin/python bench/discovery_code.py [--files 100000] [--dir /tmp/aitower-code-tree]
        [--workers 2] [--grep] [--json FILE]

Builds (once per ``--files``/``--seed``; kept in ``--dir``) the tree of ``discovery_code_tree``:
projects in four languages with a third using AI, plus the noise a checkout carries
(``node_modules``, ``.venv``, ``.git``, build output, vendored code, a git-ignored folder, files
over 1 MB). Both sides then run on a warm page cache (a first untimed ripgrep pass reads every
file once), one after the other:

* ``aitower``: ``scan_code(root, workers=N)``: walk, prefilter, manifests, imports, models,
  endpoints, keys (#10's detectors), grouped into integrations;
* ``ripgrep``: what a user would otherwise run, ``rg -n -i`` with the catalog's SDK names,
  model, endpoint and key patterns (lookarounds dropped: Rust's regex has none), the same
  excluded folders and ``.gitignore`` files (``--no-require-git``), the same 1 MB limit, the
  same file types. It prints matching lines; it parses no manifest and groups nothing.
* ``ripgrep, anchors only``: ``rg -n -i -F`` with just the catalog's literal anchors (the
  cheapest search that sees every candidate line; its output is mostly noise);
* ``grep -rEni`` (with ``--grep``): GNU grep with the same patterns and excluded folders.

The figure is wall seconds; the ratio is aitower's time over ripgrep's. Quality: of the planted
AI projects, how many came out as an integration naming the planted provider, and how many
integrations were found elsewhere (there should be none: the noise holds AI code but must be
skipped).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from discovery_code_tree import build_tree

from aitower.discovery.codescan import CodeScan, scan_code
from aitower.discovery.codescan_catalog import (
    ANCHORS,
    ENDPOINT_PATTERNS,
    EXTRA_KEY_PATTERNS,
    MODEL_PATTERNS,
    SDKS,
)
from aitower.discovery.codescan_walk import DEFAULT_EXCLUDES, EXTENSIONS, LOCK_FILES

_LOOKAROUND = re.compile(r"\(\?<?[=!](?:[^()]|\([^()]*\))*\)")


def peer_patterns() -> list[str]:
    """The catalog as the regex a user would give ripgrep: SDK package and module names,
    model and endpoint patterns, key shapes (#10's prefixes plus the catalog's)."""
    names = {re.escape(sdk.name.rstrip("*")) for sdk in SDKS if len(sdk.name) > 3}
    names |= {re.escape(m) for sdk in SDKS for m in sdk.imports if len(m) > 3}
    patterns = [p for _, p in (*MODEL_PATTERNS, *ENDPOINT_PATTERNS, *EXTRA_KEY_PATTERNS)]
    patterns += [r"sk-(?:ant-|proj-)?[A-Za-z0-9_\-]{20,}", r"AIza[0-9A-Za-z_\-]{35}"]
    return sorted(names) + [_LOOKAROUND.sub("", p) for p in patterns]


def run_ripgrep(root: Path, patterns: list[str], fixed: bool = False) -> tuple[float, float, int]:
    rg = shutil.which("rg")
    if rg is None:
        raise SystemExit("ripgrep is not installed: apt-get install -y ripgrep")
    args = [rg, "-n", "-i", "--no-heading", "--no-messages", "--hidden", "--no-require-git"]
    args += ["-F"] if fixed else []
    args += ["--max-filesize", "1M", "-g", "!*.min.js", "-g", "!*.map"]
    for pattern in DEFAULT_EXCLUDES:
        if pattern.endswith("/"):
            args += ["-g", f"!{pattern[:-1]}"]
    for name in LOCK_FILES:
        args += ["-g", f"!{name}"]
    globs = [f"*{ext}" for ext in EXTENSIONS] + ["requirements*.txt", "Pipfile", "setup.cfg"]
    globs += ["*.gradle", "*.gradle.kts", "go.mod", "pom.xml", "Dockerfile*", ".env*"]
    for glob in globs:
        args += ["--type-add", f"aiscan:{glob}"]
    args += ["-t", "aiscan"]
    for p in patterns:
        args += ["-e", p]
    return _timed([*args, str(root)])


def run_grep(root: Path, patterns: list[str]) -> tuple[float, float, int]:
    args = ["grep", "-rEni", "-I"]
    for pattern in DEFAULT_EXCLUDES:
        if pattern.endswith("/"):
            args.append(f"--exclude-dir={pattern[:-1]}")
    for p in patterns:
        args += ["-e", p.replace(r"\d", "[0-9]").replace(r"\w", "[[:alnum:]_]")]
    return _timed([*args, str(root)])


def cpu_seconds() -> float:
    """CPU seconds of this process and its reaped children (workers, ripgrep) so far: the
    steadier figure on a shared machine, where wall time waits for other work."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(args: list[str]) -> tuple[float, float, int]:
    began, cpu = time.perf_counter(), cpu_seconds()
    out = subprocess.run(args, capture_output=True, check=False)
    elapsed, cpu = time.perf_counter() - began, cpu_seconds() - cpu
    if out.returncode > 1:
        raise SystemExit(f"{args[0]} failed: {out.stderr.decode()[:500]}")
    return elapsed, cpu, out.stdout.count(b"\n")


def quality(scan: CodeScan, planted: dict[str, str]) -> dict[str, int]:
    """Planted projects found with their provider; integrations found anywhere else."""
    found = {i.folder: set(i.providers) for i in scan.integrations}
    hit = sum(1 for folder, provider in planted.items() if provider in found.get(folder, set()))
    return {
        "planted": len(planted),
        "found_with_provider": hit,
        "extra_integrations": len(set(found) - set(planted)),
    }


def _machine() -> str:
    model = platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/aitower-code-tree"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--grep", action="store_true", help="also time GNU grep -rE")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    root = args.dir / f"tree-{args.files}-{args.seed}"
    truth_file = root.with_suffix(".truth.json")
    if not truth_file.exists():
        shutil.rmtree(root, ignore_errors=True)
        began = time.perf_counter()
        tree = build_tree(root, args.files, args.seed)
        truth = {"files": tree.files, "noise": tree.noise_files, "planted": tree.planted}
        truth_file.write_text(json.dumps(truth))
        print(f"built {tree.files:,} files in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    truth = json.loads(truth_file.read_text())
    patterns = peer_patterns()
    run_ripgrep(root, patterns)  # warms the page cache for both sides
    began, cpu = time.perf_counter(), cpu_seconds()
    scan = scan_code(root, workers=args.workers)
    ours, ours_cpu = time.perf_counter() - began, cpu_seconds() - cpu
    rg_seconds, rg_cpu, rg_lines = run_ripgrep(root, patterns)
    fixed_seconds, fixed_cpu, fixed_lines = run_ripgrep(root, list(ANCHORS), fixed=True)
    report: dict[str, Any] = {
        "machine": _machine(),
        "files": truth["files"],
        "noise_files": truth["noise"],
        "aitower": {
            "seconds": round(ours, 2),
            "cpu_seconds": round(ours_cpu, 2),
            "workers": args.workers,
            "hits": len(scan.hits),
            "integrations": len(scan.integrations),
            "files_read": scan.files_read,
            "skipped": scan.skipped,
        },
        "ripgrep": {
            "seconds": round(rg_seconds, 2),
            "cpu_seconds": round(rg_cpu, 2),
            "lines": rg_lines,
            "patterns": len(patterns),
        },
        "ripgrep_anchors_only": {
            "seconds": round(fixed_seconds, 2),
            "cpu_seconds": round(fixed_cpu, 2),
            "lines": fixed_lines,
            "patterns": len(ANCHORS),
        },
        "ratio_aitower_over_ripgrep": round(ours / rg_seconds, 2),
        "cpu_ratio_aitower_over_ripgrep": round(ours_cpu / rg_cpu, 2),
        "quality": quality(scan, truth["planted"]),
    }
    if args.grep:
        grep_seconds, grep_cpu, grep_lines = run_grep(root, patterns)
        report["grep"] = {
            "seconds": round(grep_seconds, 2),
            "cpu_seconds": round(grep_cpu, 2),
            "lines": grep_lines,
        }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
