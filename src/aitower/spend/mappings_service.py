"""The mapping rules as stored: list, add (re-attributing unmatched bill lines), remove.

Adding a rule re-attributes the ledger's unattributed cloud records it matches (they keep
their tags for this), in the same transaction and audit event; removing one leaves records
as they are (cost attributed stays attributed until its import is undone and imported again).
Only organisation-wide principals change rules: they apply to every bill.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import Conflict, InvalidInput, NotFound
from aitower.inventory.tables import SystemRow
from aitower.spend.mappings import Matcher, MatchKind, Rule, check_rule, read_detail
from aitower.spend.sources import SpendSource
from aitower.spend.tables import SpendImportRow, SpendMappingRow, SpendRecordRow


def _rule(row: SpendMappingRow) -> Rule:
    return Rule(MatchKind(row.match_kind), row.match_key, row.match_value, row.system_id)


def load_matcher(session: Session, systems: dict[str, uuid.UUID]) -> Matcher:
    rows = session.execute(select(SpendMappingRow)).scalars()
    return Matcher([_rule(r) for r in rows], systems)


def mapping_document(row: SpendMappingRow, system_name: str) -> dict[str, Any]:
    return {
        "match_kind": row.match_kind,
        "match_key": row.match_key,
        "match_value": row.match_value,
        "system_id": str(row.system_id),
        "system": system_name,
        "note": row.note,
    }


def list_mappings(session: Session) -> list[tuple[SpendMappingRow, str]]:
    query = (
        select(SpendMappingRow, SystemRow.name)
        .join(SystemRow, SystemRow.id == SpendMappingRow.system_id)
        .order_by(
            SpendMappingRow.match_kind, SpendMappingRow.match_key, SpendMappingRow.match_value
        )
    )
    return [(row, name) for row, name in session.execute(query)]


def _system(session: Session, ref: str) -> SystemRow:
    ref = ref.strip()
    try:
        found = session.get(SystemRow, uuid.UUID(ref))
    except ValueError:
        found = session.execute(select(SystemRow).where(SystemRow.name == ref)).scalar()
    if found is None:
        raise InvalidInput.on("system", f"no AI system {ref!r} (give its id or exact name)")
    return found


def _org_wide(ctx: ChangeContext) -> None:
    if ctx.principal.unit_ids is not None:
        raise InvalidInput.on(
            "scope", "rules apply to every bill: an organisation-wide role changes them"
        )


def create_mapping(
    session: Session,
    ctx: ChangeContext,
    kind: str,
    key: str,
    value: str,
    system: str,
    note: str = "",
) -> tuple[SpendMappingRow, int]:
    """Add a rule and re-attribute what it matches; (the rule, records re-attributed)."""
    _org_wide(ctx)
    match, key, value = check_rule(kind, key, value)
    target = _system(session, system)
    clash = select(SpendMappingRow.id).where(
        SpendMappingRow.match_kind == match.value,
        SpendMappingRow.match_key == key,
        SpendMappingRow.match_value == value,
    )
    if session.execute(clash).scalar() is not None:
        raise Conflict.on("match_value", "a rule for this already exists")
    row = SpendMappingRow(
        id=uuid.uuid4(),
        match_kind=match.value,
        match_key=key,
        match_value=value,
        system_id=target.id,
        note=note.strip()[:2000],
        created_by=ctx.principal.actor,
    )
    session.add(row)
    session.flush()
    moved = reattribute(session, Matcher([_rule(row)], {}), target.unit_id)
    after = {**mapping_document(row, target.name), "records_reattributed": moved}
    record_change(session, ctx, "spend_mapping.create", "spend_mapping", row.id, after=after)
    return row, moved


def reattribute(session: Session, matcher: Matcher, unit_id: uuid.UUID) -> int:
    """Give the unattributed cloud records ``matcher`` now matches their system."""
    r = SpendRecordRow
    query = select(r.id, r.import_id, r.account, r.description, r.amount).where(
        r.source == SpendSource.cloud.value, r.system_id.is_(None)
    )
    changes: list[dict[str, Any]] = []
    claimed: dict[uuid.UUID, float] = defaultdict(float)  # per import: amount now attributed
    for record_id, import_id, account, detail, amount in session.execute(query):
        tags, group = read_detail(detail)
        found = matcher.match(tags, account, group)
        if found.system_id is not None:
            changes.append(
                {
                    "id": record_id,
                    "system_id": found.system_id,
                    "unit_id": unit_id,
                    "matched_by": found.matched_by,
                }
            )
            if import_id is not None:
                claimed[import_id] += float(amount)
    for part in range(0, len(changes), 5000):
        session.execute(update(SpendRecordRow), changes[part : part + 5000])
    for import_id, amount in claimed.items():
        row = session.get(SpendImportRow, import_id)
        if row is not None:
            row.unmapped_amount = round(max(row.unmapped_amount - amount, 0.0), 6)
    return len(changes)


def system_name(session: Session, system_id: uuid.UUID) -> str:
    found = session.execute(select(SystemRow.name).where(SystemRow.id == system_id)).scalar()
    return found or ""


def delete_mapping(session: Session, ctx: ChangeContext, mapping_id: uuid.UUID) -> None:
    _org_wide(ctx)
    row = session.get(SpendMappingRow, mapping_id)
    if row is None:
        raise NotFound(f"no spend mapping {mapping_id}")
    before = mapping_document(row, system_name(session, row.system_id))
    session.delete(row)
    record_change(session, ctx, "spend_mapping.delete", "spend_mapping", mapping_id, before=before)
