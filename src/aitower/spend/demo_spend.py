"""The demo's year of spend, written through the importers (so the demo proves them).

Up to the demo's today: twelve monthly AWS bills (Data Exports, CUR 2.0) and twelve Azure cost
exports, mapped to the demo's systems by tags, a resource group, an account and one
``aitower-system`` tag, with some lines no rule matches (a sandbox); a year of vendor
invoices; licences, among them the Coding copilot's 300 GitHub Copilot seats of which 40 are
in use; quarterly training runs; people time. Deterministic amounts (a seeded generator);
added once (an import named ``demo-…`` means the demo has its spend).
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.demo.organisation import DemoOrganisation
from aitower.inventory import service
from aitower.spend import import_service, mappings_service
from aitower.spend.sources import ImportKind
from aitower.spend.tables import SpendImportRow

SUPPORT, KNOWLEDGE = "Customer support chatbot", "Knowledge assistant"
MARKETING, FORECAST = "Marketing content generator", "Sales forecasting model"
FRAUD, CREDIT = "Fraud detection model", "Credit scoring model"
TRIAGE, COPILOT = "Healthcare triage assistant", "Coding copilot"
AWS_MAIN, AWS_ML = "123456789012", "210987654321"
AZURE_SUB = "7f3c2a10-5d4e-4b8a-9c1f-2e6d8b0a4c31"

MAPPINGS = (
    ("tag", "app", "support-bot", SUPPORT),
    ("tag", "app", "knowledge", KNOWLEDGE),
    ("resource_group", "", "rg-triage-prod", TRIAGE),
    ("account", "", AWS_ML, FRAUD),
)
# (product code, service code, tags, USD per day at the start of the year, growth over it)
AWS_LINES: tuple[tuple[str, str, dict[str, str], float, float], ...] = (
    ("AmazonBedrock", "AmazonBedrock", {"user_app": "support-bot"}, 38.0, 0.6),
    ("AmazonBedrock", "AmazonBedrock", {"user_app": "knowledge"}, 21.0, 0.3),
    ("AmazonBedrock", "AmazonBedrock", {"user_aitower_system": MARKETING}, 9.0, -0.2),
    ("AmazonSageMaker", "AmazonSageMaker", {}, 15.0, 0.1),
    ("AmazonEC2", "AmazonEC2", {"user_app": "sandbox-experiments"}, 6.0, 0.5),
)
# (meter category, consumed service, resource group, tags, USD per day, growth)
AZURE_LINES = (
    ("Cognitive Services", "Microsoft.CognitiveServices", "rg-triage-prod", "", 24.0, 0.4),
    ("Azure AI Search", "Microsoft.Search", "rg-knowledge", '"app": "knowledge"', 5.0, 0.0),
    ("Virtual Machines", "Microsoft.Compute", "rg-data-science-sandbox", "", 4.0, 0.2),
)


def _months(first: date, today: date) -> Iterator[tuple[date, date]]:
    """Each calendar month from ``first``'s to today's: (first day used, day after the last)."""
    start = first
    while start < today:
        following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        yield start, min(following, today)
        start = following


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day < end:
        yield day
        day += timedelta(days=1)


def _csv(header: list[str], rows: Sequence[Sequence[object]]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode())


def _scale(day: date, first: date, growth: float) -> float:
    return 1.0 + growth * (day - first).days / 365


def _aws(start: date, end: date, first: date, rng: random.Random) -> io.BytesIO:
    rows: list[list[object]] = []
    for day in _days(start, end):
        for product, code, tags, daily, growth in AWS_LINES:
            account = AWS_ML if product == "AmazonSageMaker" else AWS_MAIN
            amount = daily * _scale(day, first, growth) * rng.uniform(0.85, 1.15)
            for half in (0.55, 0.45):  # two line items a day: the import sums them
                rows.append(
                    [f"{day.isoformat()}T00:00:00Z", f"{amount * half:.6f}", account, product,
                     code, "USD", json.dumps(tags)]
                )  # fmt: skip
    header = [
        "line_item_usage_start_date", "line_item_unblended_cost", "line_item_usage_account_id",
        "line_item_product_code", "product_servicecode", "line_item_currency_code",
        "resource_tags",
    ]  # fmt: skip
    return _csv(header, rows)


def _azure(start: date, end: date, first: date, rng: random.Random) -> io.BytesIO:
    rows: list[list[object]] = []
    for day in _days(start, end):
        for meter, consumed, group, tags, daily, growth in AZURE_LINES:
            amount = daily * _scale(day, first, growth) * rng.uniform(0.8, 1.2)
            rows.append(
                [day.strftime("%m/%d/%Y"), f"{amount:.6f}", "USD", AZURE_SUB, group, meter,
                 consumed, tags]
            )  # fmt: skip
    header = [
        "Date", "CostInBillingCurrency", "BillingCurrency", "SubscriptionId", "ResourceGroup",
        "MeterCategory", "ConsumedService", "Tags",
    ]  # fmt: skip
    return _csv(header, rows)


def _templates(months: list[tuple[date, date]]) -> dict[ImportKind, io.BytesIO]:
    invoices, licences, training, people = [], [], [], []
    whole = [s for s, _ in months if s.day == 1]  # calendar months, billed in full
    for number, start in enumerate(whole, start=1):
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        last = (end - timedelta(days=1)).isoformat()
        first = start.isoformat()
        invoices += [
            ["Northwind Analytics", f"NW-{number:04d}", first, last, "1200", FORECAST],
            ["Zendesk", f"ZD-{number:04d}", first, last, "900", SUPPORT],
        ]
        licences += [
            ["GitHub", "Copilot Business", first, last, "300", "40", "19", COPILOT],
            ["OpenAI", "ChatGPT Enterprise", first, last, "25", "22", "60", KNOWLEDGE],
        ]
        people += [
            ["Prompt engineer", first, last, "40", "95", "prompt and guardrail tuning", SUPPORT],
            ["ML engineer", first, last, "30", "110", "model monitoring", FRAUD],
        ]
        if number % 3 == 0:
            training += [
                ["fraud-xgb retrain", "AWS", first, last, "840", "120", "fraud-xgb", FRAUD],
                ["credit-score-lr refit", "Azure", first, last, "300", "20", "credit-score-lr",
                 CREDIT],
            ]  # fmt: skip
    return {
        ImportKind.invoice: _csv(
            ["vendor", "invoice_number", "period_start", "period_end", "amount", "system"],
            [[v, n, s, e, a, sy] for v, n, s, e, a, sy in invoices],
        ),
        ImportKind.licence: _csv(
            [
                "vendor",
                "product",
                "period_start",
                "period_end",
                "seats",
                "seats_in_use",
                "price_per_seat",
                "system",
            ],
            licences,
        ),
        ImportKind.training: _csv(
            [
                "run",
                "vendor",
                "period_start",
                "period_end",
                "amount",
                "gpu_hours",
                "model",
                "system",
            ],
            training,
        ),
        ImportKind.people: _csv(
            ["role", "period_start", "period_end", "hours", "hourly_rate", "description", "system"],
            people,
        ),
    }


def _store(
    session: Session, ctx: ChangeContext, kind: ImportKind, name: str, data: io.BytesIO
) -> None:
    read = import_service.read_import(kind, data, name)
    import_service.store_import(session, ctx, read)


def add_demo_spend(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """A year of spend for the demo's systems (once)."""
    done = select(SpendImportRow.id).where(SpendImportRow.file_name.like("demo-%")).limit(1)
    if session.execute(done).scalar() is not None:
        return
    known = service.system_ids_by_name(session, [m[3] for m in MAPPINGS])
    for kind, key, value, system in MAPPINGS:
        if system in known:
            mappings_service.create_mapping(session, ctx, kind, key, value, system, "demo")
    today = utcnow().date()
    first = today - timedelta(days=365)
    rng = random.Random(17)  # noqa: S311 (demo amounts, not secrets)
    months = list(_months(first, today))
    for start, end in months:
        label = f"{start:%Y-%m}"
        _store(session, ctx, ImportKind.aws_cur2, f"demo-aws-cur2-{label}.csv",
               _aws(start, end, first, rng))  # fmt: skip
        _store(session, ctx, ImportKind.azure, f"demo-azure-{label}.csv",
               _azure(start, end, first, rng))  # fmt: skip
    for kind, data in _templates(months).items():
        _store(session, ctx, kind, f"demo-{kind.value}.csv", data)
    demo.note("spend imports", f"a year of spend: {len(months) * 2 + 4} files")
