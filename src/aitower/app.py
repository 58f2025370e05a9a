"""The composition root: the ordered list of capabilities, and the app, schema and background
pass built from it.

Each capability declares what it brings once, in a ``Slice`` (``<capability>/slice.py``):
tables, permissions, routers, navigation, CLI, demo, Overview tiles, ``/metrics`` lines,
background jobs. Adding a capability is a new folder plus one line in ``CAPABILITIES``.
The order is the order of dependence (each after those it uses), which is the order their
demo contributors and background jobs run in; ``docs/architecture.md`` draws the layers and
``make lint`` (import-linter) keeps them.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI
from sqlalchemy import MetaData

from aitower.alerts.demo import replay_model_rules
from aitower.alerts.slice import SLICE as ALERTS
from aitower.auditing.slice import SLICE as AUDITING
from aitower.core.access import tables as access_tables
from aitower.core.audit import tables as audit_tables
from aitower.core.background import run_once
from aitower.core.db.base import Base
from aitower.core.db.engine import Database
from aitower.core.evidence import install as install_evidence_sources
from aitower.core.settings import Settings
from aitower.core.slice import Slice
from aitower.core.web.app import create_web_app
from aitower.cost.slice import SLICE as COST
from aitower.discovery.slice import SLICE as DISCOVERY
from aitower.documents.slice import SLICE as DOCUMENTS
from aitower.governance.slice import SLICE as GOVERNANCE
from aitower.guardrails.slice import SLICE as GUARDRAILS
from aitower.inventory.slice import SLICE as INVENTORY
from aitower.model_monitors.slice import model_monitors_slice
from aitower.portfolio.slice import SLICE as PORTFOLIO
from aitower.predictions.slice import SLICE as PREDICTIONS
from aitower.review.slice import SLICE as REVIEW
from aitower.risk.slice import SLICE as RISK
from aitower.spend.slice import SLICE as SPEND
from aitower.telemetry.slice import SLICE as TELEMETRY

CAPABILITIES: tuple[Slice, ...] = (
    INVENTORY,
    RISK,
    GOVERNANCE,
    COST,
    TELEMETRY,
    PREDICTIONS,
    # Spend adds imported bills to the LLM cost telemetry's rollups hold.
    SPEND,
    # The demo's model alert rules replay over the models' backfilled history.
    model_monitors_slice(replay=replay_model_rules),
    # The review queue reads telemetry's transcripts, scores and detector findings.
    REVIEW,
    # Findings of the telemetry's detectors; alert rules read their counts.
    GUARDRAILS,
    # Shadow AI: scans' findings, unregistered telemetry sources, registered through inventory.
    DISCOVERY,
    ALERTS,
    # Value, ROI and decisions read cost, quality and incidents; reports go out by e-mail.
    PORTFOLIO,
    # The auditor's journey replays the trail every capability above writes to.
    AUDITING,
    # Generated documents read every capability above (live metrics included).
    DOCUMENTS,
)


# Gates are judged from services, jobs and the CLI alike: the live-evidence sources are known
# process-wide once this module (the composition root) is imported.
install_evidence_sources(source for c in CAPABILITIES for source in c.evidence_sources)


def create_app(
    settings: Settings,
    *,
    database: Database | None = None,
    capabilities: Sequence[Slice] = CAPABILITIES,
) -> FastAPI:
    """The aitower web app (UI, REST API, OTLP, /metrics) of every capability."""
    return create_web_app(settings, capabilities, database=database)


# Importing a table module registers its tables on ``Base``: with these, ``metadata`` holds
# every table, which the migrations are checked against (``tests/core/db/test_migrations.py``).
TABLE_MODULES = (access_tables, audit_tables, *(m for c in CAPABILITIES for m in c.tables))
metadata: MetaData = Base.metadata


def run_background_pass(db: Database, owner: str) -> None:
    """One pass of every capability's background jobs (what the server runs on its interval)."""
    run_once(db, owner, [job for capability in CAPABILITIES for job in capability.jobs])
