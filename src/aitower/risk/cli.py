"""``aitower risks``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this slice's commands to the root command."""
