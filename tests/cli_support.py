"""The CLI under test: the slices' commands on a fresh root, run in-process with a given env."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import typer
from typer.testing import CliRunner, Result

from aitower.cli import build_app


def build_cli() -> typer.Typer:
    """The real ``aitower`` command, built afresh for each test."""
    return build_app()


@dataclass
class Cli:
    """``cli("users", "list")`` runs a command with this test's database in the environment."""

    env: dict[str, str | None]
    app: typer.Typer = field(default_factory=build_cli)

    def __call__(
        self, *args: str, input: str | None = None, env: Mapping[str, str | None] | None = None
    ) -> Result:
        return CliRunner().invoke(
            self.app,
            list(args),
            input=input,
            env={**self.env, **(env or {})},
            catch_exceptions=False,
        )


def base_env(tmp_path: Path) -> dict[str, str | None]:
    # Wide enough that Rich never wraps a line the tests read; no inherited demo password.
    return {
        "AITOWER_DATA_DIR": str(tmp_path),
        "AITOWER_DEV_MODE": "0",
        "AITOWER_DEMO_PASSWORD": None,
        "COLUMNS": "200",
    }


def one_error_line(result: Result) -> str:
    """The command failed with one line on stderr and no traceback; returns that line."""
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]
