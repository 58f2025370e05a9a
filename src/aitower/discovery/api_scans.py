"""``POST /api/v1/discovery/scans/logs``: upload a proxy, firewall or DNS log to scan (thin).

A multipart form: ``file`` (plain or gzip), ``format`` (``logscan.FORMATS``), and for csv and
jsonl a ``mapping`` (``timestamp=time, url=url, user=user``: pairs separated by commas or
lines) and a ``delimiter``; optionally the ``unit`` of users whose department names none.
The file is spooled to disk by the server, scanned outside any transaction and stored in one
(``log_upload``): 201 with the scan, 409 for a file scanned before, 422 naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Annotated

from fastapi import APIRouter, Request, status
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from aitower.core.access.principal import Principal
from aitower.core.errors import InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.discovery import log_upload
from aitower.discovery.permissions import DiscoveryPermission
from aitower.discovery.schemas import ScanOut

# A busy proxy logs a few hundred MB a day uncompressed; a gzip of a week of it, or a day
# plain, fits in 1 GiB. Larger logs are scanned where they lie, with ``aitower discover logs``
# (no upload, no temporary copy).
MAX_LOG_BYTES = 1024 * 1024 * 1024
UPLOAD_PATHS = ("/api/v1/discovery/scans/logs", "/discovery/scans")
FORM_FIELDS = ("format", "mapping", "delimiter", "unit")
Triager = Annotated[Principal, guard(DiscoveryPermission.triage)]


@dataclass(frozen=True, slots=True)
class LogUpload:
    stream: IO[bytes]
    name: str
    request: log_upload.LogRequest
    values: dict[str, str]  # the form's text fields as given, to show a refused form again


async def read_log_form(request: Request) -> LogUpload:
    """The form's file and how to read it; a missing file or a bad pair names its field."""
    form = await request.form(max_files=1, max_fields=10)
    values = {name: str(form.get(name) or "") for name in FORM_FIELDS}
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput.on("file", "attach the log as 'file'")
    fmt = values["format"].strip() or "squid"
    mapping = log_upload.mapping_from_text(values["mapping"])
    delimiter = values["delimiter"] or ","
    given = log_upload.LogRequest(fmt, mapping, delimiter, values["unit"].strip() or None)
    return LogUpload(upload.file, upload.filename, given, values)


def add_routes(router: APIRouter) -> None:
    @router.post(
        "/discovery/scans/logs",
        status_code=status.HTTP_201_CREATED,
        summary="Upload a proxy, firewall or DNS log: scan it and store its findings (audited)",
    )
    async def upload_log(request: Request, db: DbDep, principal: Triager) -> ScanOut:
        given = await read_log_form(request)
        ctx = change_context(request, principal)

        def run() -> ScanOut:
            with log_upload.saved_upload(given.stream, given.name) as path:
                done = log_upload.scan_and_record(db, ctx, path, given.name, given.request)
            return ScanOut.of(done.stored)

        return await run_in_threadpool(run)
