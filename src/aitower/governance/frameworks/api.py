"""REST routes of frameworks and crosswalks: list, read, import; what an item maps to."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status

from aitower.core.access.principal import Principal
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import Page, PageDep
from aitower.governance.frameworks import service
from aitower.governance.frameworks.permissions import FrameworkPermission
from aitower.governance.frameworks.schemas import (
    CrosswalkOut,
    FrameworkDetailOut,
    FrameworkIn,
    FrameworkOut,
)

TAGS: list[str | Any] = ["frameworks"]
Reader = Annotated[Principal, guard(FrameworkPermission.frameworks_read)]
Importer = Annotated[Principal, guard(FrameworkPermission.frameworks_import)]


def build_router() -> APIRouter:
    router = APIRouter()

    @router.get("/frameworks", tags=TAGS, summary="List frameworks, built-in and imported")
    def list_frameworks(db: DbDep, page: PageDep, _: Reader) -> Page[FrameworkOut]:
        with db.reading() as session:
            found = service.list_frameworks(session)
        chosen = found[page.offset : page.offset + page.limit]
        return Page.of([FrameworkOut.of(s) for s in chosen], len(found), page)

    @router.post(
        "/frameworks",
        tags=TAGS,
        status_code=status.HTTP_201_CREATED,
        summary="Import a custom framework from YAML",
    )
    def import_framework(
        body: FrameworkIn, request: Request, db: DbDep, principal: Importer
    ) -> FrameworkDetailOut:
        with db.writing() as session:
            found = service.import_framework(
                session, change_context(request, principal), body.source
            )
        return FrameworkDetailOut.of_detail(found)

    @router.get("/frameworks/{framework_id}", tags=TAGS, summary="One framework with all its items")
    def get_framework(framework_id: str, db: DbDep, _: Reader) -> FrameworkDetailOut:
        with db.reading() as session:
            return FrameworkDetailOut.of_detail(service.get_framework(session, framework_id))

    @router.get(
        "/crosswalks",
        tags=TAGS,
        summary="What an item maps to in the other frameworks (and back), with sources",
    )
    def crosswalk(
        db: DbDep,
        _: Reader,
        item: Annotated[
            str,
            Query(
                min_length=1,
                max_length=200,
                description="'framework:item' or a bare id: 'Art. 9', 'GOVERN 1.1', 'A.6.2.6'",
            ),
        ],
    ) -> CrosswalkOut:
        with db.reading() as session:
            return CrosswalkOut.of(service.crosswalk(session, item))

    return router
