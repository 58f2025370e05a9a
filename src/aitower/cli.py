"""The ``aitower`` command: one Typer app; each slice contributes its sub-commands."""

from aitower.core.cli.root import main

__all__ = ["main"]
