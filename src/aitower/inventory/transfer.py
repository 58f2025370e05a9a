"""Bulk onboarding formats: systems and vendors as CSV or YAML, parsed and rendered (pure).

CSV is flat: list fields are joined with ``;``; a model is ``provider/name@version[:hosting]``,
a data source ``name:classification[:personal][:special]``, an environment ``name=endpoint``.
YAML holds the same records as the API (``{"systems": [...]}`` or a bare list). Rendering gives
what parsing accepts, so an export can be edited and imported again. docs/inventory.md has an
example of each.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import yaml

from aitower.core.spreadsheet import as_written, inert
from aitower.inventory.vendor_domain import VENDOR_FIELDS
from aitower.inventory.vocabulary import Hosting

MAX_ROWS = 50_000
LIST_SEPARATOR = ";"


class Format(StrEnum):
    csv = "csv"
    yaml = "yaml"


SYSTEM_COLUMNS = (
    "name",
    "purpose",
    "kind",
    "unit",
    "accountable_owner",
    "technical_owner",
    "stage",
    "autonomy",
    "affected",
    "models",
    "vendors",
    "data_sources",
    "environments",
    "services",
    "docs_url",
    "repository_url",
    "tags",
    "notes",
)
# Shown in exports for reading, ignored on import: the risk slice owns the tier.
READ_ONLY_COLUMNS = ("risk_tier",)
SYSTEM_KEYS = frozenset(
    {*SYSTEM_COLUMNS, "links", *READ_ONLY_COLUMNS} - {"docs_url", "repository_url"}
)


@dataclass(frozen=True, slots=True)
class RowIssue:
    """A refused value: ``row`` counts records from 1 (0: the file itself); ``name`` is the
    row's system (or vendor) name and ``value`` the refused value as written, when known."""

    row: int
    field: str
    reason: str
    name: str = ""
    value: str = ""


@dataclass(slots=True)
class Parsed:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    records: dict[int, Any] = field(default_factory=dict)  # each row as read (named in reports)
    cells: dict[int, dict[str, str]] = field(default_factory=dict)  # CSV rows' cells as written


# --- CSV cells ---------------------------------------------------------------------------


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]


def parse_model(text: str) -> dict[str, Any] | None:
    """``provider/name@version[:hosting]``; the version and hosting are optional."""
    hosting = Hosting.third_party.value
    head, sep, tail = text.rpartition(":")
    if sep and tail.strip().lower() in {h.value for h in Hosting}:
        text, hosting = head, tail.strip().lower()
    provider, slash, rest = text.partition("/")
    if not slash or not provider.strip() or not rest.strip():
        return None
    name, _, version = rest.rpartition("@") if "@" in rest else (rest, "", "")
    return {
        "provider": provider.strip(),
        "name": name.strip(),
        "version": version.strip(),
        "hosting": hosting,
    }


def format_model(model: Mapping[str, Any]) -> str:
    version = f"@{model['version']}" if model.get("version") else ""
    return f"{model['provider']}/{model['name']}{version}:{model['hosting']}"


def parse_data_source(text: str) -> dict[str, Any] | None:
    """``name:classification[:personal][:special]``."""
    parts = [p.strip() for p in text.split(":")]
    if len(parts) < 2 or not parts[0]:
        return None
    flags = {p.lower() for p in parts[2:]}
    if not flags <= {"personal", "special"}:
        return None
    return {
        "name": parts[0],
        "classification": parts[1],
        "personal_data": "personal" in flags or "special" in flags,
        "special_category": "special" in flags,
    }


def format_data_source(source: Mapping[str, Any]) -> str:
    flags = [":personal"] if source.get("personal_data") else []
    if source.get("special_category"):
        flags.append(":special")
    return f"{source['name']}:{source['classification']}{''.join(flags)}"


def parse_environment(text: str) -> dict[str, Any] | None:
    name, _, endpoint = text.partition("=")
    return {"name": name.strip(), "endpoint": endpoint.strip()} if name.strip() else None


def format_environment(env: Mapping[str, Any]) -> str:
    return f"{env['name']}={env['endpoint']}" if env.get("endpoint") else str(env["name"])


CELL_SYNTAX: dict[str, tuple[Callable[[str], dict[str, Any] | None], str]] = {
    "models": (parse_model, "provider/name@version[:internal|third_party]"),
    "data_sources": (parse_data_source, "name:classification[:personal][:special]"),
    "environments": (parse_environment, "name=endpoint"),
}


def structured(column: str, cell: str, issues: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """A ``;``-joined cell of records; bad entries are reported as ``column[i]``."""
    parse, syntax = CELL_SYNTAX[column]
    found = []
    for i, part in enumerate(_split(cell)):
        value = parse(part)
        if value is None:
            issues.append((f"{column}[{i}]", f"{part!r} is not {syntax}"))
        else:
            found.append(value)
    return found


def system_from_cells(cells: Mapping[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A CSV row (or a form's textareas in the same syntax) as the API's plain values."""
    issues: list[tuple[str, str]] = []
    doc: dict[str, Any] = {}
    for column in SYSTEM_COLUMNS:
        cell = (cells.get(column) or "").strip()
        if column in CELL_SYNTAX:
            doc[column] = structured(column, cell, issues)
        elif column in ("affected", "vendors", "services", "tags"):
            doc[column] = _split(cell)
        elif column not in ("docs_url", "repository_url"):
            doc[column] = cell
    doc["links"] = {
        "docs": (cells.get("docs_url") or "").strip(),
        "repository": (cells.get("repository_url") or "").strip(),
    }
    return doc, issues


def system_to_cells(doc: Mapping[str, Any]) -> dict[str, str]:
    joined = LIST_SEPARATOR.join
    links = doc.get("links") or {}
    return {
        "name": doc["name"],
        "purpose": doc.get("purpose") or "",
        "kind": doc["kind"],
        "unit": doc["unit"],
        "accountable_owner": doc.get("accountable_owner") or "",
        "technical_owner": doc.get("technical_owner") or "",
        "stage": doc.get("stage") or "",
        "risk_tier": doc.get("risk_tier") or "",
        "autonomy": doc.get("autonomy") or "",
        "affected": joined(doc.get("affected") or []),
        "models": joined(format_model(m) for m in doc.get("models") or []),
        "vendors": joined(doc.get("vendors") or []),
        "data_sources": joined(format_data_source(d) for d in doc.get("data_sources") or []),
        "environments": joined(format_environment(e) for e in doc.get("environments") or []),
        "services": joined(doc.get("services") or []),
        "docs_url": links.get("docs") or "",
        "repository_url": links.get("repository") or "",
        "tags": joined(doc.get("tags") or []),
        "notes": doc.get("notes") or "",
    }


# --- files -------------------------------------------------------------------------------


def _csv_records(
    text: str, allowed: set[str], required: set[str], parsed: Parsed
) -> list[dict[str, str]]:
    # newline="": the csv module reads line ends itself (a lone \r too), as its docs ask.
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        headers = [h.strip() for h in reader.fieldnames or []]
    except csv.Error as exc:
        parsed.issues.append(RowIssue(0, "file", f"is not valid CSV: {exc}"))
        return []
    if not headers:
        parsed.issues.append(RowIssue(0, "file", "the CSV file has no header row"))
        return []
    unknown = [h for h in headers if h not in allowed]
    for name in unknown:
        parsed.issues.append(RowIssue(0, name, "is not a known column"))
    for name in sorted(required - set(headers)):
        parsed.issues.append(RowIssue(0, name, "required column is missing"))
    if parsed.issues:
        return []
    reader.fieldnames = headers
    records = []
    try:
        for record in reader:
            if None in record:
                parsed.issues.append(
                    RowIssue(reader.line_num, "row", "has more cells than columns")
                )
                continue
            if _is_note(record, headers[0]):
                continue
            if any((v or "").strip() for v in record.values()):
                records.append({k: as_written(v or "") for k, v in record.items()})
    except csv.Error as exc:
        parsed.issues.append(RowIssue(0, "file", f"is not valid CSV: {exc}"))
    return records


def _is_note(record: Mapping[str, str | None], first: str) -> bool:
    """A ``# ...`` line of the downloadable template (allowed values), skipped on import: the
    first cell starts with ``#`` and every other cell is empty. A real row always has its
    kind and unit (vendors: vendor_type), so none is mistaken for a note."""
    head = (record.get(first) or "").lstrip()
    rest = (v for k, v in record.items() if k != first)
    return head.startswith("#") and not any((v or "").strip() for v in rest)


def _yaml_records(text: str, key: str, parsed: Parsed) -> list[Any]:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        parsed.issues.append(RowIssue(0, "file", f"is not valid YAML: {str(exc).splitlines()[0]}"))
        return []
    if isinstance(doc, Mapping) and set(doc) == {key}:
        doc = doc[key]
    if doc is None:
        return []
    if not isinstance(doc, list):
        parsed.issues.append(RowIssue(0, "file", f"must be a list of {key} (or {{{key}: [...]}})"))
        return []
    return doc


def _too_many(count: int, parsed: Parsed) -> bool:
    if count > MAX_ROWS:
        parsed.issues.append(RowIssue(0, "file", f"has more than {MAX_ROWS} records"))
        return True
    return False


def parse_systems(text: str, fmt: Format) -> Parsed:
    """Records as plain values for ``check_system``, and the syntax problems found on the way."""
    parsed = Parsed()
    if fmt is Format.csv:
        allowed = {*SYSTEM_COLUMNS, *READ_ONLY_COLUMNS}
        records = _csv_records(text, allowed, {"name", "kind", "unit"}, parsed)
        if _too_many(len(records), parsed):
            return parsed
        for number, cells in enumerate(records, start=1):
            doc, issues = system_from_cells(cells)
            parsed.issues += [RowIssue(number, f, r) for f, r in issues]
            parsed.rows.append((number, doc))
            parsed.records[number], parsed.cells[number] = doc, dict(cells)
        return parsed
    items = _yaml_records(text, "systems", parsed)
    if _too_many(len(items), parsed):
        return parsed
    for number, item in enumerate(items, start=1):
        parsed.records[number] = item
        if not isinstance(item, Mapping):
            parsed.issues.append(RowIssue(number, "row", "must be a mapping of fields"))
            continue
        for key in sorted(map(str, set(item) - SYSTEM_KEYS)):
            parsed.issues.append(RowIssue(number, key, "is not a system field"))
        doc = {k: v for k, v in item.items() if k in SYSTEM_KEYS and k not in READ_ONLY_COLUMNS}
        parsed.rows.append((number, doc))
    return parsed


def parse_vendors(text: str, fmt: Format) -> Parsed:
    parsed = Parsed()
    if fmt is Format.csv:
        records: list[Any] = _csv_records(text, set(VENDOR_FIELDS), {"name", "vendor_type"}, parsed)
    else:
        records = _yaml_records(text, "vendors", parsed)
    if _too_many(len(records), parsed):
        return parsed
    for number, item in enumerate(records, start=1):
        parsed.records[number] = item
        if fmt is Format.csv:
            parsed.cells[number] = dict(item)
        if not isinstance(item, Mapping):
            parsed.issues.append(RowIssue(number, "row", "must be a mapping of fields"))
            continue
        parsed.rows.append((number, dict(item)))
    return parsed


def render_systems(docs: list[dict[str, Any]], fmt: Format) -> str:
    if fmt is Format.yaml:
        return yaml.safe_dump({"systems": docs}, sort_keys=False, allow_unicode=True)
    out = io.StringIO()
    columns = [*SYSTEM_COLUMNS[:7], *READ_ONLY_COLUMNS, *SYSTEM_COLUMNS[7:]]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for doc in docs:
        writer.writerow(_inert(system_to_cells(doc)))
    return out.getvalue()


def _inert(row: Mapping[str, str]) -> dict[str, str]:
    """A row whose cells a spreadsheet will not run (``core.spreadsheet``)."""
    return {k: inert(v) for k, v in row.items()}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render_vendors(docs: list[dict[str, Any]], fmt: Format) -> str:
    if fmt is Format.yaml:
        return yaml.safe_dump({"vendors": docs}, sort_keys=False, allow_unicode=True)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(VENDOR_FIELDS), lineterminator="\n")
    writer.writeheader()
    for doc in docs:
        row = {k: _cell(doc.get(k)) for k in VENDOR_FIELDS}
        if doc.get("trains_on_customer_data") is None:
            row["trains_on_customer_data"] = "unknown"
        writer.writerow(_inert(row))
    return out.getvalue()
