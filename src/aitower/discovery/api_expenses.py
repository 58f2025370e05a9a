"""``POST /api/v1/discovery/scans/expenses``: a card or expense export uploaded, matched to the
catalog and stored as findings and spend (``expenses.record_expense_file``).

A multipart form: ``file`` (CSV), ``format`` (a preset of ``expenses_read.LAYOUTS`` or
``csv``), ``map`` (``FIELD=COLUMN``, repeated or comma-separated), ``rates`` (``EUR=1.08,
GBP=1.27``) and ``unit``. 201 with the scan and the amounts; 409 for a file scanned before;
422 naming the field otherwise; nothing is stored unless all of it is.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request, status
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from aitower.core.access.principal import Principal
from aitower.core.errors import InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.discovery.expenses import ExpenseResult, record_expense_file
from aitower.discovery.expenses_read import LAYOUTS
from aitower.discovery.permissions import DiscoveryPermission
from aitower.spend.sources import parse_rates

PATH = "/api/v1/discovery/scans/expenses"
MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # years of a large company's card lines
Triager = Annotated[Principal, guard(DiscoveryPermission.triage)]


class ServiceSpendOut(BaseModel):
    service_id: str
    name: str
    charges: int
    cardholders: int
    amount_usd: float
    unsanctioned_usd: float


class MalformedRowOut(BaseModel):
    row: int
    column: str
    value: str
    reason: str


class ExpenseScanOut(BaseModel):
    id: uuid.UUID
    source_kind: str
    file_name: str
    sha256: str
    lines: int
    matched: int
    malformed: int
    findings_new: int
    findings_merged: int
    catalog_version: str
    created_by: str
    created_at: datetime
    spend_import_id: uuid.UUID | None
    amount_usd: float
    unsanctioned_usd: float
    unmatched_charges: int
    unmatched_usd: float
    services: list[ServiceSpendOut]
    malformed_rows: list[MalformedRowOut]

    @classmethod
    def of(cls, found: ExpenseResult) -> ExpenseScanOut:
        scan = asdict(found.scan)
        return cls(
            **scan, spend_import_id=found.import_id, amount_usd=found.amount_usd,
            unsanctioned_usd=found.unsanctioned_usd, unmatched_charges=found.unmatched_charges,
            unmatched_usd=found.unmatched_usd,
            services=[ServiceSpendOut(**asdict(s)) for s in found.services],
            malformed_rows=[MalformedRowOut(**asdict(m)) for m in found.malformed_rows],
        )  # fmt: skip


def _mapping(form: FormData) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in form.getlist("map"):
        for pair in str(value).split(","):
            if not pair.strip():
                continue
            name, sep, column = pair.partition("=")
            if not sep or not name.strip() or not column.strip():
                raise InvalidInput.on("map", f"{pair.strip()!r} is not FIELD=COLUMN")
            found[name.strip()] = column.strip()
    return found


def _options(form: FormData) -> dict[str, Any]:
    layout = str(form.get("format") or "csv")
    if layout not in LAYOUTS:
        raise InvalidInput.on("format", f"must be one of {', '.join(LAYOUTS)}")
    try:
        rates = parse_rates(str(form.get("rates") or ""))
    except ValueError as exc:
        raise InvalidInput.on("rates", str(exc)) from None
    unit = str(form.get("unit") or "").strip() or None
    return {"layout": layout, "mapping": _mapping(form), "rates": rates, "unit": unit}


def build_router() -> APIRouter:
    router = APIRouter(tags=["discovery"])

    @router.post("/discovery/scans/expenses", status_code=status.HTTP_201_CREATED,
                 summary="Match a card or expense export to AI services; store findings and "
                 "spend (audited)")  # fmt: skip
    async def scan_expenses(request: Request, db: DbDep, principal: Triager) -> ExpenseScanOut:
        form = await request.form(max_files=1, max_fields=20)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput.on("file", "attach the CSV export as 'file'")
        options, name = _options(form), Path(upload.filename).name[:300]
        ctx = change_context(request, principal)

        def run() -> ExpenseScanOut:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "export.csv"
                with path.open("wb") as out:
                    shutil.copyfileobj(upload.file, out)
                with db.writing() as session:
                    return ExpenseScanOut.of(record_expense_file(session, ctx, path, name,
                                                                 **options))  # fmt: skip

        return await run_in_threadpool(run)

    return router
