"""``aitower discover duplicates`` and ``discover decide``: duplicate initiatives from the shell.

The table shows each cluster's key by its first ``KEY_SHOWN`` characters; ``decide`` takes that
prefix (or the whole key) and a system by name or id (``--merge-into``), or ``--keep-both``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.core.web.money import format_usd
from aitower.discovery.duplicates_decisions import DecisionRequest, check, decide
from aitower.discovery.duplicates_service import ClusterView, duplicate_clusters
from aitower.inventory.service import systems_by_reference

KEY_SHOWN = 12
MIN_PREFIX = 6


def _decision_text(cluster: ClusterView) -> str:
    d = cluster.decision
    if d is None:
        return "-"
    kept = f" into {d.keep_system_name}" if d.keep_system_name else ""
    return f"{d.decision}{kept}: {d.reason}"


def duplicates() -> None:
    """Duplicate initiatives across units, costliest first, with the decision taken."""
    with database() as db, db.reading() as session:
        found = duplicate_clusters(session, cli_context().principal, utcnow().date())
    table = new_table("Duplicate initiatives", "cluster", "members (unit)", "score", "reasons",
                      "cost / month", "decision")  # fmt: skip
    for c in found:
        members = "\n".join(f"{m.name} ({m.unit or 'unit unknown'})" for m in c.members)
        cost = "-" if c.combined_monthly_cost is None else format_usd(c.combined_monthly_cost)
        add_row(table, c.key[:KEY_SHOWN], members, f"{c.score:.2f}", "\n".join(c.reasons), cost,
                _decision_text(c))  # fmt: skip
    console.print(table)


def _full_key(clusters: list[ClusterView], prefix: str) -> str:
    wanted = prefix.strip().lower()
    if len(wanted) < MIN_PREFIX:
        raise InvalidInput.on("cluster_key", f"give at least {MIN_PREFIX} characters of it")
    matching = [c.key for c in clusters if c.key.startswith(wanted)]
    if len(matching) != 1:
        found = "no" if not matching else "more than one"
        raise InvalidInput.on("cluster_key", f"{found} current cluster starts with {wanted!r}")
    return matching[0]


def decide_cluster(
    cluster: Annotated[str, typer.Argument(help="The cluster's key (or its first characters).")],
    merge_into: Annotated[
        str | None, typer.Option(help="Merge: keep this member system (name or id).")
    ] = None,
    keep_both: Annotated[bool, typer.Option(help="Keep the members apart.")] = False,
    reason: Annotated[str, typer.Option(help="Why (required).")] = "",
) -> None:
    """Decide a cluster: merge into one system (the others asked to retire) or keep both."""
    if (merge_into is None) == (not keep_both):
        raise InvalidInput.on("decision", "choose one: --merge-into SYSTEM or --keep-both")
    ctx = cli_context()
    today = utcnow().date()
    with database() as db:
        with db.reading() as session:
            clusters = duplicate_clusters(session, ctx.principal, today)
            key = _full_key(clusters, cluster)
            keep = None
            if merge_into is not None:
                keep = systems_by_reference(session, [merge_into]).get(merge_into)
                if keep is None:
                    raise InvalidInput.on("merge_into", f"no system {merge_into!r}")
        decision = "keep_both" if keep_both else "merge"
        asked = check(DecisionRequest(decision, reason, key, None, keep), ctx.principal)
        found = next(c for c in clusters if c.key == key)
        with db.writing() as session:
            made = decide(session, ctx, asked, found)
    console.print(f"Cluster {key[:KEY_SHOWN]}: {made.decision.decision} recorded.")
    for move in made.moves:
        console.print(f"  {move.system_name} → retirement: {move.status} ({move.move_id})")


def add_duplicate_commands(app: typer.Typer) -> None:
    """``discover duplicates`` and ``discover decide`` on the discovery group."""
    app.command("duplicates")(clean_errors(duplicates))
    app.command("decide")(clean_errors(decide_cluster))
