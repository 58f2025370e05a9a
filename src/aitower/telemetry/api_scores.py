"""REST routes for feedback, evaluations and a system's telemetry settings."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, Field

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.inventory.permissions import InventoryPermission
from aitower.telemetry import service
from aitower.telemetry.permissions import TelemetryPermission

STRICT = ConfigDict(extra="forbid")
Sender = Annotated[Principal, guard(TelemetryPermission.telemetry_ingest)]
SystemsReader = Annotated[Principal, guard(InventoryPermission.systems_read)]
SystemsWriter = Annotated[Principal, guard(InventoryPermission.systems_write)]
TRACE_ID = Field(min_length=32, max_length=32, examples=["4bf92f3577b34da6a3ce929d0e0e4736"])
SPAN_ID = Field(default=None, min_length=16, max_length=16, examples=["00f067aa0ba902b7"])


class FeedbackIn(BaseModel):
    """User feedback on a trace: a score (0..1 by convention, any number accepted) or thumbs."""

    model_config = STRICT
    trace_id: str = TRACE_ID
    span_id: str | None = SPAN_ID
    name: str = Field(default="user_feedback", min_length=1, max_length=100)
    score: float | None = Field(default=None, allow_inf_nan=False)
    thumbs: Literal["up", "down"] | None = None
    comment: str = Field(default="", max_length=4000)
    source: str = Field(default="", max_length=100, description="e.g. the app or the user id")


class EvaluationIn(BaseModel):
    model_config = STRICT
    trace_id: str = TRACE_ID
    span_id: str | None = SPAN_ID
    name: str = Field(min_length=1, max_length=100, examples=["faithfulness"])
    score: float | None = Field(default=None, allow_inf_nan=False)
    label: str | None = Field(default=None, max_length=100)
    explanation: str = Field(default="", max_length=4000)
    source: str = Field(default="", max_length=100, examples=["ragas"])


class TelemetrySettingsBody(BaseModel):
    model_config = STRICT
    store_content: bool = Field(description="Keep LLM prompts and completions of this system")
    max_content_chars: int = Field(ge=0, le=1_000_000)
    retention_days: int = Field(ge=1, le=3650, description="Raw spans and traces")
    rollup_retention_days: int = Field(ge=1, le=3650, description="Dashboard rollups")


def _feedback(body: FeedbackIn) -> service.ScoreIn:
    if body.score is not None and body.thumbs is not None:
        raise InvalidInput.on("thumbs", "give a score or thumbs, not both")
    score = service.THUMBS[body.thumbs] if body.thumbs is not None else body.score
    label = body.thumbs
    return service.ScoreIn(
        "feedback", body.trace_id, body.span_id, body.name, score, label, body.comment, body.source
    )


def build_router() -> APIRouter:
    router = APIRouter(tags=["telemetry"])

    @router.post("/feedback", status_code=status.HTTP_201_CREATED, summary="Record user feedback")
    def add_feedback(body: FeedbackIn, db: DbDep, principal: Sender) -> service.Score:
        with db.writing() as session:
            return service.add_score(session, _feedback(body), utcnow(), principal.unit_ids)

    @router.post(
        "/evaluations", status_code=status.HTTP_201_CREATED, summary="Record an evaluation result"
    )
    def add_evaluation(body: EvaluationIn, db: DbDep, principal: Sender) -> service.Score:
        item = service.ScoreIn(
            "evaluation",
            body.trace_id,
            body.span_id,
            body.name,
            body.score,
            body.label,
            body.explanation,
            body.source,
        )
        with db.writing() as session:
            return service.add_score(session, item, utcnow(), principal.unit_ids)

    @router.get("/systems/{system_id}/telemetry-settings", summary="A system's telemetry settings")
    def get_settings(
        system_id: uuid.UUID, db: DbDep, principal: SystemsReader
    ) -> TelemetrySettingsBody:
        with db.reading() as session:
            found = service.get_settings(session, principal, system_id)
        return TelemetrySettingsBody(**asdict(found))

    @router.put("/systems/{system_id}/telemetry-settings", summary="Set content and retention")
    def put_settings(
        system_id: uuid.UUID,
        body: TelemetrySettingsBody,
        request: Request,
        db: DbDep,
        principal: SystemsWriter,
    ) -> TelemetrySettingsBody:
        wanted = service.TelemetrySettings(**body.model_dump())
        with db.writing() as session:
            saved = service.set_settings(
                session, change_context(request, principal), system_id, wanted
            )
        return TelemetrySettingsBody(**asdict(saved))

    return router
