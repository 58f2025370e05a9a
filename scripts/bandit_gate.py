"""Run bandit over ``src/`` and fail on any finding not waived, with a reason, in
``security/bandit-waivers.toml``; fail too on a waiver that no longer matches anything.

A waiver names the test (``B608``), the file, and the code of the line it excuses (stripped),
so it survives lines moving but not the code changing: changed code is looked at again. A
waiver with ``file = "*"`` covers the test everywhere (used for ``assert``, see its reason).
Bandit's own ``# nosec`` comments carry no reason, so they are not honoured.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WAIVERS = ROOT / "security" / "bandit-waivers.toml"


def main() -> int:
    run = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", "src", "-f", "json", "--ignore-nosec"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode not in (0, 1) or not run.stdout.strip():
        print(run.stderr or "bandit gave no report", file=sys.stderr)
        return 2
    findings = json.loads(run.stdout)["results"]
    waivers = tomllib.loads(WAIVERS.read_text(encoding="utf-8"))["waiver"]
    for waiver in waivers:
        if not str(waiver.get("reason", "")).strip():
            print(f"waiver without a reason: {waiver}", file=sys.stderr)
            return 1
    used: set[int] = set()
    open_findings = []
    for found in findings:
        line = found["code"].splitlines()[0].split(" ", 1)[-1].strip() if found["code"] else ""
        match = next(
            (
                i
                for i, w in enumerate(waivers)
                if w["test"] == found["test_id"]
                and w["file"] in ("*", found["filename"])
                and (w["file"] == "*" or w["code"] == _line_at(found))
            ),
            None,
        )
        if match is None:
            open_findings.append(
                f"{found['filename']}:{found['line_number']} {found['test_id']} "
                f"{found['issue_text']} ({line})"
            )
        else:
            used.add(match)
    stale = [w for i, w in enumerate(waivers) if i not in used]
    for text in open_findings:
        print(f"bandit: {text}", file=sys.stderr)
    for waiver in stale:
        print(f"stale waiver (nothing matches it any more): {waiver}", file=sys.stderr)
    print(f"bandit: {len(findings)} findings, {len(findings) - len(open_findings)} waived")
    return 1 if open_findings or stale else 0


def _line_at(found: dict[str, object]) -> str:
    path = ROOT / str(found["filename"])
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[int(str(found["line_number"])) - 1].strip()


if __name__ == "__main__":
    sys.exit(main())
