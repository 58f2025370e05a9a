"""REST routes for a system's content settings: storing, scanning and redacting its messages."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from aitower.core.access.principal import Principal
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.inventory.permissions import InventoryPermission
from aitower.telemetry import content_settings
from aitower.telemetry.content_settings import ContentSettings
from aitower.telemetry.permissions import TelemetryPermission

SystemsReader = Annotated[Principal, guard(InventoryPermission.systems_read)]
ContentSetter = Annotated[Principal, guard(TelemetryPermission.content_settings)]


class ContentSettingsBody(BaseModel):
    """What of a system's messages is stored, which detectors scan them at ingest, and what
    redaction does per detection type before storage (a type not named: ``keep``)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "store_content": True,
                    "max_content_chars": 4000,
                    "scan_enabled": True,
                    "scan_types": None,
                    "redaction": {"iban": "hash", "email": "mask", "secret.openai_key": "drop"},
                }
            ]
        },
    )
    store_content: bool = Field(description="Keep LLM prompts and completions of this system")
    max_content_chars: int = Field(ge=0, le=content_settings.MAX_CONTENT_CHARS)
    scan_enabled: bool = Field(default=True, description="Run the detectors on ingested spans")
    scan_types: list[str] | None = Field(
        default=None, description="Detection types to run (null: every type)"
    )
    redaction: dict[str, str] = Field(
        default_factory=dict,
        description="Detection type -> keep | drop | mask | hash, applied before storage",
    )

    @classmethod
    def of(cls, found: ContentSettings) -> ContentSettingsBody:
        return cls(
            store_content=found.store_content,
            max_content_chars=found.max_content_chars,
            scan_enabled=found.scan_enabled,
            scan_types=None if found.scan_types is None else list(found.scan_types),
            redaction=dict(found.redaction),
        )


def build_router() -> APIRouter:
    router = APIRouter(tags=["telemetry"])

    @router.get(
        "/systems/{system_id}/content-settings",
        summary="A system's content, scanning and redaction settings",
    )
    def get_content_settings(
        system_id: uuid.UUID, db: DbDep, principal: SystemsReader
    ) -> ContentSettingsBody:
        with db.reading() as session:
            found = content_settings.get_content_settings(session, principal, system_id)
        return ContentSettingsBody.of(found)

    @router.put(
        "/systems/{system_id}/content-settings",
        summary="Set what of a system's messages is stored, scanned and redacted",
    )
    def put_content_settings(
        system_id: uuid.UUID,
        body: ContentSettingsBody,
        request: Request,
        db: DbDep,
        principal: ContentSetter,
    ) -> ContentSettingsBody:
        wanted = ContentSettings(
            body.store_content,
            body.max_content_chars,
            body.scan_enabled,
            None if body.scan_types is None else tuple(body.scan_types),
            body.redaction,
        )
        with db.writing() as session:
            saved = content_settings.set_content_settings(
                session, change_context(request, principal), system_id, wanted
            )
        return ContentSettingsBody.of(saved)

    return router
