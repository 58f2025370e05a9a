"""The demo's shadow AI, found the way a user finds it: through the scanners.

``add_demo_discovery`` (a demo contributor) first records what the organisation has already
decided — the model APIs its own systems call are sanctioned, so are GitHub Copilot and, for
IT only (it holds the ChatGPT Enterprise licence), ChatGPT — then writes a week of web-gateway
log, a folder of code (``demo_files``) and three months of card expenses (``demo_expenses``)
to a temporary folder and scans them with the same code ``aitower discover logs``, ``discover
code`` and ``discover expenses`` run, so the demo proves the scanners. One
finding gets an owner and a due date, as triage would leave it.

It also registers three units' contract summarisers, each built on its own vendor and billed
on its own invoices: the same initiative built three times, which duplicate detection finds.
Added once: a scan named ``demo-…`` means the demo has its discovery.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.roles import Role
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.demo.organisation import DemoOrganisation
from aitower.discovery import catalog_service, code_findings, log_findings, scans, triage
from aitower.discovery.codescan import scan_code
from aitower.discovery.codescan_mapping import map_to_systems
from aitower.discovery.demo_expenses import demo_expense_csv
from aitower.discovery.demo_files import CODE_FILES, gateway_log
from aitower.discovery.expenses import record_expense_file
from aitower.discovery.findings import FindingStatus
from aitower.discovery.logscan import scan_log
from aitower.discovery.sanction import SanctionStatus
from aitower.discovery.tables import DiscoveryFindingRow, DiscoveryScanRow
from aitower.inventory import service
from aitower.spend import import_service
from aitower.spend.sources import ImportKind

LOG_NAME, CODE_NAME = "demo-gateway-week.csv", "demo-code"
EXPENSES_NAME, EUR_RATE = "demo-card-expenses.csv", 1.08
SANCTIONED = ("aws-bedrock", "azure-openai", "google-vertex-ai", "anthropic-api",
              "openai-api", "github-copilot")  # fmt: skip
# (name, unit, vendor, model provider and name, purpose, monthly invoice in USD)
Summariser = tuple[str, str, str, str, str, str, int]
SUMMARISERS: tuple[Summariser, ...] = (
    ("Supplier contract summariser", "Operations", "OpenAI", "openai", "gpt-4o-mini",
     "Summarises supplier contracts into key terms, obligations and renewal dates for "
     "procurement.", 420),
    ("Agreement digest", "Finance", "Anthropic", "anthropic", "claude-haiku",
     "Condenses customer agreements into a one-page digest of payment terms, penalties and "
     "renewal dates.", 310),
    ("Contract review assistant", "Risk", "Microsoft Azure AI", "azure", "gpt-4o",
     "Summarises contracts for legal review: liability, termination and renewal clauses.", 560),
)  # fmt: skip


def _sanction(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    for service_id in SANCTIONED:
        catalog_service.set_sanction(session, ctx, service_id, SanctionStatus.sanctioned,
                                     reason="used by registered systems")  # fmt: skip
    it = demo.units["IT"].id
    catalog_service.set_sanction(session, ctx, "chatgpt", SanctionStatus.sanctioned, it,
                                 "ChatGPT Enterprise licence, IT only")  # fmt: skip


def _scan_log(session: Session, ctx: ChangeContext, folder: Path) -> None:
    path = folder / LOG_NAME
    path.write_text(gateway_log(utcnow()))
    found = scan_log(path, "zscaler-nss-web", catalog_service.all_patterns(session))
    units = log_findings.unit_names(session)
    given = log_findings.scan_input(found, LOG_NAME, log_findings.file_sha256(path), units, None)
    scans.record_scan(session, ctx, given)


def _scan_code(session: Session, ctx: ChangeContext, folder: Path) -> None:
    root = folder / CODE_NAME
    for name, text in CODE_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    found = scan_code(root)
    mappings = map_to_systems(found.integrations, code_findings.known_systems(session))
    given = code_findings.scan_input(found, mappings, CODE_NAME, None, utcnow())
    scans.record_scan(session, ctx, given)


def _scan_expenses(session: Session, ctx: ChangeContext, folder: Path) -> None:
    """Three months of card charges, AI subscriptions among them (one in euros)."""
    path = folder / EXPENSES_NAME
    path.write_text(demo_expense_csv(utcnow().date()))
    record_expense_file(session, ctx, path, EXPENSES_NAME, rates={"EUR": EUR_RATE})


def _assign_one(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """The riskiest new finding gets the security specialist and a due date in a week."""
    owner = demo.users.get(Role.security)
    riskiest = session.scalars(
        select(DiscoveryFindingRow)
        .where(DiscoveryFindingRow.status == FindingStatus.new.value)
        .order_by(DiscoveryFindingRow.risk_score.desc(), DiscoveryFindingRow.service_id)
        .limit(1)
    ).first()
    if owner is not None and riskiest is not None:
        due = utcnow().date() + timedelta(days=7)
        triage.assign(session, ctx, riskiest.id, owner.username, due)


def _summariser(
    spec: tuple[str, str, str, str, str, str, int], owner: str | None
) -> dict[str, Any]:
    name, unit, vendor, provider, model, purpose, _ = spec
    return {
        "name": name, "kind": "llm_app", "unit": unit, "stage": "development",
        "purpose": purpose, "accountable_owner": owner, "technical_owner": owner,
        "affected": ["employees"], "vendors": [vendor],
        "models": [{"provider": provider, "name": model}],
        "data_sources": [{"name": "contracts", "classification": "confidential"}],
        "tags": ["genai", "contracts"],
    }  # fmt: skip


def _last_months(today: date, count: int) -> list[tuple[date, date]]:
    """The last ``count`` whole calendar months before ``today``'s, oldest first (end
    exclusive)."""
    months, start = [], today.replace(day=1)
    for _ in range(count):
        end, start = start, (start - timedelta(days=1)).replace(day=1)
        months.append((start, end))
    return months[::-1]


def _add_summarisers(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    manager = demo.users.get(Role.ops_manager)
    owner = None if manager is None else manager.username
    known = service.system_ids_by_name(session, [s[0] for s in SUMMARISERS])
    for spec in SUMMARISERS:
        if spec[0] not in known:
            service.create_system(session, ctx, _summariser(spec, owner))
            demo.note("AI systems", spec[0])
    rows: list[list[str]] = []
    for start, end in _last_months(utcnow().date(), 3):
        for name, _, vendor, _, _, _, amount in SUMMARISERS:
            number = f"{vendor[:3].upper()}-{start:%Y%m}-{len(rows) + 1:03d}"
            last = (end - timedelta(days=1)).isoformat()
            rows.append([vendor, number, start.isoformat(), last, str(amount), name])
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["vendor", "invoice_number", "period_start", "period_end", "amount", "system"])
    writer.writerows(rows)
    data = io.BytesIO(text.getvalue().encode())
    read = import_service.read_import(ImportKind.invoice, data, "demo-contract-summarisers.csv")
    import_service.store_import(session, ctx, read)


def add_demo_discovery(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """Sanctions, a week of gateway log and a code folder scanned, and three units' contract
    summarisers (once)."""
    done = select(DiscoveryScanRow.id).where(DiscoveryScanRow.file_name.like("demo-%")).limit(1)
    if session.execute(done).scalar() is not None:
        return
    _sanction(session, ctx, demo)
    with tempfile.TemporaryDirectory(prefix="aitower-demo-") as temporary:
        folder = Path(temporary)
        _scan_log(session, ctx, folder)
        _scan_code(session, ctx, folder)
        _scan_expenses(session, ctx, folder)
    _assign_one(session, ctx, demo)
    _add_summarisers(session, ctx, demo)
    demo.note("discovery scans", "a week of gateway log, a code folder, card expenses")
