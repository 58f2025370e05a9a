"""A card export for the demo: three months of AI subscriptions bought on corporate cards
across four units, with the travel, cloud and office charges around them that must not match.

``demo_expense_rows(today)`` dates every charge in the three calendar months ending with
``today``'s (none after ``today``), so the demo shows recent spend whenever it is loaded; the
rows have the columns of the ``csv`` layout (``expenses_read``) and one refund. Deterministic:
the same day gives the same file, whose SHA-256 the scan records.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from aitower.discovery.expenses_read import FIELDS

# (cardholder, department, merchant descriptor, amount, currency, day of the month)
MONTHLY = (
    ("maya.patel@example.com", "Marketing", "OPENAI *CHATGPT SUBSCR", "20.00", "USD", 3),
    ("leo.martin@example.com", "Marketing", "MIDJOURNEY INC", "30.00", "USD", 5),
    ("leo.martin@example.com", "Marketing", "CLAUDE.AI SUBSCRIPTION 4155550123", "18.00", "EUR", 8),
    ("sara.kim@example.com", "Customer Support", "OTTER.AI", "16.99", "USD", 11),
    ("sara.kim@example.com", "Customer Support", "OPENAI *CHATGPT SUBSCR", "20.00", "USD", 12),
    ("noah.berg@example.com", "IT", "CURSOR AI POWERED IDE", "40.00", "USD", 2),
    ("noah.berg@example.com", "IT", "GITHUB COPILOT 8774485600", "10.00", "USD", 4),
    ("ines.duarte@example.com", "Finance", "CLAUDE.AI SUBSCRIPTION 4155550123", "20.00", "USD", 15),
    ("ines.duarte@example.com", "Finance", "GRAMMARLY 8886136350", "12.00", "USD", 18),
)  # fmt: skip
# Not AI, or a vendor too broad to tell: left unmatched.
OTHER = (
    ("maya.patel@example.com", "Marketing", "GOOGLE *GSUITE_EXAMPLE", "72.00", "USD", 1),
    ("noah.berg@example.com", "IT", "MICROSOFT*AZURE", "212.40", "USD", 6),
    ("ines.duarte@example.com", "Finance", "DELTA AIR 0062345678", "412.20", "USD", 9),
    ("sara.kim@example.com", "Customer Support", "STARBUCKS STORE 04512", "14.35", "USD", 20),
)  # fmt: skip


def _month_starts(today: date, count: int = 3) -> list[date]:
    index = today.year * 12 + today.month - 1
    return [date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(count - 1, -1, -1)]


def demo_expense_rows(today: date) -> list[dict[str, str]]:
    """The charges, oldest first: each monthly subscription and other charge once a month
    (the day clamped to 28), and a refund of the first month's Cursor charge, pro rata."""
    rows: list[dict[str, str]] = []
    for start in _month_starts(today):
        for who, unit, merchant, amount, currency, day in (*MONTHLY, *OTHER):
            when = start.replace(day=min(day, 28))
            if when <= today:
                rows.append({"date": when.isoformat(), "merchant": merchant, "amount": amount,
                             "currency": currency, "cardholder": who, "department": unit,
                             "memo": "", "category": ""})  # fmt: skip
    first = _month_starts(today)[0].replace(day=20)
    rows.append({"date": first.isoformat(), "merchant": "CURSOR AI POWERED IDE",
                 "amount": "-13.33", "currency": "USD", "cardholder": "noah.berg@example.com",
                 "department": "IT", "memo": "downgrade, pro-rated refund",
                 "category": ""})  # fmt: skip
    return sorted(rows, key=lambda r: (r["date"], r["cardholder"], r["merchant"]))


def demo_expense_csv(today: date) -> str:
    """``demo_expense_rows`` as the CSV ``aitower discover expenses FILE --rate EUR=…`` reads."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(FIELDS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(demo_expense_rows(today))
    return out.getvalue()
