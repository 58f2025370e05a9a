"""Parsing policy documents: each requirement type, canonical form, and errors naming their path."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import yaml

from aitower.core.errors import InvalidInput
from aitower.governance.policy import (
    default_pack,
    parse_policy,
    policy_from_document,
    policy_schema,
)

VALID = """
key: high-risk-oversight
name: High-risk systems need human oversight and an impact assessment
description: Why this policy exists.
applies_to:
  tiers: [high]
  kinds: [ml_model, llm_app]
  units: [Finance]
  tags: [customer-facing]
  stages: [development]
  data_classification_at_least: confidential
  personal_data: true
  special_category_data: true
  vendors: {types: [model_provider], trains_on_customer_data: true, risk_rating_at_least: high}
gates: [deployment]
requirements:
  - field: technical_owner
  - document: human_oversight_plan
    severity: warn
    message: attach the plan
  - questionnaire: done
  - approval: {role: governance, count: 2}
  - vendor: dpa_signed
  - vendor: {risk_rating_at_most: medium}
  - risk: {max_open_score: 12}
  - tier_not: [prohibited]
"""


def _refusal(source: str) -> tuple[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_policy(source)
    issue = caught.value.issues[0]
    return issue.field, issue.reason


def test_every_requirement_type_parses() -> None:
    policy, document = parse_policy(VALID)
    labels = [r.label for r in policy.requirements]
    assert labels == [
        "field: technical_owner",
        "document: human_oversight_plan",
        "questionnaire: done",
        "approval: governance x2",
        "vendor: dpa_signed",
        "vendor: risk_rating_at_most medium",
        "risk: max_open_score 12",
        "tier_not: prohibited",
    ]
    assert policy.requirements[1].severity == "warn"
    assert policy.requirements[1].message == "attach the plan"
    assert policy.requirements[0].severity == "block"
    assert policy.gates == frozenset({"deployment"})
    assert policy.applies_to.vendors is not None
    assert policy.applies_to.vendors.risk_rating_at_least == "high"
    assert document["requirements"][0] == {"field": "technical_owner", "severity": "block"}


def test_stored_document_round_trips() -> None:
    policy, document = parse_policy(VALID)
    again = policy_from_document(json.loads(json.dumps(document)))
    assert again == policy
    assert again.to_document() == document


def test_single_values_are_accepted_for_lists() -> None:
    policy, document = parse_policy(
        "key: ab\nname: N\ngates: deployment\napplies_to: {tiers: high}\n"
        "requirements: [{questionnaire: done}]\n"
    )
    assert document["gates"] == ["deployment"]
    assert policy.applies_to.tiers == frozenset({"high"})


@pytest.mark.parametrize(
    ("change", "path", "reason_part"),
    [
        ({"key": "Bad Key"}, "key", "slug"),
        ({"name": ""}, "name", "non-empty"),
        ({"gates": ["launch"]}, "gates[0]", "unknown gate 'launch'"),
        ({"gates": []}, "gates", "at least one"),
        ({"requirements": []}, "requirements", "at least one"),
        ({"colour": "red"}, "colour", "unknown key"),
        ({"applies_to": {"tiers": ["huge"]}}, "applies_to.tiers[0]", "unknown tier 'huge'"),
        ({"applies_to": {"kinds": ["robot"]}}, "applies_to.kinds[0]", "unknown kind"),
        ({"applies_to": {"personal_data": "yes"}}, "applies_to.personal_data", "true or false"),
        ({"applies_to": {"colour": 1}}, "applies_to.colour", "unknown key"),
        (
            {"applies_to": {"vendors": {"types": ["bank"]}}},
            "applies_to.vendors.types[0]",
            "unknown vendor type",
        ),
        (
            {"applies_to": {"data_classification_at_least": "secret"}},
            "applies_to.data_classification_at_least",
            "unknown data classification",
        ),
        ({"requirements": [{"field": "colour"}]}, "requirements[0].field", "unknown field"),
        (
            {"requirements": [{"questionnaire": "done"}, {"document": "x"}]},
            "requirements[1].document",
            "unknown document kind 'x'; expected one of impact_assessment",
        ),
        (
            {"requirements": [{"approval": {"role": "boss"}}]},
            "requirements[0].approval.role",
            "unknown role",
        ),
        (
            {"requirements": [{"approval": {"count": 1}}]},
            "requirements[0].approval.role",
            "required",
        ),
        (
            {"requirements": [{"approval": {"role": "security", "count": 0}}]},
            "requirements[0].approval.count",
            "whole number",
        ),
        ({"requirements": [{"vendor": "cheap"}]}, "requirements[0].vendor", "unknown vendor"),
        (
            {"requirements": [{"risk": {"max_open_score": 30}}]},
            "requirements[0].risk.max_open_score",
            "1 to 25",
        ),
        ({"requirements": [{"tier_not": ["nope"]}]}, "requirements[0].tier_not[0]", "tier"),
        (
            {"requirements": [{"questionnaire": "done", "severity": "fatal"}]},
            "requirements[0].severity",
            "unknown severity",
        ),
        (
            {"requirements": [{"field": "notes", "document": "other"}]},
            "requirements[0]",
            "exactly one",
        ),
        ({"requirements": [{"severity": "warn"}]}, "requirements[0]", "exactly one"),
    ],
)
def test_errors_name_their_path(change: dict[str, Any], path: str, reason_part: str) -> None:
    doc: dict[str, Any] = {
        "key": "ok-key",
        "name": "Name",
        "gates": ["deployment"],
        "requirements": [{"questionnaire": "done"}],
        **change,
    }
    field, reason = _refusal(yaml.safe_dump(doc))
    assert field == path
    assert reason_part in reason


def test_missing_required_keys_are_named() -> None:
    assert _refusal("name: x\n")[0] == "key"
    assert _refusal("key: ab\nname: x\nrequirements: [{questionnaire: done}]\n")[0] == "gates"


def test_yaml_syntax_errors_name_the_line() -> None:
    field, reason = _refusal("key: ab\nname: x\ngates: [deployment\nrequirements: []\n")
    assert field == "source"
    assert "line " in reason and "YAML" in reason


def test_a_document_that_is_not_a_mapping_is_refused() -> None:
    assert _refusal("- just\n- a list\n")[0] == "source"
    assert _refusal("")[0] == "source"


# --- JSON Schema agrees with the parser ------------------------------------------------------


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(policy_schema())


def test_default_pack_validates_against_schema_and_parser() -> None:
    schema = policy_schema()
    pack = default_pack()
    assert len(pack) >= 10
    keys = set()
    for source in pack.values():
        jsonschema.validate(yaml.safe_load(source), schema)
        policy, document = parse_policy(source)
        jsonschema.validate(document, schema)
        assert policy.description, f"{policy.key} says why it exists"
        keys.add(policy.key)
    assert len(keys) == len(pack)


def test_valid_example_validates_against_schema() -> None:
    jsonschema.validate(yaml.safe_load(VALID), policy_schema())


INVALID_DOCUMENTS: list[dict[str, Any]] = [
    {"key": "x", "name": "n", "gates": ["deployment"], "requirements": [{"questionnaire": "done"}]},
    {"key": "ok", "name": "n", "gates": ["moon"], "requirements": [{"questionnaire": "done"}]},
    {"key": "ok", "name": "n", "gates": ["deployment"], "requirements": [{"document": "memo"}]},
    {"key": "ok", "name": "n", "gates": ["deployment"], "requirements": []},
    {
        "key": "ok",
        "name": "n",
        "gates": ["deployment"],
        "requirements": [{"questionnaire": "done"}],
        "extra": 1,
    },
    {
        "key": "ok",
        "name": "n",
        "gates": ["deployment"],
        "requirements": [{"field": "notes", "document": "other"}],
    },
    {
        "key": "ok",
        "name": "n",
        "gates": ["deployment"],
        "requirements": [{"approval": {"role": "governance", "count": 0}}],
    },
    {
        "key": "ok",
        "name": "n",
        "gates": ["deployment"],
        "requirements": [{"vendor": {"risk_rating_at_most": "extreme"}}],
    },
    {
        "key": "ok",
        "name": "n",
        "gates": ["deployment"],
        "applies_to": {"tiers": []},
        "requirements": [{"questionnaire": "done"}],
    },
    {
        "key": "ok",
        "name": "n",
        "gates": ["deployment"],
        "applies_to": {"personal_data": "yes"},
        "requirements": [{"questionnaire": "done"}],
    },
]


@pytest.mark.parametrize("document", INVALID_DOCUMENTS)
def test_invalid_documents_are_refused_by_both(document: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, policy_schema())
    with pytest.raises(InvalidInput):
        parse_policy(yaml.safe_dump(document))
