"""The system record's rules: every bad field named at once, derived flags, fields_set."""

from __future__ import annotations

from typing import Any

import pytest

from aitower.core.errors import InvalidInput
from aitower.inventory.domain import check_system, spec_document
from aitower.inventory.lifecycle import Stage
from aitower.inventory.vocabulary import Classification, Hosting

MINIMAL = {"name": "Support bot", "kind": "llm_app", "unit": "finance"}


def refused(raw: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        check_system(raw)
    return {i.field: i.reason for i in caught.value.issues}


def test_a_minimal_record_gets_defaults() -> None:
    spec = check_system(MINIMAL)
    assert spec.stage is None
    assert spec.classification is Classification.public
    assert spec.fields_set == frozenset()


def test_every_bad_field_is_named_at_once() -> None:
    issues = refused(
        {
            "name": " ",
            "kind": "robot",
            "unit": "finance",
            "models": [{"provider": "", "name": "gpt-4o", "hosting": "moon"}],
            "links": {"docs": "ftp://x"},
            "tags": ["Has Space"],
            "affected": ["martians"],
        }
    )
    assert set(issues) == {
        "name",
        "kind",
        "models[0].provider",
        "models[0].hosting",
        "links.docs",
        "tags[0]",
        "affected[0]",
    }
    assert "llm_app" in issues["kind"]


def test_data_sources_set_classification_and_personal_flags() -> None:
    spec = check_system(
        {
            **MINIMAL,
            "data_sources": [
                {"name": "tickets", "classification": "internal"},
                {"name": "health", "classification": "restricted", "special_category": True},
            ],
        }
    )
    assert spec.classification is Classification.restricted
    assert spec.personal_data and spec.special_category_data
    assert spec.data_sources[1].personal_data  # special category is personal data


def test_duplicates_in_lists_are_refused() -> None:
    issues = refused(
        {
            **MINIMAL,
            "services": ["bot", "bot"],
            "environments": [{"name": "prod"}, {"name": "PROD"}],
        }
    )
    assert set(issues) == {"services[1]", "environments[1]"}


def test_tags_are_lowered_and_sorted_and_fields_set_names_what_is_there() -> None:
    spec = check_system(
        {
            **MINIMAL,
            "purpose": "Answers",
            "tags": ["Support", "chat"],
            "models": [{"provider": "openai", "name": "gpt-4o"}],
            "services": ["support-bot"],
            "links": {"docs": "https://docs.example.com"},
            "stage": "monitoring",
        }
    )
    assert spec.tags == ("chat", "support")
    assert spec.stage is Stage.monitoring
    assert spec.models[0].hosting is Hosting.third_party
    assert spec.fields_set == {"purpose", "tags", "models", "telemetry_services", "links.docs"}


def test_spec_document_round_trips() -> None:
    spec = check_system(
        {
            **MINIMAL,
            "accountable_owner": "Olivia.Chen",
            "data_sources": [
                {"name": "crm", "classification": "confidential", "personal_data": True}
            ],
            "environments": [{"name": "prod", "endpoint": "https://bot.example.com"}],
            "affected": ["customers", "employees"],
        }
    )
    assert spec.accountable_owner == "olivia.chen"
    assert check_system(spec_document(spec)) == spec
