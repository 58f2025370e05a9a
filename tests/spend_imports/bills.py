# ruff: noqa: E501
"""Small bills of each cloud format with hand-computed sums, as CSV bytes or Parquet."""

from __future__ import annotations

import csv
import io
import json

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from aitower.spend.import_read import ErrorLog, open_file
from aitower.spend.import_service import ReadFile, read_import
from aitower.spend.sources import ImportKind


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode()


def parquet_of(data: bytes) -> bytes:
    """The same table as Parquet, every column as text (as a CSV reader would give it)."""
    header = open_file(io.BytesIO(data), ErrorLog()).header
    table = pacsv.read_csv(
        io.BytesIO(data),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string())),
    )
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


CUR_HEADER = [
    "identity/LineItemId", "lineItem/UsageStartDate", "lineItem/UnblendedCost",
    "lineItem/UsageAccountId", "lineItem/ProductCode", "product/ProductName",
    "lineItem/CurrencyCode", "resourceTags/user:app", "resourceTags/user:aitower-system",
]  # fmt: skip
# Day 1, account 111, Bedrock, app=helpdesk: 1.50 + 2.25 = 3.75 (rows 2, 3)
# Day 1, account 111, Bedrock, app=sandbox: 0.125 (row 4)
# Day 2, account 222, EC2, aitower-system=<system>: 0.25 + 0.5 = 0.75 (rows 5, 6)
# Day 2, account 333, EC2, no tags: 10 (row 7)
CUR_ROWS = [
    ["a", "2026-01-01T00:00:00Z", "1.5", "111", "AmazonBedrock", "Amazon Bedrock", "USD", "helpdesk", ""],
    ["b", "2026-01-01T05:00:00Z", "2.25", "111", "AmazonBedrock", "Amazon Bedrock", "USD", "helpdesk", ""],
    ["c", "2026-01-01T06:00:00Z", "0.125", "111", "AmazonBedrock", "Amazon Bedrock", "USD", "sandbox", ""],
    ["d", "2026-01-02T00:00:00Z", "0.25", "222", "AmazonEC2", "Amazon EC2", "USD", "", "SYSTEM"],
    ["e", "2026-01-02T01:00:00Z", "0.5", "222", "AmazonEC2", "Amazon EC2", "USD", "", "SYSTEM"],
    ["f", "2026-01-02T02:00:00Z", "10", "333", "AmazonEC2", "Amazon EC2", "USD", "", ""],
]  # fmt: skip


def cur(system: str = "Helpdesk bot", rows: list[list[str]] | None = None) -> bytes:
    chosen = rows if rows is not None else CUR_ROWS
    return csv_bytes(CUR_HEADER, [[c.replace("SYSTEM", system) for c in r] for r in chosen])


CUR2_HEADER = [
    "line_item_usage_start_date", "line_item_unblended_cost", "line_item_usage_account_id",
    "line_item_product_code", "product_servicecode", "line_item_currency_code", "resource_tags",
]  # fmt: skip


def cur2() -> bytes:
    """Day 1: app=helpdesk 2 + 3 = 5 in EUR (rows 2, 3); day 2: 4 USD untagged (row 4)."""
    tags = json.dumps({"user_app": "helpdesk", "user_env": "prod"})
    return csv_bytes(
        CUR2_HEADER,
        [
            ["2026-02-01T00:00:00.000Z", "2", "111", "AmazonBedrock", "AmazonBedrock", "EUR", tags],
            ["2026-02-01T03:00:00.000Z", "3", "111", "AmazonBedrock", "AmazonBedrock", "EUR", tags],
            ["2026-02-02T00:00:00.000Z", "4", "111", "AmazonS3", "AmazonS3", "USD", "{}"],
        ],
    )


AZURE_HEADER = [
    "Date", "CostInBillingCurrency", "BillingCurrency", "SubscriptionId", "ResourceGroup",
    "MeterCategory", "ConsumedService", "Tags",
]  # fmt: skip


def azure() -> bytes:
    """03/01: rg-triage 1 + 2 = 3 (rows 2, 3); 03/02: tagged app=helpdesk 7 (row 4, no braces)."""
    return csv_bytes(
        AZURE_HEADER,
        [
            ["03/01/2026", "1", "USD", "sub-1", "rg-triage", "Cognitive Services", "Microsoft.CognitiveServices", ""],
            ["03/01/2026", "2", "USD", "sub-1", "rg-triage", "Cognitive Services", "Microsoft.CognitiveServices", ""],
            ["03/02/2026", "7", "USD", "sub-1", "rg-other", "Virtual Machines", "Microsoft.Compute", '"app": "helpdesk","env": "dev"'],
        ],
    )  # fmt: skip


GCP_HEADER = ["usage_start_time", "cost", "currency", "project.id", "service.description", "labels"]


def gcp() -> bytes:
    """Project p-ml: 0.5 + 1.5 = 2 on 04-01 (rows 2, 3); 04-02 labelled app=helpdesk: 6."""
    label = json.dumps([{"key": "app", "value": "helpdesk"}])
    return csv_bytes(
        GCP_HEADER,
        [
            ["2026-04-01 00:00:00 UTC", "0.5", "USD", "p-ml", "Vertex AI", "[]"],
            ["2026-04-01 10:00:00 UTC", "1.5", "USD", "p-ml", "Vertex AI", "[]"],
            ["2026-04-02 00:00:00 UTC", "6", "USD", "p-ml", "Vertex AI", label],
        ],
    )


def read(kind: ImportKind, data: bytes, name: str = "bill.csv", **rates: float) -> ReadFile:
    return read_import(kind, io.BytesIO(data), name, {"USD": 1.0, **rates})
