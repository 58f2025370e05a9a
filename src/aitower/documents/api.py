"""REST routes of generated documents (thin: parse, call, shape)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from starlette.responses import Response

from aitower.core.access.principal import Principal
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.documents import service
from aitower.documents.downloads import download
from aitower.documents.permissions import DocumentPermission
from aitower.documents.schemas import GenerateIn, VersionOut

Reader = Annotated[Principal, guard(DocumentPermission.documents_read)]
Generator = Annotated[Principal, guard(DocumentPermission.documents_generate)]


def build_router() -> APIRouter:
    router = APIRouter()

    @router.post(
        "/systems/{system_id}/documents",
        tags=["documents"],
        status_code=status.HTTP_201_CREATED,
        summary="Generate the next version of a system's document (kept and audited)",
    )
    def generate(
        system_id: uuid.UUID, body: GenerateIn, request: Request, db: DbDep, principal: Generator
    ) -> VersionOut:
        with db.writing() as session:
            made = service.generate(
                session, change_context(request, principal), system_id, body.kind, body.formats
            )
        return VersionOut.of(made)

    @router.get(
        "/systems/{system_id}/documents",
        tags=["documents"],
        summary="The system's kept document versions, by kind, newest first",
    )
    def versions(
        system_id: uuid.UUID,
        db: DbDep,
        principal: Reader,
        kind: Annotated[str | None, Query(max_length=32)] = None,
    ) -> list[VersionOut]:
        with db.reading() as session:
            found = service.list_versions(session, principal, system_id, kind)
        return [VersionOut.of(v) for v in found]

    @router.get(
        "/systems/{system_id}/documents/{kind}/{version}",
        tags=["documents"],
        summary="One kept version's record (digests, formats)",
    )
    def version(
        system_id: uuid.UUID, kind: str, version: int, db: DbDep, principal: Reader
    ) -> VersionOut:
        with db.reading() as session:
            return VersionOut.of(service.get_version(session, principal, system_id, kind, version))

    @router.get(
        "/systems/{system_id}/documents/{kind}/{version}/{fmt}",
        tags=["documents"],
        summary="One kept version's content (md, html or pdf), byte-identical to when generated",
        response_class=Response,
    )
    def content(
        system_id: uuid.UUID, kind: str, version: int, fmt: str, db: DbDep, principal: Reader
    ) -> Response:
        return download(db, principal, system_id, kind, version, fmt)

    return router
