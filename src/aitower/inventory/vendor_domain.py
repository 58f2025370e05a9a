"""The vendor record, checked in one place for the API, forms, CLI and bulk import (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from aitower.core.errors import InvalidInput
from aitower.inventory.domain import _Issues, flag, text, url, username, word
from aitower.inventory.vocabulary import VendorType

VENDOR_FIELDS = (
    "name",
    "vendor_type",
    "website",
    "contract_start",
    "contract_end",
    "renewal_date",
    "annual_value",
    "contract_owner",
    "soc2_until",
    "iso27001_until",
    "dpa_signed",
    "data_residency",
    "retention_days",
    "trains_on_customer_data",
    "notes",
)


@dataclass(frozen=True, slots=True)
class VendorSpec:
    name: str
    vendor_type: VendorType
    website: str = ""
    contract_start: date | None = None
    contract_end: date | None = None
    renewal_date: date | None = None
    annual_value: float | None = None
    contract_owner: str | None = None  # username, resolved by the service
    soc2_until: date | None = None
    iso27001_until: date | None = None
    dpa_signed: bool = False
    data_residency: str = ""
    retention_days: int | None = None
    trains_on_customer_data: bool | None = None  # None: unknown
    notes: str = ""


def _date(value: Any, field: str, issues: _Issues) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        issues.add(field, "must be a date (YYYY-MM-DD)")
        return None


def _number(value: Any, field: str, issues: _Issues, *, whole: bool) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(str(value).strip()) if not isinstance(value, int | float) else float(value)
    except ValueError:
        issues.add(field, "must be a number")
        return None
    if isinstance(value, bool) or number < 0 or number != number or number > 1e12:
        issues.add(field, "must be a number from 0")
        return None
    if whole and not number.is_integer():
        issues.add(field, "must be a whole number")
        return None
    return number


def tristate(value: Any, field: str, issues: _Issues) -> bool | None:
    """true, false, or unknown (empty, null or the word)."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "unknown")):
        return None
    return flag(value, field, issues)


def check_vendor(raw: Mapping[str, Any]) -> VendorSpec:
    """The vendor from plain values, or ``InvalidInput`` listing every bad field."""
    issues = _Issues()
    unknown = set(raw) - set(VENDOR_FIELDS)
    for key in sorted(map(str, unknown)):
        issues.add(key, "is not a vendor field")
    days = _number(raw.get("retention_days"), "retention_days", issues, whole=True)
    spec = VendorSpec(
        name=text(raw.get("name"), "name", issues, limit=200, required=True),
        vendor_type=word(raw.get("vendor_type"), "vendor_type", issues, VendorType)
        or VendorType.saas_tool,
        website=url(raw.get("website"), "website", issues),
        contract_start=_date(raw.get("contract_start"), "contract_start", issues),
        contract_end=_date(raw.get("contract_end"), "contract_end", issues),
        renewal_date=_date(raw.get("renewal_date"), "renewal_date", issues),
        annual_value=_number(raw.get("annual_value"), "annual_value", issues, whole=False),
        contract_owner=username(raw.get("contract_owner"), "contract_owner", issues),
        soc2_until=_date(raw.get("soc2_until"), "soc2_until", issues),
        iso27001_until=_date(raw.get("iso27001_until"), "iso27001_until", issues),
        dpa_signed=flag(raw.get("dpa_signed"), "dpa_signed", issues),
        data_residency=text(raw.get("data_residency"), "data_residency", issues, limit=64),
        retention_days=None if days is None else int(days),
        trains_on_customer_data=tristate(
            raw.get("trains_on_customer_data"), "trains_on_customer_data", issues
        ),
        notes=text(raw.get("notes"), "notes", issues, limit=10_000),
    )
    if (
        spec.contract_start is not None
        and spec.contract_end is not None
        and spec.contract_end < spec.contract_start
    ):
        issues.add("contract_end", "is before the contract start")
    if issues.items:
        first = issues.items[0]
        raise InvalidInput(f"{first.field}: {first.reason}", issues=issues.items)
    return spec


def vendor_document(spec: VendorSpec) -> dict[str, Any]:
    """Plain values ``check_vendor`` accepts again (export, PATCH merge)."""
    doc: dict[str, Any] = {}
    for name in VENDOR_FIELDS:
        value = getattr(spec, name)
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, VendorType):
            value = value.value
        doc[name] = value
    return doc
