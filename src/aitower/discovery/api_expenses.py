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
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request, status
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.errors import InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.discovery.expenses import ExpenseResult, ServiceSpend, record_expense_file
from aitower.discovery.expenses_read import LAYOUTS, MalformedRow
from aitower.discovery.log_upload import parse_mapping
from aitower.discovery.permissions import DiscoveryPermission
from aitower.discovery.schemas import ScanOut
from aitower.spend.sources import parse_rates

PATH = "/api/v1/discovery/scans/expenses"
UPLOAD_PATHS = (PATH, "/discovery/scans/expenses")  # the API's and the Scans page's form
MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # years of a large company's card lines
Triager = Annotated[Principal, guard(DiscoveryPermission.triage)]


class ExpenseScanOut(ScanOut):
    """The stored scan, with what the export charged and what spend now holds of it."""

    spend_import_id: uuid.UUID | None
    amount_usd: float
    unsanctioned_usd: float
    unmatched_charges: int
    unmatched_usd: float
    services: list[ServiceSpend]  # pydantic reads the dataclasses as they are
    malformed_rows: list[MalformedRow]

    @classmethod
    def of_result(cls, found: ExpenseResult) -> ExpenseScanOut:
        scan = asdict(found.scan)
        return cls(
            **scan, spend_import_id=found.import_id, amount_usd=found.amount_usd,
            unsanctioned_usd=found.unsanctioned_usd, unmatched_charges=found.unmatched_charges,
            unmatched_usd=found.unmatched_usd,
            services=found.services, malformed_rows=found.malformed_rows,
        )  # fmt: skip


FORM_FIELDS = ("format", "map", "rates", "unit")


@dataclass(frozen=True, slots=True)
class ExpenseUpload:
    """An uploaded export and how to read it (the API's form and the Scans page's alike)."""

    upload: UploadFile
    name: str
    options: dict[str, Any]  # record_expense_file's layout, mapping, rates and unit
    values: dict[str, str]  # the form's text fields as given, to show a refused form again


def _options(values: dict[str, str], maps: list[str]) -> dict[str, Any]:
    layout = values["format"].strip() or "csv"
    if layout not in LAYOUTS:
        raise InvalidInput.on("format", f"must be one of {', '.join(LAYOUTS)}")
    try:
        rates = parse_rates(values["rates"])
    except ValueError as exc:
        raise InvalidInput.on("rates", str(exc)) from None
    pairs = [pair for value in maps for pair in value.split(",")]
    mapping = parse_mapping(pairs, "map") or {}
    return {"layout": layout, "mapping": mapping, "rates": rates,
            "unit": values["unit"].strip() or None}  # fmt: skip


async def read_expense_form(request: Request) -> ExpenseUpload:
    """The form's file and options; a missing file or a bad option names its field."""
    form = await request.form(max_files=1, max_fields=20)
    values = {name: str(form.get(name) or "") for name in FORM_FIELDS}
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput.on("file", "attach the CSV export as 'file'")
    options = _options(values, [str(v) for v in form.getlist("map")])
    return ExpenseUpload(upload, Path(upload.filename).name[:300], options, values)


def store_expense_upload(db: Database, ctx: ChangeContext, given: ExpenseUpload) -> ExpenseResult:
    """Copy the upload to a file (the reader streams a path) and record it in one transaction."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        with path.open("wb") as out:
            shutil.copyfileobj(given.upload.file, out)
        with db.writing() as session:
            return record_expense_file(session, ctx, path, given.name, **given.options)


def build_router() -> APIRouter:
    router = APIRouter(tags=["discovery"])

    @router.post("/discovery/scans/expenses", status_code=status.HTTP_201_CREATED,
                 summary="Match a card or expense export to AI services; store findings and "
                 "spend (audited)")  # fmt: skip
    async def scan_expenses(request: Request, db: DbDep, principal: Triager) -> ExpenseScanOut:
        given = await read_expense_form(request)
        ctx = change_context(request, principal)
        found = await run_in_threadpool(store_expense_upload, db, ctx, given)
        return ExpenseScanOut.of_result(found)

    return router
