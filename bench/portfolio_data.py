"""A synthetic but plausible AI portfolio: units, owners, vendors and N systems, deterministic.

Shared by the inventory/governance benchmark and its peers (written out as JSON), so both sides
load exactly the same records.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from typing import Any

UNITS = ("Customer Support", "Marketing", "Finance", "Risk", "Operations", "IT", "HR", "Legal")
KINDS = ("llm_app", "ml_model", "agent", "third_party_tool", "copilot")
STAGES = ("planning", "development", "deployment", "monitoring", "optimization", "retirement")
TIERS = ("high", "limited", "minimal", "minimal", "limited", None)
TAGS = ("customer-facing", "internal", "genai", "pii", "pilot", "critical", "eu", "us", "batch")
WORDS = (
    "support",
    "triage",
    "fraud",
    "credit",
    "churn",
    "forecast",
    "summarise",
    "search",
    "assistant",
    "review",
    "contract",
    "invoice",
    "claims",
    "routing",
    "anomaly",
    "pricing",
    "recommend",
    "translate",
    "classify",
    "extract",
    "ticket",
)
VENDOR_TYPES = ("model_provider", "ai_platform", "saas_tool", "consultancy")
CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")


@dataclass(frozen=True)
class Portfolio:
    owners: list[tuple[str, str]]  # (username, unit)
    vendors: list[dict[str, Any]]
    systems: list[dict[str, Any]]


def make_portfolio(count: int, seed: int = 7) -> Portfolio:
    rng = random.Random(seed)
    owners = [(f"owner{i:03d}", UNITS[i % len(UNITS)]) for i in range(80)]
    vendors = [
        {
            "name": f"Vendor {i:02d}",
            "vendor_type": rng.choice(
                ("model_provider", "ai_platform", "saas_tool", "consultancy")
            ),
            "dpa_signed": rng.random() < 0.8,
            "soc2_until": rng.choice(("2027-06-30", "2026-01-31", "")),
            "trains_on_customer_data": rng.choice(("false", "false", "true", "")),
            "data_residency": rng.choice(("EU", "US", "")),
        }
        for i in range(25)
    ]
    systems = []
    for i in range(count):
        unit_owners = [o for o in owners if o[1] == UNITS[i % len(UNITS)]]
        words = rng.sample(WORDS, 2)
        sources = [
            {
                "name": f"source-{j}",
                "classification": rng.choice(CLASSIFICATIONS),
                "personal": rng.random() < 0.3,
            }
            for j in range(rng.randint(0, 2))
        ]
        systems.append(
            {
                "name": f"{words[0].title()} {words[1]} {i:05d}",
                "purpose": f"{words[0]} and {words[1]} for the {UNITS[i % len(UNITS)]} team",
                "kind": rng.choice(KINDS),
                "unit": UNITS[i % len(UNITS)],
                "stage": rng.choice(STAGES),
                "tier": rng.choice(TIERS),
                "owner": rng.choice(unit_owners)[0],
                "technical_owner": rng.choice(unit_owners)[0] if rng.random() < 0.8 else "",
                "vendors": sorted({v["name"] for v in rng.sample(vendors, rng.randint(0, 2))}),
                "tags": sorted(set(rng.sample(TAGS, rng.randint(0, 3)))),
                "data_sources": sources,
            }
        )
    return Portfolio(owners, vendors, systems)


def systems_csv(systems: list[dict[str, Any]]) -> str:
    """The systems in aitower's import CSV (docs/inventory.md)."""
    out = io.StringIO()
    columns = ["name", "purpose", "kind", "unit", "stage", "accountable_owner", "technical_owner"]
    columns += ["vendors", "tags", "data_sources"]
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for s in systems:
        writer.writerow(
            {
                "name": s["name"],
                "purpose": s["purpose"],
                "kind": s["kind"],
                "unit": s["unit"],
                "stage": s["stage"],
                "accountable_owner": s["owner"],
                "technical_owner": s["technical_owner"],
                "vendors": ";".join(s["vendors"]),
                "tags": ";".join(s["tags"]),
                "data_sources": ";".join(
                    f"{d['name']}:{d['classification']}{':personal' if d['personal'] else ''}"
                    for d in s["data_sources"]
                ),
            }
        )
    return out.getvalue()


def vendors_csv(vendors: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(vendors[0]))
    writer.writeheader()
    writer.writerows(vendors)
    return out.getvalue()


def filter_queries(rng_seed: int = 11, count: int = 60) -> list[dict[str, str]]:
    """Filtered list requests a user makes: a unit and a stage, a kind and a tag, a search."""
    rng = random.Random(rng_seed)
    shapes = (
        lambda: {"unit": rng.choice(UNITS), "stage": rng.choice(STAGES)},
        lambda: {"kind": rng.choice(KINDS), "tag": rng.choice(TAGS)},
        lambda: {"q": rng.choice(WORDS), "unit": rng.choice(UNITS)},
        lambda: {"q": rng.choice(WORDS)},
    )
    return [shapes[i % len(shapes)]() for i in range(count)]
