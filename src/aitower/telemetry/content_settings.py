"""A system's content settings: whether its messages are stored and how much, whether ingest
scans them, for which detection types, and what redaction does per type before storage.

Kept on the system's telemetry settings row (``telemetry_system_settings``), read by ingest with
its content settings (``ingest._content_policies``). A type with no action is kept: its findings
are recorded and the text is stored as sent, so a system starts with findings to look at and
nothing altered; the security specialist chooses what to redact. Changes apply to spans ingested
afterwards (nothing stored before is rewritten) and are audited with the values before and
after.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import InvalidInput
from aitower.detectors import catalog
from aitower.detectors.detection import Action
from aitower.inventory import service as inventory
from aitower.telemetry.tables import SystemTelemetrySettingsRow

MAX_CONTENT_CHARS = 1_000_000
ACTIONS = tuple(a.value for a in Action)


@dataclass(frozen=True, slots=True)
class ContentSettings:
    store_content: bool = True
    max_content_chars: int = 4000
    scan_enabled: bool = True
    scan_types: tuple[str, ...] | None = None  # None: every type the detectors know
    redaction: Mapping[str, str] = field(default_factory=dict)  # type -> drop|mask|hash

    def action(self, finding_type: str) -> str:
        return self.redaction.get(finding_type, Action.keep.value)


DEFAULT_CONTENT_SETTINGS = ContentSettings()


def known_types() -> tuple[catalog.DetectionType, ...]:
    return catalog.TYPES


def get_content_settings(
    session: Session, principal: Principal, system_id: uuid.UUID
) -> ContentSettings:
    inventory.get_system_ref(session, principal, system_id)
    row = session.get(SystemTelemetrySettingsRow, system_id)
    return DEFAULT_CONTENT_SETTINGS if row is None else _of(row)


def _of(row: SystemTelemetrySettingsRow) -> ContentSettings:
    return ContentSettings(
        row.store_content,
        row.max_content_chars,
        row.scan_enabled,
        None if row.scan_types is None else tuple(row.scan_types),
        dict(row.redaction or {}),
    )


def validated(wanted: ContentSettings) -> ContentSettings:
    """``wanted`` checked and in its stored form: types sorted, ``keep`` entries left out (a
    type not named is kept). Raises ``InvalidInput`` naming the first wrong field."""
    names = {t.name for t in catalog.TYPES}
    if not 0 <= wanted.max_content_chars <= MAX_CONTENT_CHARS:
        raise InvalidInput.on("max_content_chars", f"must be from 0 to {MAX_CONTENT_CHARS:,}")
    types = None
    if wanted.scan_types is not None:
        unknown = sorted(set(wanted.scan_types) - names)
        if unknown:
            raise InvalidInput.on("scan_types", f"unknown detection type {unknown[0]!r}")
        types = tuple(sorted(set(wanted.scan_types)))
    redaction: dict[str, str] = {}
    for name, action in sorted(wanted.redaction.items()):
        if name not in names:
            raise InvalidInput.on(f"redaction.{name}", "unknown detection type")
        if action not in ACTIONS:
            raise InvalidInput.on(f"redaction.{name}", f"must be one of {', '.join(ACTIONS)}")
        if action != Action.keep.value:
            redaction[name] = action
    return ContentSettings(
        wanted.store_content, wanted.max_content_chars, wanted.scan_enabled, types, redaction
    )


def set_content_settings(
    session: Session, ctx: ChangeContext, system_id: uuid.UUID, wanted: ContentSettings
) -> ContentSettings:
    """Save a system's content settings and audit the change (values before and after);
    refused input raises before anything is written."""
    ref = inventory.get_system_ref(session, ctx.principal, system_id)
    checked = validated(wanted)
    row = session.get(SystemTelemetrySettingsRow, system_id, with_for_update=True)
    before = DEFAULT_CONTENT_SETTINGS if row is None else _of(row)
    if row is None:
        row = SystemTelemetrySettingsRow(system_id=system_id)
        session.add(row)
    row.store_content = checked.store_content
    row.max_content_chars = checked.max_content_chars
    row.scan_enabled = checked.scan_enabled
    row.scan_types = None if checked.scan_types is None else list(checked.scan_types)
    row.redaction = dict(checked.redaction) or None
    session.flush()
    record_change(
        session,
        ctx,
        "telemetry.content_settings_changed",
        "ai_system",
        ref.id,
        before=_audited(before),
        after=_audited(checked),
    )
    return checked


def _audited(settings: ContentSettings) -> dict[str, object]:
    values = asdict(settings)
    values["scan_types"] = None if settings.scan_types is None else list(settings.scan_types)
    values["redaction"] = dict(settings.redaction)
    return values
