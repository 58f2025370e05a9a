"""CSV and JSON Lines logs read through a column mapping (proxy exports, DNS query logs)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from aitower.discovery.logscan import scan_log
from aitower.discovery.logscan_fields import ColumnMapping
from aitower.discovery.logscan_results import LogFormatError, ServiceUse
from discovery_logs.samples import (
    CSV_LOG,
    CSV_MAPPING,
    DNS_JSONL,
    DNS_MAPPING,
    NINE,
    PATTERNS,
    at,
    write,
)


def test_a_csv_export_adds_up_to_the_hand_count(tmp_path: Path) -> None:
    scan = scan_log(write(tmp_path, "proxy.csv", CSV_LOG), "csv", PATTERNS, mapping=CSV_MAPPING)
    assert scan.uses == (
        ServiceUse("claude", "Smith, Jo", "10.20.9.9", "Sales, EMEA", 1, 777, 1500,
                   at(NINE + 600), at(NINE + 600)),
        # 10:05+01:00 is 09:05 UTC
        ServiceUse("openai", "alice@acme.example", "10.20.1.15", "Finance", 2, 5120 + 1024,
                   20480 + 64, at(NINE), at(NINE + 300)),
    )  # fmt: skip
    assert (scan.lines, scan.matched, scan.malformed) == (6, 3, 2)
    assert scan.bytes_sent_known
    assert [(m.line, m.reason) for m in scan.malformed_lines] == [
        (5, "timestamp: not a time: 'yesterday'"),
        (6, "expected 7 columns, found 3 (or a broken quote)"),
    ]


def test_a_mapping_naming_a_missing_column_is_refused_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, "proxy.csv", CSV_LOG)
    with pytest.raises(LogFormatError) as caught:
        scan_log(path, "csv", PATTERNS, mapping={**CSV_MAPPING, "url": "uri"})
    assert caught.value.field == "mapping.url"
    assert "no column 'uri' in the file; its columns: time, user, src_ip" in str(caught.value)


@pytest.mark.parametrize(
    ("mapping", "field"),
    [
        ({"timestamp": "time", "hostname": "url"}, "mapping.hostname"),
        ({"timestamp": "time", "user": "user"}, "mapping.host"),
        ({"url": "url"}, "mapping.timestamp"),
    ],
)
def test_a_mapping_that_cannot_work_is_refused(mapping: dict[str, str], field: str) -> None:
    with pytest.raises(LogFormatError) as caught:
        ColumnMapping.from_dict(mapping)
    assert caught.value.field == field


def test_csv_and_jsonl_need_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(LogFormatError, match="needs a column mapping") as caught:
        scan_log(write(tmp_path, "proxy.csv", CSV_LOG), "csv", PATTERNS)
    assert caught.value.field == "mapping"


def test_a_dns_query_log_in_json_lines_counts_queries(tmp_path: Path) -> None:
    path = write(tmp_path, "dns.jsonl", DNS_JSONL)
    scan = scan_log(path, "jsonl", PATTERNS, mapping=DNS_MAPPING)
    assert scan.uses == (
        ServiceUse("anthropic-api", "dave", "10.20.4.2", "", 2, None, None, at(NINE + 0.25),
                   at(NINE + 30.5)),
        ServiceUse("chatgpt", "", "10.20.4.3", "", 1, None, None, at(NINE + 31), at(NINE + 31)),
    )  # fmt: skip
    assert (scan.lines, scan.matched, scan.malformed) == (6, 3, 2)
    assert [m.line for m in scan.malformed_lines] == [5, 6]
    assert scan.malformed_lines[0].reason.startswith("not JSON")


def test_a_jsonl_mapping_naming_a_missing_key_is_refused_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, "dns.jsonl", DNS_JSONL)
    with pytest.raises(LogFormatError) as caught:
        scan_log(path, "jsonl", PATTERNS, mapping={**DNS_MAPPING, "client": "src.ip"})
    assert caught.value.field == "mapping.client"
    assert "no key 'src.ip' in the first 4 objects; their keys: client, query, ts, user" in str(
        caught.value
    )


def test_a_tab_separated_dns_log_read_gzipped(tmp_path: Path) -> None:
    text = (
        "ts\tclient\tqname\tqtype\n"
        "2026-11-02T09:00:00.500Z\t10.20.4.9\tclaude.ai.\tA\n"
        "2026-11-02T09:00:01Z\t10.20.4.9\twww.claude.ai.example.net.\tA\n"
        "2026-11-02T09:00:02Z\t10.20.4.9\tclaude.ai\tHTTPS\n"
    )
    path = tmp_path / "queries.tsv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    mapping = {"timestamp": "ts", "host": "qname", "client": "client"}
    scan = scan_log(path, "csv", PATTERNS, mapping=mapping, delimiter="\t")
    assert scan.uses == (
        ServiceUse("claude", "", "10.20.4.9", "", 2, None, None, at(NINE + 0.5), at(NINE + 2)),
    )
    assert (scan.lines, scan.malformed) == (3, 0)


def test_an_empty_csv_is_an_empty_scan(tmp_path: Path) -> None:
    scan = scan_log(write(tmp_path, "empty.csv", ""), "csv", PATTERNS, mapping=CSV_MAPPING)
    assert (scan.lines, scan.matched, scan.uses) == (0, 0, ())
