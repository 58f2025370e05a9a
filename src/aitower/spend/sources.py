"""What spend imports: the kinds of file, their columns, and where the columns are documented.
Pure.

Cloud bills are read by the names their exporters give the columns (matched without regard to
case, so ``costInBillingCurrency`` of Azure's newer exports is ``CostInBillingCurrency``):

- AWS Cost and Usage Report, legacy CUR:
  https://docs.aws.amazon.com/cur/latest/userguide/data-dictionary.html
- AWS Data Exports, CUR 2.0:
  https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html
- Azure cost details export (actual or amortized):
  https://learn.microsoft.com/en-us/azure/cost-management-billing/automate/understand-usage-details-fields
- Google Cloud Billing export (standard usage cost):
  https://cloud.google.com/billing/docs/how-to/export-data-bigquery-tables/standard-usage

aitower's own templates (invoices, licence seats, training runs, people time) have the columns
listed in ``TEMPLATES``; the Imports page offers each as a CSV file with one example row.

**Currency.** The ledger keeps USD. A row billed in USD is taken as it is; a row in another
currency is refused unless the import is given that currency's rate (``EUR=1.08``: one euro is
1.08 USD), which then converts every such row. Each record keeps what was billed, and in which
currency, next to the USD amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SpendSource(StrEnum):
    """Where a ledger record's cost came from (``SpendRecordRow.source``)."""

    cloud = "cloud"
    invoice = "invoice"
    licence = "licence"
    training = "training"
    people = "people"
    expense = "expense"


class ImportKind(StrEnum):
    aws_cur = "aws_cur"
    aws_cur2 = "aws_cur2"
    azure = "azure"
    gcp = "gcp"
    invoice = "invoice"
    licence = "licence"
    training = "training"
    people = "people"
    expense = "expense"  # card and expense exports, recorded by discovery's expense scans

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def uploadable(self) -> bool:
        """Read by spend's own import (expense exports are matched to AI services first)."""
        return self is not ImportKind.expense

    @property
    def is_cloud(self) -> bool:
        return self in CLOUD_FORMATS


KIND_LABELS = {
    ImportKind.aws_cur: "AWS Cost and Usage Report (legacy CUR)",
    ImportKind.aws_cur2: "AWS Data Exports (CUR 2.0)",
    ImportKind.azure: "Azure cost export",
    ImportKind.gcp: "Google Cloud billing export",
    ImportKind.invoice: "Vendor invoices",
    ImportKind.licence: "Licence seats",
    ImportKind.training: "Training runs",
    ImportKind.people: "People time",
    ImportKind.expense: "Card and expense export (discovery)",
}

# ``matched_by`` of an expense record whose AI service was not sanctioned for its unit when it
# was recorded; the cost report shows such records under ``UNSANCTIONED_SPEND`` by source.
UNSANCTIONED = "unsanctioned"
UNSANCTIONED_SPEND = "unsanctioned_expense"
UNSANCTIONED_LABEL = "Unsanctioned spend (expenses)"


class TagStyle(StrEnum):
    columns = "columns"  # one column per tag: resourceTags/user:<key>
    json_map = "json_map"  # {"user_app": "helpdesk"} (CUR 2.0: keys prefixed user_)
    azure = "azure"  # {"app": "helpdesk"} or "app": "helpdesk","env": "prod" (braces left off)
    label_list = "label_list"  # [{"key": "app", "value": "helpdesk"}]


@dataclass(frozen=True, slots=True)
class CloudFormat:
    """The columns of one cloud bill; each tuple lists the accepted names, the first found wins.
    ``day``, ``cost`` and ``currency`` are required; the others may be missing (then empty)."""

    kind: ImportKind
    vendor: str
    day: tuple[str, ...]
    cost: tuple[str, ...]
    currency: tuple[str, ...]
    account: tuple[str, ...]
    service: tuple[str, ...]
    resource_group: tuple[str, ...]
    tags: tuple[str, ...]  # the JSON column, or the prefix of tag columns (TagStyle.columns)
    tag_style: TagStyle
    url: str


CLOUD_FORMATS: dict[ImportKind, CloudFormat] = {
    ImportKind.aws_cur: CloudFormat(
        ImportKind.aws_cur,
        "AWS",
        day=("lineItem/UsageStartDate",),
        cost=("lineItem/UnblendedCost",),
        currency=("lineItem/CurrencyCode",),
        account=("lineItem/UsageAccountId",),
        service=("product/ProductName", "lineItem/ProductCode"),
        resource_group=(),
        tags=("resourceTags/user:",),
        tag_style=TagStyle.columns,
        url="https://docs.aws.amazon.com/cur/latest/userguide/data-dictionary.html",
    ),
    ImportKind.aws_cur2: CloudFormat(
        ImportKind.aws_cur2,
        "AWS",
        day=("line_item_usage_start_date",),
        cost=("line_item_unblended_cost",),
        currency=("line_item_currency_code",),
        account=("line_item_usage_account_id",),
        service=("line_item_product_code", "product_servicecode"),
        resource_group=(),
        tags=("resource_tags",),
        tag_style=TagStyle.json_map,
        url="https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html",
    ),
    ImportKind.azure: CloudFormat(
        ImportKind.azure,
        "Azure",
        day=("Date", "UsageDate"),
        cost=("CostInBillingCurrency", "Cost"),
        currency=("BillingCurrency", "BillingCurrencyCode", "Currency"),
        account=("SubscriptionId", "SubscriptionGuid"),
        service=("MeterCategory", "ConsumedService"),
        resource_group=("ResourceGroup", "ResourceGroupName"),
        tags=("Tags",),
        tag_style=TagStyle.azure,
        url="https://learn.microsoft.com/en-us/azure/cost-management-billing/automate/"
        "understand-usage-details-fields",
    ),
    ImportKind.gcp: CloudFormat(
        ImportKind.gcp,
        "Google Cloud",
        day=("usage_start_time",),
        cost=("cost",),
        currency=("currency",),
        account=("project.id", "project_id"),
        service=("service.description", "service_description"),
        resource_group=(),
        tags=("labels",),
        tag_style=TagStyle.label_list,
        url="https://cloud.google.com/billing/docs/how-to/export-data-bigquery-tables/"
        "standard-usage",
    ),
}

SYSTEM_TAG = "aitower-system"  # a tag naming the system (id or exact name): no rule needed


def tag_key(key: str) -> str:
    """A tag key as rules compare it: lower case, ``_`` and ``:`` as ``-`` (CUR 2.0 writes
    ``aitower-system`` as ``user_aitower_system``; the ``user_`` prefix is taken off first)."""
    return key.strip().lower().replace("_", "-").replace(":", "-")


@dataclass(frozen=True, slots=True)
class TemplateColumn:
    name: str
    required: bool
    help: str
    example: str


_WHO = (
    TemplateColumn("system", False, "AI system it is for: id or exact name", "Coding copilot"),
    TemplateColumn("unit", False, "business unit (id or name) when no system is named", ""),
    TemplateColumn("currency", False, "ISO code; USD when empty", "USD"),
)
_PERIOD = (
    TemplateColumn("period_start", True, "first day (YYYY-MM-DD)", "2026-01-01"),
    TemplateColumn("period_end", True, "last day, included (YYYY-MM-DD)", "2026-01-31"),
)

TEMPLATES: dict[ImportKind, tuple[TemplateColumn, ...]] = {
    ImportKind.invoice: (
        TemplateColumn("vendor", True, "who invoiced", "Northwind Analytics"),
        TemplateColumn("invoice_number", False, "the invoice's number", "INV-1042"),
        *_PERIOD,
        TemplateColumn("amount", True, "amount invoiced", "1200.00"),
        TemplateColumn("service", False, "what was bought", "Model hosting"),
        TemplateColumn("description", False, "anything else", ""),
        *_WHO,
    ),
    ImportKind.licence: (
        TemplateColumn("vendor", True, "who sells the licence", "GitHub"),
        TemplateColumn("product", True, "the product licensed", "Copilot Business"),
        *_PERIOD,
        TemplateColumn("seats", True, "seats paid for", "300"),
        TemplateColumn("seats_in_use", False, "seats with an active user", "40"),
        TemplateColumn("price_per_seat", False, "per seat for the period", "19.00"),
        TemplateColumn("amount", False, "total for the period (else seats × price)", ""),
        *_WHO,
    ),
    ImportKind.training: (
        TemplateColumn("run", True, "the training or fine-tuning run", "fraud-xgb retrain"),
        TemplateColumn("vendor", False, "where it ran", "AWS"),
        *_PERIOD,
        TemplateColumn("amount", True, "its cost", "840.00"),
        TemplateColumn("gpu_hours", False, "GPU hours used", "120"),
        TemplateColumn("model", False, "the model trained", "fraud-xgb"),
        *_WHO,
    ),
    ImportKind.people: (
        TemplateColumn("role", True, "who: a role or a team", "ML engineer"),
        *_PERIOD,
        TemplateColumn("hours", True, "hours spent", "80"),
        TemplateColumn("hourly_rate", True, "loaded rate per hour", "95.00"),
        TemplateColumn("description", False, "what the time went to", "prompt tuning"),
        *_WHO,
    ),
}

TEMPLATE_SOURCE = {
    ImportKind.invoice: SpendSource.invoice,
    ImportKind.licence: SpendSource.licence,
    ImportKind.training: SpendSource.training,
    ImportKind.people: SpendSource.people,
}


def template_csv(kind: ImportKind) -> str:
    """The template of ``kind`` as CSV: the header and one example row."""
    columns = TEMPLATES[kind]
    return ",".join(c.name for c in columns) + "\n" + ",".join(c.example for c in columns) + "\n"


def parse_rates(text: str) -> dict[str, float]:
    """``EUR=1.08, GBP=1.27`` as {currency: USD per unit}; ValueError naming the bad part."""
    rates: dict[str, float] = {"USD": 1.0}
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        code, _, value = part.partition("=")
        code = code.strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise ValueError(f"{part.strip()!r} is not CODE=RATE (EUR=1.08)")
        try:
            rate = float(value)
        except ValueError:
            raise ValueError(f"{part.strip()!r} is not CODE=RATE (EUR=1.08)") from None
        if not rate > 0 or rate == float("inf"):
            raise ValueError(f"the rate of {code} must be a positive number")
        rates[code] = rate
    return rates
