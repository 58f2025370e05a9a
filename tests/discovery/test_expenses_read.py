"""Reading card and expense exports (pure): each preset's columns on a sample written for the
test, malformed rows counted with row, column and value, refunds netted, a currency without a
rate refused; merchants matched to the catalog by descriptor, ambiguous vendors not."""

from __future__ import annotations

import io
from datetime import date

import pytest

from aitower.discovery.catalog import builtin_catalog
from aitower.discovery.demo_expenses import demo_expense_csv
from aitower.discovery.expenses import matcher_of
from aitower.discovery.expenses_match import normalise_merchant
from aitower.discovery.expenses_read import ExpenseFileError, parse_day, read_expenses
from aitower.discovery.expenses_summary import summarise

# Written for this test, in the shape each export documents (docs/discovery-expenses.md).
SAMPLES = {
    "expensify": (
        "Timestamp,Merchant,Amount,MCC,Category,Tag,Comment,Reimbursable,Currency,Email\n"
        "2026-06-02 10:15:00,Midjourney Inc,30.00,5734,Software,Design,Basic plan,No,USD,"
        "erin@acme.example\n"
        "2026-06-03 08:00:00,Delta Air Lines,412.20,3058,Travel,Sales,NYC trip,Yes,USD,"
        "frank@acme.example\n",
        [("midjourney", date(2026, 6, 2), 30.0, "erin@acme.example")],
    ),
    "amex": (
        "Date,Description,Card Member,Account #,Amount,Extended Details,Category\n"
        "06/04/2026,CLAUDE.AI SUBSCRIPTION 4155550123 CA,BOB SMITH,-41008,20.00,"
        '"ANTHROPIC PBC, SAN FRANCISCO",Merchandise & Supplies-Internet Purchase\n'
        "06/09/2026,CLAUDE.AI SUBSCRIPTION 4155550123 CA,BOB SMITH,-41008,-20.00,"
        "Credit,Merchandise & Supplies-Internet Purchase\n"
        "06/10/2026,GOOGLE *GSUITE_ACME.EXAMPLE,BOB SMITH,-41008,72.00,,Business Services\n",
        [("claude-ai", date(2026, 6, 4), 20.0, "BOB SMITH"),
         ("claude-ai", date(2026, 6, 9), -20.0, "BOB SMITH")],
    ),
    "brex": (
        "Date,Merchant,Amount,Currency,Card Holder,Department,Category,Memo\n"
        "2026-06-05,Otter.ai,16.99,USD,Grace Lee,Marketing,Software,meeting notes\n"
        '2026-06-06,MICROSOFT*STORE,"1,299.00",USD,Grace Lee,Marketing,Hardware,laptop\n',
        [("otter", date(2026, 6, 5), 16.99, "Grace Lee")],
    ),
    "ramp": (
        "transaction_time,amount,user,merchant_name\n"
        "2026-06-06T14:22:10Z,40.00,carol@acme.example,Cursor\n"
        "2026-06-07T09:01:00Z,$20.00,dan@acme.example,OPENAI *CHATGPT SUBSCR\n",
        [("cursor", date(2026, 6, 6), 40.0, "carol@acme.example"),
         ("chatgpt", date(2026, 6, 7), 20.0, "dan@acme.example")],
    ),
}  # fmt: skip


def _read(text: str, layout: str = "csv", **kw: object) -> object:
    return read_expenses(io.BytesIO(text.encode()), layout, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("layout", sorted(SAMPLES))
def test_each_preset_reads_its_columns_and_matches_ai_charges(layout: str) -> None:
    text, expected = SAMPLES[layout]
    read = read_expenses(io.BytesIO(text.encode()), layout)
    assert read.malformed == 0 and read.rows == text.count("\n") - 1
    summary = summarise(read.charges, matcher_of(builtin_catalog().by_id()))
    found = [(m.service_id, m.charge.day, m.charge.billed, m.charge.cardholder)
             for m in summary.matched]  # fmt: skip
    assert found == expected
    assert summary.unmatched_charges == read.rows - len(expected)


def test_malformed_rows_are_counted_and_listed_and_the_rest_is_read() -> None:
    text = (
        "date,merchant,amount\n"
        "2026-06-01,MIDJOURNEY INC,30\n"
        "yesterday,MIDJOURNEY INC,30\n"
        "2026-06-02,,30\n"
        "2026-06-03,CURSOR,12,50\n"  # a decimal comma split the row: amount "12"
        "2026-06-04,CURSOR,twelve\n"
        "\n"
        "2026-06-05,CURSOR,(10.00)\n"
    )
    read = read_expenses(io.BytesIO(text.encode()), "csv")
    assert (read.rows, read.malformed, len(read.charges)) == (6, 3, 3)
    assert [(b.row, b.column, b.value) for b in read.malformed_rows] == [
        (3, "date", "yesterday"), (4, "merchant", ""), (6, "amount", "twelve"),
    ]  # fmt: skip
    assert [c.billed for c in read.charges] == [30.0, 12.0, -10.0]


def test_a_long_bad_value_is_truncated() -> None:
    text = "date,merchant,amount\n" + f"{'9' * 500},CURSOR,1\n"
    (bad,) = read_expenses(io.BytesIO(text.encode()), "csv").malformed_rows
    assert len(bad.value) == 60


def test_a_foreign_currency_needs_its_rate() -> None:
    text = "date,merchant,amount,currency\n2026-06-01,CLAUDE.AI,18.00,EUR\n"
    with pytest.raises(ExpenseFileError, match="EUR") as refused:
        read_expenses(io.BytesIO(text.encode()), "csv")
    assert refused.value.field == "rates"
    read = read_expenses(io.BytesIO(text.encode()), "csv", rates={"EUR": 1.1})
    assert read.charges[0].amount_usd == pytest.approx(19.8)


def test_a_missing_column_or_unknown_field_names_it() -> None:
    text = "when,merchant,amount\n2026-06-01,CURSOR,1\n"
    with pytest.raises(ExpenseFileError, match="date"):
        read_expenses(io.BytesIO(text.encode()), "csv")
    read = read_expenses(io.BytesIO(text.encode()), "csv", {"date": "WHEN"})
    assert read.charges[0].day == date(2026, 6, 1)
    with pytest.raises(ExpenseFileError, match="colour"):
        read_expenses(io.BytesIO(text.encode()), "csv", {"colour": "when"})


@pytest.mark.parametrize(
    ("merchant", "service"),
    [
        ("OPENAI *CHATGPT SUBSCR", "chatgpt"),
        ("OpenAI", "openai-api"),
        ("ANTHROPIC SAN FRANCISCO CA", "anthropic-api"),
        ("CLAUDE.AI SUBSCRIPTION 4155550123", "claude-ai"),
        ("PAYPAL *MIDJOURNEY", "midjourney"),
        ("GITHUB COPILOT 8774485600", "github-copilot"),
        ("GOOGLE *GEMINI", "gemini-app"),
        ("GOOGLE *GSUITE_ACME", None),  # Google sells much besides AI
        ("GOOGLE *CLOUD 4XKJ7", None),
        ("MICROSOFT*STORE", None),
        ("MICROSOFT *365", None),
        ("GITHUB INC", None),
        ("OPENAIRE TRAVEL", None),  # a whole token, not a prefix of one
        ("STARBUCKS 0412", None),
    ],
)
def test_merchants_match_by_the_most_specific_descriptor(
    merchant: str, service: str | None
) -> None:
    assert matcher_of(builtin_catalog().by_id()).match(merchant) == service


def test_a_descriptor_is_normalised() -> None:
    assert normalise_merchant("Claude.ai subscription #4155 550123") == "CLAUDE AI SUBSCRIPTION"
    assert normalise_merchant("SQ *OTTER.AI") == "OTTER AI"


def test_the_demo_export_reads_cleanly_and_its_other_charges_stay_unmatched() -> None:
    # 2026-12-08: October and November in full (9 subscriptions, 4 other charges each), the
    # five subscriptions and two other charges dated up to the 8th of December, one refund.
    text = demo_expense_csv(date(2026, 12, 8))
    read = read_expenses(io.BytesIO(text.encode()), "csv", rates={"EUR": 1.08})
    summary = summarise(read.charges, matcher_of(builtin_catalog().by_id()))
    assert (read.rows, read.malformed) == (34, 0)
    assert (len(summary.matched), summary.unmatched_charges) == (24, 10)
    assert max(c.day for c in read.charges) <= date(2026, 12, 8)
    assert {m.charge.department for m in summary.matched} == {
        "Marketing", "Customer Support", "IT", "Finance",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-11-02", date(2026, 11, 2)),
        ("2026-11-02T09:00:00.123Z", date(2026, 11, 2)),
        ("11/02/2026 9:15 AM", date(2026, 11, 2)),
        ("11/02/26", date(2026, 11, 2)),
        ("05/12/2026 or so", None),  # not read at its first word
        ("2026-11-02garbage", None),
        ("02.11.2026", None),  # day-first dots: no export here writes them; refused, not guessed
    ],
)
def test_a_charge_date_with_a_time_is_read_and_anything_else_is_refused(
    text: str, day: date | None
) -> None:
    assert parse_day(text) == day
