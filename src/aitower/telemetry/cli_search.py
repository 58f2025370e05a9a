"""``aitower telemetry search``: find stored message content from the server's shell."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.text import Text

from aitower.core.access.cli_shared import JsonOption, new_table, print_json
from aitower.core.cli.context import clean_errors, cli_context, console, database
from aitower.core.errors import InvalidInput
from aitower.core.moments import utc_moment
from aitower.inventory import service as inventory
from aitower.telemetry.content_search import ContentQuery, SearchHit, SearchPage, search_content


def _system(session: Any, ref: str | None) -> uuid.UUID | None:
    if not ref:
        return None
    found = inventory.systems_by_reference(session, {ref}).get(ref)
    if found is None:
        raise InvalidInput.on("system", f"no system with id or name {ref!r}")
    return found


def _moment(value: str | None, field: str) -> datetime | None:
    if not value:
        return None
    try:
        return utc_moment(datetime.fromisoformat(value), field)
    except ValueError:
        raise InvalidInput.on(field, "an ISO 8601 time, e.g. 2026-06-30T12:00") from None


def _snippet(hit: SearchHit) -> Text:
    found = hit.snippet
    shown = Text("…" if found.cut_before else "")
    shown.append(found.before.replace("\n", " "))
    shown.append(found.match, style="bold reverse")
    shown.append(found.after.replace("\n", " ") + ("…" if found.cut_after else ""))
    return shown


def _print_table(q: str, page: SearchPage) -> None:
    counted = f"{page.total:,}+" if page.more else f"{page.total:,}"
    table = new_table(f"Spans containing {q!r}: {counted}", "time", "system", "user", "model")
    table.add_column("trace / span", overflow="fold")
    table.add_column("snippet", overflow="fold", ratio=3)
    for hit in page.hits:
        table.add_row(
            Text(f"{hit.start_time:%Y-%m-%d %H:%M:%S}"),
            Text(hit.system_name or hit.service_name),
            Text(hit.user_id or ""),
            Text(hit.model or ""),
            Text(f"{hit.trace_id} / {hit.span_id}"),
            _snippet(hit),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    @app.command("search")
    @clean_errors
    def search(
        query: Annotated[str, typer.Argument(help="Text to find (at least 3 characters).")],
        system: Annotated[str | None, typer.Option(help="System id or name.")] = None,
        since: Annotated[str | None, typer.Option(help="From this UTC time (ISO 8601).")] = None,
        until: Annotated[str | None, typer.Option(help="Before this UTC time (ISO 8601).")] = None,
        user: Annotated[str | None, typer.Option(help="Only this end user's spans.")] = None,
        session: Annotated[str | None, typer.Option(help="Only this session's spans.")] = None,
        model: Annotated[str | None, typer.Option(help="Only calls to this model.")] = None,
        finding_type: Annotated[
            str | None, typer.Option(help="Only spans with a finding of this type.")
        ] = None,
        limit: Annotated[int, typer.Option(min=1, max=200, help="Hits to show.")] = 20,
        as_json: JsonOption = False,
    ) -> None:
        """Spans whose stored prompts, completions, tool arguments or documents contain QUERY
        (case-insensitive), newest first."""
        with database() as db, db.reading() as reading:
            wanted = ContentQuery(
                q=query,
                system_id=_system(reading, system),
                since=_moment(since, "since"),
                until=_moment(until, "until"),
                user_id=user,
                session_id=session,
                model=model,
                finding_type=finding_type,
            )
            page = search_content(reading, cli_context().principal, wanted, limit=limit)
        if as_json:
            print_json([_json(hit) for hit in page.hits])
        else:
            _print_table(query, page)


def _json(hit: SearchHit) -> dict[str, Any]:
    found = dataclasses.asdict(hit)
    found["system_id"] = str(hit.system_id) if hit.system_id else None
    found["start_time"] = hit.start_time.isoformat()
    return found
