"""The AI system record, checked in one place for the API, forms, CLI and bulk import.

``check_system`` takes plain values (as JSON, YAML or a parsed CSV row give them) and returns a
``SystemSpec`` or raises ``InvalidInput`` naming *every* bad field (``models[0].provider``...),
so an import can report all the problems of a row at once. References to other records (unit,
owners, vendors) are only checked for form here; the service resolves them in bulk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from aitower.core.errors import FieldIssue, InvalidInput
from aitower.inventory.lifecycle import Stage
from aitower.inventory.vocabulary import (
    Affected,
    Autonomy,
    Classification,
    Hosting,
    SystemKind,
    highest_classification,
)

TAG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
SERVICE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MAX_ITEMS = 100

E = TypeVar("E", bound=Any)


@dataclass(frozen=True, slots=True)
class ModelUse:
    provider: str
    name: str
    version: str = ""
    hosting: Hosting = Hosting.third_party


@dataclass(frozen=True, slots=True)
class DataSource:
    name: str
    classification: Classification
    personal_data: bool = False
    special_category: bool = False


@dataclass(frozen=True, slots=True)
class Environment:
    name: str
    endpoint: str = ""


@dataclass(frozen=True, slots=True)
class SystemSpec:
    """A checked record; ``unit``, owners and vendors are references still to be resolved."""

    name: str
    kind: SystemKind
    unit: str
    purpose: str = ""
    accountable_owner: str | None = None
    technical_owner: str | None = None
    stage: Stage | None = None  # only given when a system is registered or onboarded
    autonomy: Autonomy = Autonomy.human_in_the_loop
    affected: tuple[Affected, ...] = ()
    models: tuple[ModelUse, ...] = ()
    vendors: tuple[str, ...] = ()
    data_sources: tuple[DataSource, ...] = ()
    environments: tuple[Environment, ...] = ()
    services: tuple[str, ...] = ()
    docs_url: str = ""
    repository_url: str = ""
    tags: tuple[str, ...] = ()
    notes: str = ""

    @property
    def classification(self) -> Classification:
        return highest_classification([d.classification for d in self.data_sources])

    @property
    def personal_data(self) -> bool:
        return any(d.personal_data or d.special_category for d in self.data_sources)

    @property
    def special_category_data(self) -> bool:
        return any(d.special_category for d in self.data_sources)

    @property
    def fields_set(self) -> frozenset[str]:
        """Names of the record's fields that hold a value (what governance policies require)."""
        present = {
            "purpose": bool(self.purpose),
            "accountable_owner": self.accountable_owner is not None,
            "technical_owner": self.technical_owner is not None,
            "models": bool(self.models),
            "vendors": bool(self.vendors),
            "data_sources": bool(self.data_sources),
            "affected": bool(self.affected),
            "environments": bool(self.environments),
            "telemetry_services": bool(self.services),
            "links.docs": bool(self.docs_url),
            "links.repository": bool(self.repository_url),
            "notes": bool(self.notes),
            "tags": bool(self.tags),
        }
        return frozenset(k for k, v in present.items() if v)


class _Issues:
    """Collects every problem of one record instead of stopping at the first."""

    def __init__(self) -> None:
        self.items: list[FieldIssue] = []

    def add(self, field: str, reason: str) -> None:
        self.items.append(FieldIssue(field, reason))


def text(value: Any, field: str, issues: _Issues, *, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        issues.add(field, "must be text")
        return ""
    cleaned = value.strip()
    if required and not cleaned:
        issues.add(field, "is required")
    elif len(cleaned) > limit:
        issues.add(field, f"is longer than {limit} characters")
    elif any(ord(c) < 32 and c not in "\n\t" for c in cleaned):
        issues.add(field, "contains control characters")
    return cleaned


def word(
    value: Any, field: str, issues: _Issues, vocabulary: type[E], default: E | None = None
) -> E | None:
    """A value of a StrEnum vocabulary; an unknown word is refused with the allowed ones."""
    if value is None or value == "":
        if default is None:
            issues.add(field, "is required")
        return default
    try:
        chosen: E = vocabulary(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(v.value for v in vocabulary)
        issues.add(field, f"must be one of: {allowed}")
        return default
    return chosen


def flag(value: Any, field: str, issues: _Issues) -> bool:
    if isinstance(value, bool):
        return value
    if value is None or value == "":
        return False
    lowered = str(value).strip().lower()
    if lowered in ("true", "yes", "1", "y"):
        return True
    if lowered in ("false", "no", "0", "n"):
        return False
    issues.add(field, "must be true or false")
    return False


def items(value: Any, field: str, issues: _Issues) -> list[Any]:
    if value is None or value == "":
        return []
    if not isinstance(value, list | tuple):
        issues.add(field, "must be a list")
        return []
    if len(value) > MAX_ITEMS:
        issues.add(field, f"has more than {MAX_ITEMS} entries")
        return []
    return list(value)


def _record(value: Any, field: str, issues: _Issues) -> Mapping[str, Any] | None:
    if not isinstance(value, Mapping):
        issues.add(field, "must be an object")
        return None
    return value


def username(value: Any, field: str, issues: _Issues) -> str | None:
    name = text(value, field, issues, limit=64).lower()
    if not name:
        return None
    if not USERNAME_RE.match(name):
        issues.add(field, "is not a username")
        return None
    return name


def url(value: Any, field: str, issues: _Issues) -> str:
    link = text(value, field, issues, limit=500)
    if link and not URL_RE.match(link):
        issues.add(field, "must be an http(s) URL")
    return link


def _unique(values: list[str], field: str, issues: _Issues, *, fold: bool = False) -> None:
    seen: set[str] = set()
    for index, value in enumerate(values):
        key = value.lower() if fold else value
        if key in seen:
            issues.add(f"{field}[{index}]", f"{value!r} is listed twice")
        seen.add(key)


def _models(value: Any, issues: _Issues) -> tuple[ModelUse, ...]:
    found = []
    for i, entry in enumerate(items(value, "models", issues)):
        doc = _record(entry, f"models[{i}]", issues)
        if doc is None:
            continue
        extra = set(doc) - {"provider", "name", "version", "hosting"}
        if extra:
            issues.add(f"models[{i}]", f"unknown keys: {', '.join(sorted(map(str, extra)))}")
        hosting = word(
            doc.get("hosting"), f"models[{i}].hosting", issues, Hosting, Hosting.third_party
        )
        found.append(
            ModelUse(
                provider=text(
                    doc.get("provider"), f"models[{i}].provider", issues, limit=100, required=True
                ),
                name=text(doc.get("name"), f"models[{i}].name", issues, limit=200, required=True),
                version=text(doc.get("version"), f"models[{i}].version", issues, limit=100),
                hosting=hosting or Hosting.third_party,
            )
        )
    return tuple(found)


def _data_sources(value: Any, issues: _Issues) -> tuple[DataSource, ...]:
    found = []
    for i, entry in enumerate(items(value, "data_sources", issues)):
        field = f"data_sources[{i}]"
        doc = _record(entry, field, issues)
        if doc is None:
            continue
        extra = set(doc) - {"name", "classification", "personal_data", "special_category"}
        if extra:
            issues.add(field, f"unknown keys: {', '.join(sorted(map(str, extra)))}")
        level = word(doc.get("classification"), f"{field}.classification", issues, Classification)
        special = flag(doc.get("special_category"), f"{field}.special_category", issues)
        found.append(
            DataSource(
                name=text(doc.get("name"), f"{field}.name", issues, limit=200, required=True),
                classification=level or Classification.internal,
                # Special-category data (health, biometrics...) is personal data by definition.
                personal_data=flag(doc.get("personal_data"), f"{field}.personal_data", issues)
                or special,
                special_category=special,
            )
        )
    _unique([d.name for d in found], "data_sources", issues, fold=True)
    return tuple(found)


def _environments(value: Any, issues: _Issues) -> tuple[Environment, ...]:
    found = []
    for i, entry in enumerate(items(value, "environments", issues)):
        doc = _record(entry, f"environments[{i}]", issues)
        if doc is None:
            continue
        extra = set(doc) - {"name", "endpoint"}
        if extra:
            issues.add(f"environments[{i}]", f"unknown keys: {', '.join(sorted(map(str, extra)))}")
        name = text(doc.get("name"), f"environments[{i}].name", issues, limit=64, required=True)
        endpoint = text(doc.get("endpoint"), f"environments[{i}].endpoint", issues, limit=500)
        if any(c.isspace() for c in endpoint) or "=" in name or ";" in endpoint:
            issues.add(f"environments[{i}]", "name and endpoint may not contain spaces, = or ;")
        found.append(Environment(name, endpoint))
    _unique([e.name for e in found], "environments", issues, fold=True)
    return tuple(found)


def _strings(
    value: Any, field: str, issues: _Issues, check: Callable[[str], str | None], limit: int
) -> tuple[str, ...]:
    """A list of short strings, each cleaned (or refused with a reason) by ``check``."""
    found = []
    for i, entry in enumerate(items(value, field, issues)):
        cleaned = text(entry, f"{field}[{i}]", issues, limit=limit, required=True)
        if not cleaned:
            continue
        reason = check(cleaned)
        if reason:
            issues.add(f"{field}[{i}]", reason)
        else:
            found.append(cleaned)
    _unique(found, field, issues, fold=True)
    return tuple(found)


def _tag(value: str) -> str | None:
    return None if TAG_RE.match(value) else "must be a lower-case slug (a-z, 0-9, -)"


def _service(value: str) -> str | None:
    ok = SERVICE_RE.match(value)
    return None if ok else "must be a service name (letters, digits, . _ : / -; no spaces)"


def _vendor(value: str) -> str | None:
    return "may not contain ;" if ";" in value else None


def _affected(value: Any, issues: _Issues) -> tuple[Affected, ...]:
    chosen: set[Affected] = set()
    for i, entry in enumerate(items(value, "affected", issues)):
        found = word(entry, f"affected[{i}]", issues, Affected)
        if found is not None:
            chosen.add(found)
    return tuple(a for a in Affected if a in chosen)


def _links(raw: Mapping[str, Any], issues: _Issues) -> tuple[str, str]:
    links = raw.get("links") or {}
    if not isinstance(links, Mapping):
        issues.add("links", "must be an object with docs and repository")
        return "", ""
    extra = set(links) - {"docs", "repository"}
    if extra:
        issues.add("links", f"unknown keys: {', '.join(sorted(map(str, extra)))}")
    return url(links.get("docs"), "links.docs", issues), url(
        links.get("repository"), "links.repository", issues
    )


def check_system(raw: Mapping[str, Any]) -> SystemSpec:
    """The record from plain values, or ``InvalidInput`` listing every bad field."""
    issues = _Issues()
    kind = word(raw.get("kind"), "kind", issues, SystemKind)
    stage_value = raw.get("stage")
    stage = None if stage_value in (None, "") else word(stage_value, "stage", issues, Stage)
    docs, repository = _links(raw, issues)
    spec = SystemSpec(
        name=text(raw.get("name"), "name", issues, limit=200, required=True),
        kind=kind or SystemKind.llm_app,
        unit=text(raw.get("unit"), "unit", issues, limit=120, required=True),
        purpose=text(raw.get("purpose"), "purpose", issues, limit=4000),
        accountable_owner=username(raw.get("accountable_owner"), "accountable_owner", issues),
        technical_owner=username(raw.get("technical_owner"), "technical_owner", issues),
        stage=stage,
        autonomy=word(raw.get("autonomy"), "autonomy", issues, Autonomy, Autonomy.human_in_the_loop)
        or Autonomy.human_in_the_loop,
        affected=_affected(raw.get("affected"), issues),
        models=_models(raw.get("models"), issues),
        vendors=_strings(raw.get("vendors"), "vendors", issues, _vendor, 200),
        data_sources=_data_sources(raw.get("data_sources"), issues),
        environments=_environments(raw.get("environments"), issues),
        services=_strings(raw.get("services"), "services", issues, _service, 200),
        docs_url=docs,
        repository_url=repository,
        tags=tuple(sorted(_strings(_lowered(raw.get("tags")), "tags", issues, _tag, 64))),
        notes=text(raw.get("notes"), "notes", issues, limit=10_000),
    )
    if issues.items:
        first = issues.items[0]
        raise InvalidInput(f"{first.field}: {first.reason}", issues=issues.items)
    return spec


def _lowered(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [v.strip().lower() if isinstance(v, str) else v for v in value]
    return value


def spec_document(spec: SystemSpec) -> dict[str, Any]:
    """The record as plain values that ``check_system`` accepts again (export, PATCH merge)."""
    return {
        "name": spec.name,
        "purpose": spec.purpose,
        "kind": spec.kind.value,
        "unit": spec.unit,
        "accountable_owner": spec.accountable_owner,
        "technical_owner": spec.technical_owner,
        "stage": None if spec.stage is None else spec.stage.value,
        "autonomy": spec.autonomy.value,
        "affected": [a.value for a in spec.affected],
        "models": [
            {
                "provider": m.provider,
                "name": m.name,
                "version": m.version,
                "hosting": m.hosting.value,
            }
            for m in spec.models
        ],
        "vendors": list(spec.vendors),
        "data_sources": [
            {
                "name": d.name,
                "classification": d.classification.value,
                "personal_data": d.personal_data,
                "special_category": d.special_category,
            }
            for d in spec.data_sources
        ],
        "environments": [{"name": e.name, "endpoint": e.endpoint} for e in spec.environments],
        "services": list(spec.services),
        "links": {"docs": spec.docs_url, "repository": spec.repository_url},
        "tags": list(spec.tags),
        "notes": spec.notes,
    }
