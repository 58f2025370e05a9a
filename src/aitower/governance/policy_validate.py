"""Checks a loaded policy document value by value and returns its canonical form.

Hand-written rather than delegated to ``jsonschema`` so each refusal names the path of the
offending value and says, in plain words, what was expected (``requirements[2].document:
unknown document kind 'x'; expected one of ...``). ``policy_schema.json`` states the same rules
for editors and other tools; a test keeps the two in agreement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aitower.core.errors import InvalidInput
from aitower.governance.policy_terms import (
    APPROVER_ROLES,
    CLASSIFICATIONS,
    DOCUMENT_KINDS,
    FIELD_NAMES,
    GATES,
    JUDGED_KINDS,
    KEY_PATTERN,
    KINDS,
    MAX_AGE_LIMIT_DAYS,
    REQUIREMENT_TYPES,
    SEVERITIES,
    STAGES,
    TIERS,
    VENDOR_CHECKS,
    VENDOR_RATINGS,
    VENDOR_TYPES,
)

TOP_KEYS = ("key", "name", "description", "applies_to", "gates", "requirements")
SELECTOR_LISTS: dict[str, tuple[str, ...] | None] = {
    "tiers": TIERS,
    "kinds": KINDS,
    "units": None,
    "tags": None,
    "stages": STAGES,
}
SELECTOR_FLAGS = ("personal_data", "special_category_data")
JUDGED_OPTIONS = ("max_age_days", "at_least")
MAX_TEXT = 2000


def _refuse(path: str, reason: str) -> InvalidInput:
    return InvalidInput.on(path, reason)


def _choice(value: Any, choices: Sequence[str], path: str, what: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise _refuse(path, f"unknown {what} {value!r}; expected one of {', '.join(choices)}")
    return value


def _mapping(value: Any, path: str, allowed: Sequence[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _refuse(path or "source", "expected a mapping of keys to values")
    for key in value:
        if key not in allowed:
            raise _refuse(
                f"{path}.{key}" if path else str(key),
                f"unknown key; expected one of {', '.join(allowed)}",
            )
    return value


def _text(value: Any, path: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _refuse(path, "expected non-empty text")
    if len(value) > limit:
        raise _refuse(path, f"at most {limit} characters")
    return value.strip()


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _refuse(path, "expected true or false")
    return value


def _list(value: Any, path: str, choices: Sequence[str] | None, what: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise _refuse(path, "expected at least one value")
    result: list[str] = []
    for index, item in enumerate(items):
        item_path = f"{path}[{index}]" if isinstance(value, list) else path
        if choices is not None:
            result.append(_choice(item, choices, item_path, what))
        else:
            result.append(_text(item, item_path, limit=200))
    return sorted(set(result))


def _vendor_selector(value: Any, path: str) -> dict[str, Any]:
    doc = _mapping(value, path, ("types", "trains_on_customer_data", "risk_rating_at_least"))
    out: dict[str, Any] = {}
    if "types" in doc:
        out["types"] = _list(doc["types"], f"{path}.types", VENDOR_TYPES, "vendor type")
    if "trains_on_customer_data" in doc:
        flag = doc["trains_on_customer_data"]
        out["trains_on_customer_data"] = _bool(flag, f"{path}.trains_on_customer_data")
    if "risk_rating_at_least" in doc:
        rating = doc["risk_rating_at_least"]
        out["risk_rating_at_least"] = _choice(
            rating, VENDOR_RATINGS, f"{path}.risk_rating_at_least", "vendor risk rating"
        )
    return out


def _selector(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    allowed = (*SELECTOR_LISTS, "data_classification_at_least", *SELECTOR_FLAGS, "vendors")
    doc = _mapping(value, "applies_to", allowed)
    out: dict[str, Any] = {}
    for name, choices in SELECTOR_LISTS.items():
        if name in doc:
            out[name] = _list(doc[name], f"applies_to.{name}", choices, name.rstrip("s"))
    if "data_classification_at_least" in doc:
        out["data_classification_at_least"] = _choice(
            doc["data_classification_at_least"],
            CLASSIFICATIONS,
            "applies_to.data_classification_at_least",
            "data classification",
        )
    for flag in SELECTOR_FLAGS:
        if flag in doc:
            out[flag] = _bool(doc[flag], f"applies_to.{flag}")
    if "vendors" in doc:
        out["vendors"] = _vendor_selector(doc["vendors"], "applies_to.vendors")
    return out


def _count(value: Any, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _refuse(path, f"expected a whole number from {low} to {high}")
    return value


def _approval(value: Any, path: str) -> dict[str, Any]:
    doc = _mapping(value, path, ("role", "count"))
    if "role" not in doc:
        raise _refuse(f"{path}.role", "required")
    role = _choice(doc["role"], APPROVER_ROLES, f"{path}.role", "role")
    return {"role": role, "count": _count(doc.get("count", 1), f"{path}.count", 1, 10)}


def _vendor_requirement(value: Any, path: str) -> str | dict[str, Any]:
    if isinstance(value, str):
        return _choice(value, VENDOR_CHECKS, path, "vendor check")
    if isinstance(value, dict):
        doc = _mapping(value, path, ("risk_rating_at_most",))
        if "risk_rating_at_most" not in doc:
            raise _refuse(f"{path}.risk_rating_at_most", "required")
        rating = doc["risk_rating_at_most"]
        at_most = _choice(rating, VENDOR_RATINGS, f"{path}.risk_rating_at_most", "rating")
        return {"risk_rating_at_most": at_most}
    raise _refuse(path, f"expected one of {', '.join(VENDOR_CHECKS)} or {{risk_rating_at_most}}")


def _requirement_value(kind: str, value: Any, path: str) -> Any:
    if kind == "field":
        return _choice(value, FIELD_NAMES, path, "field")
    if kind == "document":
        return _choice(value, DOCUMENT_KINDS, path, "document kind")
    if kind == "questionnaire":
        return _choice(value, ("done",), path, "questionnaire state")
    if kind == "approval":
        return _approval(value, path)
    if kind == "vendor":
        return _vendor_requirement(value, path)
    if kind == "risk":
        doc = _mapping(value, path, ("max_open_score",))
        if "max_open_score" not in doc:
            raise _refuse(f"{path}.max_open_score", "required")
        return {"max_open_score": _count(doc["max_open_score"], f"{path}.max_open_score", 1, 25)}
    return _list(value, path, TIERS, "tier")


def _judged_options(doc: Mapping[str, Any], out: dict[str, Any], path: str) -> None:
    """``max_age_days`` and ``at_least``: only for the kinds a live result proves."""
    options = [name for name in JUDGED_OPTIONS if name in doc]
    if not options:
        return
    if "document" not in doc or out["document"] not in JUDGED_KINDS:
        raise _refuse(
            f"{path}.{options[0]}",
            f"only for a document of a judged kind ({', '.join(JUDGED_KINDS)})",
        )
    if "max_age_days" in doc:
        limit = MAX_AGE_LIMIT_DAYS
        out["max_age_days"] = _count(doc["max_age_days"], f"{path}.max_age_days", 1, limit)
    if "at_least" in doc:
        value = doc["at_least"]
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise _refuse(f"{path}.at_least", "expected a number")
        out["at_least"] = float(value)


def _requirement(value: Any, path: str) -> dict[str, Any]:
    doc = _mapping(value, path, (*REQUIREMENT_TYPES, "severity", "message", *JUDGED_OPTIONS))
    kinds = [k for k in REQUIREMENT_TYPES if k in doc]
    if len(kinds) != 1:
        raise _refuse(path, f"expected exactly one of {', '.join(REQUIREMENT_TYPES)}")
    kind = kinds[0]
    out: dict[str, Any] = {kind: _requirement_value(kind, doc[kind], f"{path}.{kind}")}
    _judged_options(doc, out, path)
    out["severity"] = _choice(
        doc.get("severity", "block"), SEVERITIES, f"{path}.severity", "severity"
    )
    if doc.get("message") is not None:
        out["message"] = _text(doc["message"], f"{path}.message", limit=500)
    return out


def canonical_document(loaded: Any) -> dict[str, Any]:
    """The validated document with defaults filled and lists sorted, ready to store."""
    doc = _mapping(loaded, "", TOP_KEYS)
    for required in ("key", "name", "gates", "requirements"):
        if required not in doc:
            raise _refuse(required, "required")
    key = doc["key"]
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise _refuse("key", "expected a slug: lower-case letters, digits and '-', 2-63 long")
    requirements = doc["requirements"]
    if not isinstance(requirements, list) or not requirements:
        raise _refuse("requirements", "expected a list of at least one requirement")
    return {
        "key": key,
        "name": _text(doc["name"], "name", limit=200),
        "description": _text(doc.get("description"), "description", required=False),
        "applies_to": _selector(doc.get("applies_to")),
        "gates": _list(doc["gates"], "gates", GATES, "gate"),
        "requirements": [_requirement(r, f"requirements[{i}]") for i, r in enumerate(requirements)],
    }
