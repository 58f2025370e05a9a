"""``GET /api/v1/telemetry/search``: stored spans whose content contains a text.

Thin: parse the filters (bad ones are 422 naming the field), search the caller's systems
(``content_search``), answer a page of hits with the snippet and the match's offsets in it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from aitower.core.errors import InvalidInput
from aitower.core.moments import utc_moment
from aitower.core.web.deps import DbDep
from aitower.core.web.pagination import PageDep
from aitower.telemetry.api import TelemetryReader, Text
from aitower.telemetry.content_search import (
    COUNT_LIMIT,
    MAX_CHARS,
    ContentQuery,
    SearchHit,
    checked_query,
    search_content,
)


def content_query(
    q: Annotated[
        str,
        Query(
            max_length=MAX_CHARS,
            description="Text to find in stored input, output, tool arguments, documents "
            "(substring, case-insensitive, at least 3 characters)",
            examples=["DE8937"],
        ),
    ] = "",
    system_id: uuid.UUID | None = None,
    since: Annotated[datetime | None, Query(description="Spans started at or after (UTC)")] = None,
    until: Annotated[datetime | None, Query(description="Spans started before (UTC)")] = None,
    user: Text = None,
    session: Text = None,
    model: Text = None,
    finding_type: Annotated[
        str | None, Query(max_length=64, description="Only spans with a finding of this type")
    ] = None,
) -> ContentQuery:
    first = None if since is None else utc_moment(since, "since")
    last = None if until is None else utc_moment(until, "until")
    if first is not None and last is not None and last <= first:
        raise InvalidInput.on("until", "must be after since")
    return ContentQuery(
        q=checked_query(q),
        system_id=system_id,
        since=first,
        until=last,
        user_id=user or None,
        session_id=session or None,
        model=model or None,
        finding_type=finding_type or None,
    )


@dataclass(frozen=True, slots=True)
class SearchResults:
    items: list[SearchHit]
    total: int  # hits counted, at most 1,000
    more: bool  # more than ``total`` hits: narrow the search
    limit: int
    offset: int
    next_offset: int | None


def build_router() -> APIRouter:
    router = APIRouter()

    @router.get(
        "/telemetry/search",
        tags=["telemetry"],
        summary="Search stored message content (prompts, completions, tool arguments, documents)",
        description=f"Spans whose stored content contains `q`, newest first, counted up to "
        f"{COUNT_LIMIT:,} (`more` says there are more). Each hit has a snippet of ±80 "
        "characters with the match at `snippet.start`–`snippet.end`.",
    )
    def search(
        db: DbDep,
        page: PageDep,
        principal: TelemetryReader,
        query: Annotated[ContentQuery, Depends(content_query)],
    ) -> SearchResults:
        with db.reading() as session:
            found = search_content(session, principal, query, limit=page.limit, offset=page.offset)
        following = page.offset + len(found.hits)
        has_next = len(found.hits) == page.limit and (found.more or following < found.total)
        return SearchResults(
            found.hits,
            found.total,
            found.more,
            page.limit,
            page.offset,
            following if has_next else None,
        )

    return router
