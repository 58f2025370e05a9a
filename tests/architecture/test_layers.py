"""The layers hold: no import circles, and each import-linter contract fails on a bad import.

``make lint`` runs the contracts on the tree as it is; these tests show that each contract
can fail (a forbidden import added to a copy of the package is caught) and that no module
imports itself through others.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("aitower")
    circles = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported != module and graph.find_shortest_chain(importer=imported, imported=module):
                circles.add(tuple(sorted((module, imported))))
    assert circles == set()


def _lint_copy(tmp_path: Path, module: str, line: str) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on a copy of the package where ``module`` also imports ``line``."""
    shutil.copytree(ROOT / "src" / "aitower", tmp_path / "src" / "aitower")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / Path(*module.split(".")).with_suffix(".py")
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "src"), "PATH": "/usr/bin:/bin", "COLUMNS": "300"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        (
            "aitower.core.web.pages",
            "import aitower.inventory.service",
            "The core imports no capability",
        ),
        (
            "aitower.inventory.queries",
            "import aitower.governance.approvals",
            "Capabilities stand in layers",
        ),
        ("aitower.statistics.drift.check", "import sqlalchemy", "Domain modules"),
    ],
)
def test_each_contract_fails_on_a_forbidden_import(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    result = _lint_copy(tmp_path, module, line)
    assert result.returncode == 1, result.stdout + result.stderr
    broken_rows = [row for row in result.stdout.splitlines() if row.endswith(" BROKEN")]
    assert any(row.startswith(broken) for row in broken_rows), result.stdout
