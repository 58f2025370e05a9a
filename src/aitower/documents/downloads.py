"""A kept version's bytes as an HTTP download, shared by the API and the pages."""

from __future__ import annotations

import uuid

from starlette.responses import Response

from aitower.core.access.principal import Principal
from aitower.core.db.engine import Database
from aitower.documents import service
from aitower.documents.kinds import MEDIA_TYPES, check_format
from aitower.inventory.service import get_system_ref


def download(
    db: Database, principal: Principal, system_id: uuid.UUID, kind: str, version: int, fmt: str
) -> Response:
    """The stored bytes, as an attachment named after the system, with their digest."""
    check_format(fmt)
    with db.reading() as session:
        name = get_system_ref(session, principal, system_id).name
        content = service.version_content(session, principal, system_id, kind, version, fmt)
    filename = service.filename(name, kind, version, fmt)
    return Response(
        content,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-SHA256": service.sha256(content),
        },
    )
