"""Fixtures: the CLI bound to this test's database (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import Cli, base_env


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


@pytest.fixture
def cli_without_db(tmp_path: Path) -> Cli:
    """For commands that need no database (help, the permissions doc)."""
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": f"sqlite:///{tmp_path}/none.db"})
