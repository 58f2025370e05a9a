"""REST routes of the prediction store: log predictions and labels (JSON or files), read models."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from starlette.concurrency import run_in_threadpool

from aitower.core.access.principal import Principal
from aitower.core.errors import InvalidInput
from aitower.core.moments import Moment
from aitower.core.web.deps import DbDep, change_context, get_settings, guard
from aitower.predictions import file_layout, files, json_rows, reading, service
from aitower.predictions.permissions import PredictionPermission
from aitower.predictions.schemas import (
    CoveragePointOut,
    LabelBatchIn,
    LabelsOut,
    LoggedOut,
    ModelIn,
    ModelOut,
    PredictionBatchIn,
    rows_of,
)
from aitower.predictions.window import Task

Reader = Annotated[Principal, guard(PredictionPermission.predictions_read)]
Writer = Annotated[Principal, guard(PredictionPermission.predictions_write)]
TAGS: list[str | Any] = ["predictions"]
MAX_COVERAGE_DAYS = 400

FILE_BODY: dict[str, Any] = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
        }
    }
}


async def _file(request: Request, fmt: str | None) -> tuple[bytes, file_layout.FileFormat]:
    """The file's bytes and format: the ``file`` of a multipart form, or the body itself."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    name = ""
    if kind == "multipart/form-data":
        form = await request.form()
        part = form.get("file")
        if part is None or isinstance(part, str):
            raise InvalidInput.on("file", "attach the CSV or Parquet file as 'file'")
        name, data = part.filename or "", await part.read()
    else:
        data = await request.body()
        name = {"text/csv": "body.csv", "application/vnd.apache.parquet": "body.parquet"}.get(
            kind, ""
        )
    if not data:
        raise InvalidInput.on("file", "is empty")
    return data, files.format_of(name, fmt)


def _model_routes(router: APIRouter) -> None:
    @router.get("/predictions/models", tags=TAGS, summary="Monitored models with volume and labels")
    def list_models(db: DbDep, principal: Reader, system: str | None = None) -> list[ModelOut]:
        with db.reading() as session:
            return [ModelOut.of(s) for s in service.list_models(session, principal, system)]

    @router.post(
        "/predictions/models",
        tags=TAGS,
        status_code=status.HTTP_201_CREATED,
        summary="Register a monitored model version",
    )
    def register(body: ModelIn, request: Request, db: DbDep, principal: Writer) -> ModelOut:
        ctx = change_context(request, principal)
        with db.writing() as session:
            model = service.register_model(
                session,
                ctx,
                body.key(),
                body.task,
                body.classes,
                body.features,
                body.sensitive,
            )
            return ModelOut.of(service.get_model(session, principal, model.id))

    @router.get("/predictions/models/{model_id}", tags=TAGS, summary="One monitored model")
    def get_model(model_id: uuid.UUID, db: DbDep, principal: Reader) -> ModelOut:
        with db.reading() as session:
            return ModelOut.of(service.get_model(session, principal, model_id))

    @router.get(
        "/predictions/models/{model_id}/coverage",
        tags=TAGS,
        summary="Label coverage and label delay per hour or day",
    )
    def coverage(
        model_id: uuid.UUID,
        db: DbDep,
        principal: Reader,
        start: Moment | None = Query(None, description="Default: 30 days before end"),
        end: Moment | None = Query(None, description="Default: now"),
        bucket: reading.Bucket = "day",
    ) -> list[CoveragePointOut]:
        end = _aware(end) if end else datetime.now(UTC)
        start = _aware(start) if start else end - timedelta(days=30)
        if not start < end or end - start > timedelta(days=MAX_COVERAGE_DAYS):
            raise InvalidInput.on("start", f"must be before end, at most {MAX_COVERAGE_DAYS} days")
        with db.reading() as session:
            service.get_model(session, principal, model_id)
            points = reading.label_coverage(session, model_id, start, end, bucket)
        return [CoveragePointOut.of(p) for p in points]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _log_routes(router: APIRouter) -> None:
    @router.post(
        "/predictions",
        tags=TAGS,
        status_code=status.HTTP_201_CREATED,
        summary="Log a batch of predictions (all or nothing; re-sent ids are skipped)",
    )
    def log_predictions(
        body: PredictionBatchIn, request: Request, db: DbDep, principal: Writer
    ) -> LoggedOut:
        ctx = change_context(request, principal)
        raw = json_rows.raw_predictions(rows_of(body.rows))
        with db.writing() as session:
            result = service.log_predictions(
                session, ctx, body.key(), raw, task=body.task, classes=body.classes
            )
        return LoggedOut.of(result)

    @router.post(
        "/labels",
        tags=TAGS,
        status_code=status.HTTP_201_CREATED,
        summary="Log labels by prediction id (unknown ids are kept and reported)",
    )
    def log_labels(body: LabelBatchIn, request: Request, db: DbDep, principal: Writer) -> LabelsOut:
        ctx = change_context(request, principal)
        raw = json_rows.raw_labels(rows_of(body.rows))
        with db.writing() as session:
            return LabelsOut.of(service.log_labels(session, ctx, body.key(), raw))


def _upload_routes(router: APIRouter) -> None:
    @router.post(
        "/predictions/upload",
        tags=TAGS,
        status_code=status.HTTP_201_CREATED,
        openapi_extra=FILE_BODY,
        summary="Log a CSV or Parquet file of predictions (all or nothing)",
    )
    async def upload_predictions(
        request: Request,
        db: DbDep,
        principal: Writer,
        system: str,
        model: str,
        version: str,
        format: file_layout.FileFormat | None = None,
        id_column: str = "prediction_id",
        timestamp_column: str = "timestamp",
        output_column: str = "output",
        score_column: str = "score",
        sensitive: str | None = Query(None, description="Sensitive columns, comma-separated"),
        task: Task | None = None,
        classes: str | None = Query(None, description="Classes, comma-separated, positive first"),
    ) -> LoggedOut:
        data, fmt = await _file(request, format)
        limits = files.limits_of(get_settings(request))
        ctx = change_context(request, principal)
        names = file_layout.PredictionFileColumns(
            id_column, timestamp_column, output_column, score_column, files.column_list(sensitive)
        )
        key = service.ModelKey(system, model, version)

        def run() -> service.LogResult:
            table, problems = files.read_table(data, fmt, limits)
            raw = files.raw_predictions(table, names, problems)
            with db.writing() as session:
                return service.log_predictions(
                    session, ctx, key, raw, task=task, classes=files.column_list(classes) or None
                )

        return LoggedOut.of(await run_in_threadpool(run))

    @router.post(
        "/labels/upload",
        tags=TAGS,
        status_code=status.HTTP_201_CREATED,
        openapi_extra=FILE_BODY,
        summary="Log a CSV or Parquet file of labels (all or nothing)",
    )
    async def upload_labels(
        request: Request,
        db: DbDep,
        principal: Writer,
        system: str,
        model: str,
        version: str,
        format: file_layout.FileFormat | None = None,
        id_column: str = "prediction_id",
        label_column: str = "label",
        labelled_at_column: str = "labelled_at",
    ) -> LabelsOut:
        data, fmt = await _file(request, format)
        limits = files.limits_of(get_settings(request))
        ctx = change_context(request, principal)
        names = file_layout.LabelFileColumns(id_column, label_column, labelled_at_column)
        key = service.ModelKey(system, model, version)

        def run() -> LabelsOut:
            table, problems = files.read_table(data, fmt, limits)
            raw = files.raw_labels(table, names, problems)
            with db.writing() as session:
                return LabelsOut.of(service.log_labels(session, ctx, key, raw))

        return await run_in_threadpool(run)


def build_router() -> APIRouter:
    router = APIRouter()
    _model_routes(router)
    _log_routes(router)
    _upload_routes(router)
    return router
