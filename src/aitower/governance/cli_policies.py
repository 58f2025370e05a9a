"""``aitower policies``: list, show, apply a folder (with dry run), evaluate."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this slice's commands to the root command."""
