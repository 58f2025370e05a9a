"""The pure readers: each bill format summed, templates checked, errors with their rows."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from aitower.spend.import_cloud import BillLine, parse_day, parse_tags
from aitower.spend.mappings import Matcher, MatchKind, Rule
from aitower.spend.sources import TEMPLATES, ImportKind, TagStyle, parse_rates, template_csv
from spend_imports.bills import CUR_ROWS, azure, cur, cur2, gcp, parquet_of, read


def _sums(lines: list[BillLine]) -> dict[tuple[date, str, str], float]:
    found: dict[tuple[date, str, str], float] = {}
    for line in lines:
        key = (line.day, line.account, ",".join(f"{k}={v}" for k, v in sorted(line.tags.items())))
        found[key] = found.get(key, 0.0) + line.billed
    return found


def test_legacy_cur_is_summed_per_day_account_service_and_tags() -> None:
    done = read(ImportKind.aws_cur, cur("Helpdesk bot"))
    assert not done.errors and done.rows_read == 6
    assert _sums(done.bill) == {
        (date(2026, 1, 1), "111", "app=helpdesk"): 3.75,
        (date(2026, 1, 1), "111", "app=sandbox"): 0.125,
        (date(2026, 1, 2), "222", "aitower-system=Helpdesk bot"): 0.75,
        (date(2026, 1, 2), "333", ""): 10.0,
    }
    helpdesk = next(line for line in done.bill if line.tags == {"app": "helpdesk"})
    assert (helpdesk.row, helpdesk.rows, helpdesk.service) == (2, 2, "Amazon Bedrock")


def test_cur2_reads_its_json_tags_and_converts_currency_with_the_rate() -> None:
    refused = read(ImportKind.aws_cur2, cur2())
    assert [(e.row, e.column, e.value) for e in refused.errors.items] == [
        (2, "line_item_currency_code", "EUR"),
        (3, "line_item_currency_code", "EUR"),
    ]
    done = read(ImportKind.aws_cur2, cur2(), EUR=1.1)
    assert not done.errors
    assert _sums(done.bill) == {
        (date(2026, 2, 1), "111", "app=helpdesk,env=prod"): 5.0,
        (date(2026, 2, 2), "111", ""): 4.0,
    }
    assert {line.currency for line in done.bill} == {"EUR", "USD"}


def test_azure_and_google_cloud_bills() -> None:
    done = read(ImportKind.azure, azure())
    assert not done.errors
    by_group = {(line.day, line.resource_group): line for line in done.bill}
    assert by_group[(date(2026, 3, 1), "rg-triage")].billed == 3.0
    other = by_group[(date(2026, 3, 2), "rg-other")]
    assert (other.billed, other.tags, other.account) == (
        7.0,
        {"app": "helpdesk", "env": "dev"},
        "sub-1",
    )
    google = read(ImportKind.gcp, gcp())
    assert not google.errors
    assert _sums(google.bill) == {
        (date(2026, 4, 1), "p-ml", ""): 2.0,
        (date(2026, 4, 2), "p-ml", "app=helpdesk"): 6.0,
    }


@pytest.mark.parametrize(
    ("kind", "data"),
    [(ImportKind.aws_cur, cur()), (ImportKind.aws_cur2, cur2()), (ImportKind.azure, azure()),
     (ImportKind.gcp, gcp())],
)  # fmt: skip
def test_parquet_reads_as_the_same_csv(kind: ImportKind, data: bytes) -> None:
    from_csv = read(kind, data, EUR=1.1)
    from_parquet = read(kind, parquet_of(data), "bill.parquet", EUR=1.1)
    assert from_parquet.file_format == "parquet" and from_csv.file_format == "csv"
    assert sorted(map(repr, from_parquet.bill)) == sorted(map(repr, from_csv.bill))


def test_every_bad_cell_is_reported_with_its_row_column_and_value() -> None:
    rows = [list(r) for r in CUR_ROWS]
    rows[1][2] = "abc"  # row 3
    rows[3][1] = "2026-13-02"  # row 5
    rows[4][2] = ""  # row 6
    rows[5][6] = "GBP"  # row 7
    done = read(ImportKind.aws_cur, cur(rows=rows))
    found = sorted((e.row, e.column, e.value, e.reason) for e in done.errors.items)
    assert found == [
        (3, "lineItem/UnblendedCost", "abc", "is not a finite number"),
        (5, "lineItem/UsageStartDate", "2026-13-02", "is not a date"),
        (6, "lineItem/UnblendedCost", "", "is empty; a cost is required"),
        (7, "lineItem/CurrencyCode", "GBP",
         "is not USD nor a currency given a rate with the import (e.g. EUR=1.08)"),
    ]  # fmt: skip
    assert done.errors.count == 4


def test_a_row_with_the_wrong_number_of_cells_and_later_rows_keep_their_numbers() -> None:
    data = cur().replace(b"\nc,", b"\nshort,row\nc,", 1)  # a new row 4; c is row 5 now
    rows_after = data.replace(b"\nf,2026-01-02T02:00:00Z,10,", b"\nf,2026-01-02T02:00:00Z,x,")
    done = read(ImportKind.aws_cur, rows_after)
    assert [(e.row, e.reason) for e in sorted(done.errors.items, key=lambda e: e.row)] == [
        (4, "has 2 cells, the header has 9"),
        (8, "is not a finite number"),
    ]


def test_files_that_are_not_bills_are_refused_as_a_whole() -> None:
    wrong = read(ImportKind.azure, cur())
    assert wrong.errors.items[0].row == 0
    assert "lacks the column(s) Date, CostInBillingCurrency, BillingCurrency" in (
        wrong.errors.items[0].reason
    )
    assert read(ImportKind.gcp, b"").errors.items[0].reason == "is empty"
    latin = read(ImportKind.gcp, gcp().replace(b"Vertex AI", b"Vertex \xe9"))
    assert latin.errors.items[0].reason.startswith("is not UTF-8 text")


def test_tags_dates_and_rates() -> None:
    assert parse_tags(TagStyle.azure, '"a": "1","b": "2"') == {"a": "1", "b": "2"}
    assert parse_tags(TagStyle.json_map, '{"user_app": "x", "aws_env": "y"}') == {
        "app": "x",
        "aws_env": "y",
    }
    assert parse_tags(TagStyle.label_list, '{"key": "a"}') is None
    assert parse_day("01/31/2026") == date(2026, 1, 31)
    assert parse_day("2026-01-31 12:00:00 UTC") == date(2026, 1, 31)
    assert parse_day("31/01/2026") is None
    assert parse_rates("eur=1.08; GBP=1.27") == {"USD": 1.0, "EUR": 1.08, "GBP": 1.27}
    with pytest.raises(ValueError, match="CODE=RATE"):
        parse_rates("euro")
    with pytest.raises(ValueError, match="positive"):
        parse_rates("EUR=-1")


def test_matching_order_system_tag_then_tag_then_group_then_account() -> None:
    a, b, c, d = (uuid.uuid4() for _ in range(4))
    rules = [
        Rule(MatchKind.tag, "App", "helpdesk", a),
        Rule(MatchKind.resource_group, "", "rg-1", b),
        Rule(MatchKind.account, "", "111", c),
    ]
    matcher = Matcher(rules, {"Named": d, str(d): d})
    assert matcher.match({"aitower_system": "Named", "app": "helpdesk"}, "111", "rg-1") == (
        matcher.match({"aitower-system": str(d)}, "", "")
    )
    assert matcher.match({"aitower-system": "Named"}, "", "").system_id == d
    assert matcher.match({"app": "helpdesk"}, "111", "rg-1").matched_by == "tag App=helpdesk"
    assert matcher.match({"app": "other"}, "111", "rg-1").system_id == b
    assert matcher.match({}, "111", "").matched_by == "account 111"
    assert matcher.match({"aitower-system": "Unknown"}, "999", "").system_id is None


def test_templates_check_each_row() -> None:
    assert template_csv(ImportKind.licence).splitlines()[0] == ",".join(
        c.name for c in TEMPLATES[ImportKind.licence]
    )
    example = read(ImportKind.licence, template_csv(ImportKind.licence).encode())
    (seat,) = example.template
    assert (seat.billed, seat.seats, seat.seats_in_use) == (300 * 19.0, 300, 40)
    assert (seat.day_start, seat.day_end) == (date(2026, 1, 1), date(2026, 2, 1))
    people = read(ImportKind.people, template_csv(ImportKind.people).encode())
    assert people.template[0].billed == 80 * 95.0
    bad = read(
        ImportKind.licence,
        b"vendor,product,period_start,period_end,seats,seats_in_use,price_per_seat\n"
        b"GitHub,Copilot,2026-02-01,2026-01-31,10,11,\n"
        b",Copilot,2026-02-30,2026-03-31,2.5,,1\n",
    )
    found = sorted((e.row, e.column, e.reason) for e in bad.errors.items)
    assert found == [
        (2, "amount", "give amount, or price_per_seat"),
        (2, "period_end", "is before period_start"),
        (2, "seats_in_use", "is more than the seats paid for"),
        (3, "period_start", "is not a date (YYYY-MM-DD)"),
        (3, "seats", "is not a whole number"),
        (3, "vendor", "is required"),
    ]
    unknown = read(ImportKind.people, b"role,period_start,period_end,hours,hourly_rate,salary\n")
    assert "does not: salary" in unknown.errors.items[0].reason


def test_a_cell_holding_the_key_separator_is_an_error_not_a_wrong_sum() -> None:
    rows = [list(r) for r in CUR_ROWS]
    rows[2][7] = "sand\x1fbox"  # row 4's app tag
    done = read(ImportKind.aws_cur, cur(rows=rows))
    assert [(e.row, e.column) for e in done.errors.items] == [(4, "resourceTags/user:app")]
