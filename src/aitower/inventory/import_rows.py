"""How an import report names a refused value: the row's system, the column, the value as typed.

A person fixing a spreadsheet needs to find the cell: "row 3 (Claims triage), column kind,
value 'chatbot'" finds it where "rows[3].kind" does not. The value is taken from the CSV cell
as written (a list cell's entry for ``vendors[1]``) or from the YAML record, shortened so a
pasted essay cannot swamp the report. Pure: no database, no HTTP.

It also builds the *reference probe* of a row that failed its checks: the unit, owners, vendors
and telemetry services it names, so that an unknown unit or user is reported with the row's
other problems in the same report rather than on the next try (#18, item 10).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from aitower.inventory.domain import SystemSpec
from aitower.inventory.transfer import LIST_SEPARATOR, RowIssue
from aitower.inventory.vocabulary import SystemKind

ECHO_LIMIT = 120
# Record fields whose CSV column has another name.
CSV_COLUMN = {"links.docs": "docs_url", "links.repository": "repository_url"}
_HEAD = re.compile(r"^([A-Za-z_]+)(?:\[(\d+)\])?")
_PATH = re.compile(r"[^.\[\]]+|\[\d+\]")


def _short(text: str) -> str:
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 1] + "…"


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _from_cells(field: str, cells: Mapping[str, str]) -> str | None:
    column = CSV_COLUMN.get(field)
    head = _HEAD.match(field)
    index = None
    if column is None and head is not None:
        column, index = head.group(1), head.group(2)
    if column is None or column not in cells:
        return None
    cell = cells[column] or ""
    if index is None:
        return cell
    parts = [p.strip() for p in cell.split(LIST_SEPARATOR) if p.strip()]
    return parts[int(index)] if int(index) < len(parts) else cell


def _from_record(field: str, record: Any) -> str | None:
    node = record
    for token in _PATH.findall(field):
        if token.startswith("[") and isinstance(node, list):
            i = int(token[1:-1])
            if i >= len(node):
                return None
            node = node[i]
        elif isinstance(node, Mapping) and token in node:
            node = node[token]
        else:
            return None
    return _as_text(node)


def echoed_value(field: str, cells: Mapping[str, str] | None, record: Any) -> str:
    """What the row holds at ``field`` (``kind``, ``vendors[1]``, ``models[0].hosting``)."""
    found = _from_cells(field, cells) if cells is not None else _from_record(field, record)
    return _short((found or "").strip())


def row_name(record: Any) -> str:
    name = record.get("name") if isinstance(record, Mapping) else None
    return _short(name.strip()) if isinstance(name, str) else ""


def annotated(
    issues: Sequence[RowIssue],
    records: Mapping[int, Any],
    cells: Mapping[int, Mapping[str, str]],
) -> list[RowIssue]:
    """Each row issue with its system's name and the value it refused (file issues as given)."""
    out = []
    for issue in issues:
        if issue.row <= 0 or issue.row not in records:
            out.append(issue)
            continue
        record = records[issue.row]
        value = echoed_value(issue.field, cells.get(issue.row), record)
        out.append(replace(issue, name=row_name(record), value=value))
    return out


def _word(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())


def reference_probe(record: Mapping[str, Any]) -> SystemSpec:
    """The references a refused row names, well-typed or left out, to resolve like a good row's.

    Only ``unit``, the owners, ``vendors`` and ``services`` are read; the rest are placeholders
    that ``records.resolve`` does not look at.
    """
    return SystemSpec(
        name=_word(record.get("name")),
        kind=SystemKind.llm_app,
        unit=_word(record.get("unit")),
        accountable_owner=_word(record.get("accountable_owner")).lower() or None,
        technical_owner=_word(record.get("technical_owner")).lower() or None,
        vendors=_names(record.get("vendors")),
        services=_names(record.get("services")),
    )
