"""Use cases of policies: create, edit (every version kept), enable, apply a folder, list, read.

Policies are organisation-wide (not scoped by business unit). Each save keeps the YAML as
written with its parsed document, so an auditor can see exactly which rule was in force when a
move was approved; the policy row holds the current document so evaluation never parses YAML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import Conflict, DomainError, InvalidInput, NotFound
from aitower.governance.policy import Policy, parse_policy, policy_from_document
from aitower.governance.tables import PolicyRow, PolicyVersionRow

MAX_COMMENT = 500

ApplyAction = Literal["create", "update", "unchanged", "invalid", "not in folder", "disable"]


@dataclass(frozen=True, slots=True)
class PolicySummary:
    key: str
    name: str
    description: str
    enabled: bool
    version: int
    gates: tuple[str, ...]
    requirement_count: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class PolicyVersion:
    version: int
    source: str
    document: dict[str, Any]
    author: str
    comment: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PolicyDetail:
    summary: PolicySummary
    source: str  # YAML of the current version
    versions: tuple[PolicyVersion, ...]  # newest first


@dataclass(frozen=True, slots=True)
class ApplyItem:
    file: str
    key: str | None
    action: ApplyAction
    version: int | None = None  # the version after applying (create: 1, update: n + 1)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ApplyPlan:
    items: tuple[ApplyItem, ...]
    dry_run: bool
    applied: bool

    @property
    def valid(self) -> bool:
        return not any(i.action == "invalid" for i in self.items)

    def count(self, action: ApplyAction) -> int:
        return sum(1 for i in self.items if i.action == action)


def _summary(row: PolicyRow) -> PolicySummary:
    doc = row.document
    return PolicySummary(
        key=row.key,
        name=row.name,
        description=str(doc.get("description", "")),
        enabled=row.enabled,
        version=row.version,
        gates=tuple(doc.get("gates", ())),
        requirement_count=len(doc.get("requirements", ())),
        updated_at=row.updated_at,
    )


def _version(row: PolicyVersionRow) -> PolicyVersion:
    return PolicyVersion(
        row.version, row.source, row.document, row.author, row.comment, row.created_at
    )


def _row(session: Session, key: str, *, lock: bool = False) -> PolicyRow:
    query = select(PolicyRow).where(PolicyRow.key == key)
    row = session.execute(query.with_for_update() if lock else query).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no policy {key!r}")
    return row


def _comment(comment: str) -> str:
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidInput.on("comment", f"at most {MAX_COMMENT} characters")
    return comment


def _current_source(session: Session, row: PolicyRow) -> str:
    return session.execute(
        select(PolicyVersionRow.source).where(
            PolicyVersionRow.policy_id == row.id, PolicyVersionRow.version == row.version
        )
    ).scalar_one()


def _add_version(
    session: Session, ctx: ChangeContext, row: PolicyRow, source: str, comment: str
) -> None:
    session.add(
        PolicyVersionRow(
            policy_id=row.id,
            version=row.version,
            source=source,
            document=row.document,
            author=ctx.principal.name,
            comment=comment,
        )
    )
    session.flush()


# --- reading ---------------------------------------------------------------------------------


def active_policies(session: Session) -> list[Policy]:
    """Enabled policies from their stored documents (no YAML parsing), ordered by key."""
    rows = session.execute(
        select(PolicyRow.document).where(PolicyRow.enabled.is_(True)).order_by(PolicyRow.key)
    ).scalars()
    return [policy_from_document(doc) for doc in rows]


def list_policies(session: Session) -> list[PolicySummary]:
    rows = session.execute(select(PolicyRow).order_by(PolicyRow.key)).scalars()
    return [_summary(r) for r in rows]


def get_policy(session: Session, key: str) -> PolicyDetail:
    row = _row(session, key)
    versions = session.execute(
        select(PolicyVersionRow)
        .where(PolicyVersionRow.policy_id == row.id)
        .order_by(PolicyVersionRow.version.desc())
    ).scalars()
    found = tuple(_version(v) for v in versions)
    current = next(v.source for v in found if v.version == row.version)
    return PolicyDetail(_summary(row), current, found)


def get_version(session: Session, key: str, version: int) -> PolicyVersion:
    row = _row(session, key)
    found = session.execute(
        select(PolicyVersionRow).where(
            PolicyVersionRow.policy_id == row.id, PolicyVersionRow.version == version
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"policy {key!r} has no version {version}")
    return _version(found)


# --- writing ---------------------------------------------------------------------------------


def create_policy(
    session: Session, ctx: ChangeContext, source: str, comment: str = ""
) -> PolicySummary:
    """Save a new policy as version 1 (enabled)."""
    policy, document = parse_policy(source)
    comment = _comment(comment)
    if session.execute(select(PolicyRow.id).where(PolicyRow.key == policy.key)).first():
        raise Conflict.on("key", f"a policy with key {policy.key!r} already exists")
    row = PolicyRow(key=policy.key, name=policy.name, enabled=True, version=1, document=document)
    session.add(row)
    session.flush()
    _add_version(session, ctx, row, source, comment)
    record_change(
        session,
        ctx,
        "policy.created",
        "policy",
        policy.key,
        after={"version": 1, "source": source, "comment": comment},
    )
    return _summary(row)


def update_policy(
    session: Session, ctx: ChangeContext, key: str, source: str, comment: str = ""
) -> PolicySummary:
    """Save a new version; the same source as the current version saves nothing."""
    row = _row(session, key, lock=True)
    policy, document = parse_policy(source)
    if policy.key != key:
        raise InvalidInput.on("key", f"must stay {key!r}; create a new policy to change the key")
    comment = _comment(comment)
    before_source = _current_source(session, row)
    if before_source == source:
        return _summary(row)
    before_version = row.version
    row.version, row.name, row.document = row.version + 1, policy.name, document
    session.flush()
    _add_version(session, ctx, row, source, comment)
    record_change(
        session,
        ctx,
        "policy.updated",
        "policy",
        key,
        before={"version": before_version, "source": before_source},
        after={"version": row.version, "source": source, "comment": comment},
    )
    return _summary(row)


def set_enabled(session: Session, ctx: ChangeContext, key: str, enabled: bool) -> PolicySummary:
    """Switch a policy on or off; asking for the state it is in changes (and audits) nothing."""
    row = _row(session, key, lock=True)
    if row.enabled != enabled:
        row.enabled = enabled
        session.flush()
        action = "policy.enabled" if enabled else "policy.disabled"
        record_change(
            session,
            ctx,
            action,
            "policy",
            key,
            before={"enabled": not enabled},
            after={"enabled": enabled},
        )
    return _summary(row)


def _plan_file(
    name: str, source: str, current: Mapping[str, tuple[int, str]], seen: dict[str, str]
) -> ApplyItem:
    try:
        policy, _ = parse_policy(source)
    except DomainError as exc:
        return ApplyItem(name, None, "invalid", error=exc.detail)
    if policy.key in seen:
        error = f"key {policy.key!r} is also defined in {seen[policy.key]}"
        return ApplyItem(name, policy.key, "invalid", error=error)
    seen[policy.key] = name
    if policy.key not in current:
        return ApplyItem(name, policy.key, "create", 1)
    version, stored = current[policy.key]
    if stored == source:
        return ApplyItem(name, policy.key, "unchanged", version)
    return ApplyItem(name, policy.key, "update", version + 1)


def _current_sources(session: Session) -> dict[str, tuple[int, str, bool]]:
    rows = session.execute(
        select(PolicyRow.key, PolicyRow.version, PolicyVersionRow.source, PolicyRow.enabled).join(
            PolicyVersionRow,
            (PolicyVersionRow.policy_id == PolicyRow.id)
            & (PolicyVersionRow.version == PolicyRow.version),
        )
    ).all()
    return {key: (version, source, enabled) for key, version, source, enabled in rows}


def plan_folder(session: Session, files: Mapping[str, str], *, prune: bool = False) -> ApplyPlan:
    """What applying ``files`` (name -> YAML) would do, without doing it."""
    stored = _current_sources(session)
    current = {k: (v, s) for k, (v, s, _) in stored.items()}
    seen: dict[str, str] = {}
    items = [_plan_file(n, files[n], current, seen) for n in sorted(files)]
    for key in sorted(set(stored) - set(seen)):
        action: ApplyAction = "disable" if prune and stored[key][2] else "not in folder"
        items.append(ApplyItem("", key, action, stored[key][0]))
    return ApplyPlan(tuple(items), dry_run=True, applied=False)


def apply_folder(
    session: Session,
    ctx: ChangeContext,
    files: Mapping[str, str],
    *,
    dry_run: bool,
    prune: bool = False,
) -> ApplyPlan:
    """Bring aitower's policies in line with a folder of YAML files, all or nothing.

    Any invalid file and nothing is saved. Policies not in the folder are left alone, unless
    ``prune``: then they are disabled (never deleted: their versions stay for the audit).
    """
    plan = plan_folder(session, files, prune=prune)
    if dry_run or not plan.valid:
        return ApplyPlan(plan.items, dry_run=dry_run, applied=False)
    by_key = {item.key: files[item.file] for item in plan.items if item.file}
    for item in plan.items:
        if item.action == "create":
            create_policy(session, ctx, by_key[str(item.key)], "applied from folder")
        elif item.action == "update":
            update_policy(session, ctx, str(item.key), by_key[str(item.key)], "applied from folder")
        elif item.action == "disable":
            set_enabled(session, ctx, str(item.key), False)
    summary = {a: plan.count(a) for a in ("create", "update", "unchanged", "disable")}
    record_change(
        session, ctx, "policies.applied", "policy", None, after={**summary, "prune": prune}
    )
    return ApplyPlan(plan.items, dry_run=False, applied=True)
