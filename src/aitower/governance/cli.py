"""``aitower policies`` and ``aitower approvals``."""

from __future__ import annotations

import typer

from aitower.governance import cli_approvals, cli_policies


def register(app: typer.Typer) -> None:
    cli_policies.register(app)
    cli_approvals.register(app)
