"""What the inventory pages share: the sub-navigation, notices, and form ↔ record mapping.

List fields are typed in textareas one entry per line, in the CSV cell syntax (a model is
``provider/name@version[:hosting]``...), so what people type in the form, in a spreadsheet and
in an import file is the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.access.roles import Permission
from aitower.core.errors import DomainError, FieldIssue, InvalidInput
from aitower.inventory.domain import check_system
from aitower.inventory.permissions import InventoryPermission
from aitower.inventory.transfer import system_from_cells, system_to_cells

NOTICES: dict[str, str] = {
    "system-created": "The AI system was registered.",
    "system-updated": "The AI system was saved.",
    "vendor-created": "The vendor was registered.",
    "vendor-updated": "The vendor was saved.",
}

LINE_FIELDS = ("affected", "models", "vendors", "data_sources", "environments", "services", "tags")
SYSTEM_FORM_FIELDS = (
    "name",
    "kind",
    "unit",
    "purpose",
    "accountable_owner",
    "technical_owner",
    "stage",
    "autonomy",
    *LINE_FIELDS,
    "docs_url",
    "repository_url",
    "notes",
)


@dataclass(frozen=True, slots=True)
class InventoryTab:
    key: str
    label: str
    path: str
    permission: Permission


TABS = (
    InventoryTab("systems", "Systems", "/systems", InventoryPermission.systems_read),
    InventoryTab("vendors", "Vendors", "/vendors", InventoryPermission.vendors_read),
    InventoryTab("import", "Import", "/systems/import", InventoryPermission.systems_write),
)


def inventory_tabs(principal: Principal) -> list[InventoryTab]:
    return [t for t in TABS if principal.can(t.permission)]


def notice_text(code: str | None) -> str | None:
    return None if code is None else NOTICES.get(code)


def form_field(field: str) -> str:
    """The form input a record field's issue belongs to: ``models[1].name`` → ``models``."""
    if field == "links.docs":
        return "docs_url"
    if field == "links.repository":
        return "repository_url"
    return field.split("[")[0].split(".")[0]


def form_problem(exc: DomainError) -> FormProblem:
    """Issues grouped by form input, each saying which line it is about."""
    fields: dict[str, str] = {}
    for issue in exc.issues:
        target = form_field(issue.field)
        detail = issue.reason
        if "[" in issue.field:
            index = int(issue.field.split("[")[1].split("]")[0])
            detail = f"line {index + 1}: {issue.reason}"
        fields[target] = f"{fields[target]}; {detail}" if target in fields else detail
    return FormProblem(exc.status, exc.detail, fields)


def cells_from_form(form: Mapping[str, Any]) -> dict[str, str]:
    """Textareas (one entry per line) as CSV cells (entries joined by ``;``)."""
    cells = {}
    for name in SYSTEM_FORM_FIELDS:
        value = form.get(name, "")
        if name == "affected" and isinstance(value, list):
            value = ";".join(value)
        value = str(value or "")
        if name in LINE_FIELDS:
            value = ";".join(line.strip() for line in value.splitlines() if line.strip())
        cells[name] = value
    return cells


def record_from_form(cells: Mapping[str, str]) -> dict[str, Any]:
    """The record's plain values, or InvalidInput for lines not in the cell syntax."""
    doc, issues = system_from_cells(cells)
    if issues:
        found = [FieldIssue(f, r) for f, r in issues]
        try:  # report the other fields' problems too, not only the lines' syntax
            check_system(doc)
        except InvalidInput as exc:
            found += exc.issues
        raise InvalidInput(f"{found[0].field}: {found[0].reason}", issues=found)
    return doc


def form_from_record(doc: Mapping[str, Any]) -> dict[str, str]:
    """What the edit form shows: the record's cells, lists one entry per line."""
    cells = system_to_cells(doc)
    return {k: v.replace(";", "\n") if k in LINE_FIELDS else v for k, v in cells.items()}
