"""Peer: the same policies as rule-engine expressions, evaluated over the same portfolio.

    python peers/rule_engine_policies.py FACTS.json POLICIES.json

Runs in bench/.peer-venv. ``rule-engine`` is what a Python team would reach for to write
"policies as code" without a policy product. Each policy document (aitower's format) is
translated once into compiled rules — its selector, and one rule per requirement — and each
system's facts (a plain dict) are matched against them, as aitower's compliance view does:
policies apply when they gate ``continuous``, ``intake`` or a stage the system has reached, and
approval requirements are not re-asked. Prints one JSON line: time and the number of failing
requirements, which the benchmark checks against aitower's count.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import rule_engine

STAGES = ["planning", "development", "deployment", "monitoring", "optimization", "retirement"]
LEVELS = {"public": 0, "internal": 1, "confidential": 2, "restricted": 3}
RATINGS = {"low": 0, "medium": 1, "high": 2, "critical": 3}


def _any_of(symbol: str, values: list[str]) -> str:
    return "(" + " or ".join(f"{json.dumps(v)} in {symbol}" for v in values) + ")"


def _vendor_clause(spec: dict[str, Any]) -> str:
    conds = ["true"]
    if "types" in spec:
        conds.append(f"v['type'] in {json.dumps(spec['types'])}")
    if "trains_on_customer_data" in spec:
        # a vendor that has not said (null) is taken to train, as aitower does
        trains = "v['trains'] != false"
        conds.append(trains if spec["trains_on_customer_data"] else f"not ({trains})")
    if "risk_rating_at_least" in spec:
        conds.append(f"v['rating'] >= {RATINGS[spec['risk_rating_at_least']]}")
    return f"not [v for v in vendors if {' and '.join(conds)}].is_empty"


def selector_rule(applies_to: dict[str, Any]) -> str:
    parts = ["true"]
    for key, symbol in (
        ("tiers", "tier"),
        ("kinds", "kind"),
        ("units", "unit"),
        ("stages", "stage"),
    ):
        if key in applies_to:
            parts.append(f"{symbol} in {json.dumps(applies_to[key])}")
    if "tags" in applies_to:
        parts.append(_any_of("tags", applies_to["tags"]))
    if "data_classification_at_least" in applies_to:
        parts.append(f"level >= {LEVELS[applies_to['data_classification_at_least']]}")
    for flag in ("personal_data", "special_category_data"):
        if flag in applies_to:
            parts.append(f"{flag} == {json.dumps(applies_to[flag])}")
    if "vendors" in applies_to:
        parts.append(_vendor_clause(applies_to["vendors"]))
    return " and ".join(parts)


def requirement_rule(req: dict[str, Any]) -> str | None:
    if "approval" in req:
        return None
    if "field" in req:
        return f"{json.dumps(req['field'])} in fields_set"
    if "document" in req:
        return f"{json.dumps(req['document'])} in documents"
    if "questionnaire" in req:
        return "questionnaire_done"
    if "risk" in req:
        return f"max_open_risk <= {req['risk']['max_open_score']}"
    if "tier_not" in req:
        return f"not tier in {json.dumps(req['tier_not'])}"
    fact = req["vendor"]
    if isinstance(fact, dict):
        return (
            f"[v for v in vendors if v['rating'] > {RATINGS[fact['risk_rating_at_most']]}].is_empty"
        )
    condition = {
        "dpa_signed": "not v['dpa']",
        "attestation_valid": "not v['attested']",
        "no_training_on_customer_data": "v['trains'] != false",
    }[fact]
    return f"[v for v in vendors if {condition}].is_empty"


def _applies_at(gates: list[str], stage: str) -> bool:
    reached = STAGES[: STAGES.index(stage) + 1] if stage in STAGES else STAGES
    return any(g in ("continuous", "intake") or g in reached for g in gates)


def main(facts_path: str, policies_path: str) -> None:
    portfolio = json.loads(Path(facts_path).read_text())
    documents = json.loads(Path(policies_path).read_text())
    context = rule_engine.Context(default_value=None)
    started = time.perf_counter()
    compiled = []
    for doc in documents:
        rules = [requirement_rule(r) for r in doc["requirements"]]
        compiled.append(
            (
                doc["gates"],
                rule_engine.Rule(selector_rule(doc.get("applies_to") or {}), context=context),
                [rule_engine.Rule(r, context=context) for r in rules if r is not None],
            )
        )
    failing = 0
    for system in portfolio:
        for gates, selector, requirements in compiled:
            if not _applies_at(gates, system["stage"]) or not selector.matches(system):
                continue
            failing += sum(not rule.matches(system) for rule in requirements)
    elapsed = time.perf_counter() - started
    print(json.dumps({"evaluate_s": elapsed, "failing": failing, "systems": len(portfolio)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
