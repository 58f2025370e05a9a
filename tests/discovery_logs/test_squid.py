"""Squid's native access.log scanned: aggregates against a hand count, malformed lines,
gzip, blocks, progress, a file of another format refused."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from aitower.discovery import logscan_blocks
from aitower.discovery.logscan import scan_log
from aitower.discovery.logscan_results import LogFormatError, ServiceUse
from discovery_logs.samples import NINE, PATTERNS, SQUID_LOG, at, write


def _use(service: str, user: str, client: str, n: int, received: int, first: float,
         last: float) -> ServiceUse:  # fmt: skip
    return ServiceUse(service, user, client, "", n, None, received, at(first), at(last))


EXPECTED = (
    _use("azure-openai", "bob", "10.20.2.31", 1, 2210, NINE + 10.5, NINE + 10.5),
    _use("chatgpt", "alice", "10.20.1.15", 1, 9120, NINE + 3.771, NINE + 3.771),
    _use("claude", "CORP\\carol", "10.20.3.7", 1, 3922, NINE + 70, NINE + 70),
    _use("openai", "alice", "10.20.1.15", 2, 48213 + 15000, NINE + 0.12, NINE + 60.25),
    # the GET names the pattern's Vertex path; the CONNECT shows none, and the host names
    # no other service, so it counts too
    _use("vertex-ai", "", "10.20.3.7", 2, 640 + 700, NINE + 90, NINE + 95),
)


def test_squid_log_adds_up_to_the_hand_count(tmp_path: Path) -> None:
    scan = scan_log(write(tmp_path, "access.log", SQUID_LOG), "squid", PATTERNS)
    assert scan.uses == EXPECTED
    assert (scan.lines, scan.matched, scan.malformed) == (12, 7, 2)
    assert not scan.bytes_sent_known  # Squid's native format logs reply sizes only
    assert [(m.line, m.text) for m in scan.malformed_lines] == [
        (8, "this line is garbage"),
        (9, "1793610080.000     17 10.20.3.7 TCP_MISS/200"),
    ]
    assert scan.malformed_lines[1].reason == "expected 10 fields (Squid native format), found 4"


def test_a_bad_number_in_a_full_line_is_malformed_with_its_reason(tmp_path: Path) -> None:
    text = SQUID_LOG.replace("1793610003.771   1201", "1793610003.77l   1201")
    scan = scan_log(write(tmp_path, "access.log", text), "squid", PATTERNS)
    assert scan.malformed == 3
    assert (scan.malformed_lines[0].line, scan.malformed_lines[0].reason) == (
        3,
        "time is not a number: '1793610003.77l'",
    )
    assert "chatgpt" not in {u.service_id for u in scan.uses}


def test_windows_line_ends_and_a_missing_last_newline_read_the_same(tmp_path: Path) -> None:
    text = SQUID_LOG.replace("\n", "\r\n").rstrip("\r\n")
    scan = scan_log(write(tmp_path, "access.log", text), "squid", PATTERNS)
    assert scan.uses == EXPECTED
    assert (scan.lines, scan.malformed) == (12, 2)


def test_a_gzip_file_reads_like_the_plain_one(tmp_path: Path) -> None:
    path = tmp_path / "access.log.1.gz"
    path.write_bytes(gzip.compress(SQUID_LOG.encode()))
    scan = scan_log(path, "squid", PATTERNS)
    assert scan.uses == EXPECTED
    assert scan.malformed == 2


def test_blocks_cut_anywhere_give_the_same_result_and_line_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "access.log", SQUID_LOG * 3)
    whole = scan_log(path, "squid", PATTERNS)
    monkeypatch.setattr(logscan_blocks, "BLOCK_BYTES", 97)
    seen: list[tuple[int, int]] = []
    cut = scan_log(path, "squid", PATTERNS, progress=lambda done, total: seen.append((done, total)))
    assert cut == whole
    assert [m.line for m in cut.malformed_lines] == [8, 9, 20, 21, 32, 33]
    assert len(seen) > 10
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_an_empty_file_is_an_empty_scan(tmp_path: Path) -> None:
    scan = scan_log(write(tmp_path, "access.log", ""), "squid", PATTERNS)
    assert (scan.lines, scan.matched, scan.malformed, scan.uses) == (0, 0, 0, ())


def test_a_file_of_another_format_is_refused_naming_the_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "export.csv", "time,user,url\n2026-11-02,alice,https://x.example\n")
    with pytest.raises(LogFormatError) as caught:
        scan_log(path, "squid", PATTERNS)
    assert caught.value.field == "file"
    assert "export.csv is not a Squid access.log (native format): line 1:" in str(caught.value)


def test_a_missing_file_and_an_unknown_format_are_refused(tmp_path: Path) -> None:
    with pytest.raises(LogFormatError, match="no such file"):
        scan_log(tmp_path / "absent.log", "squid", PATTERNS)
    with pytest.raises(LogFormatError, match="unknown format 'w3c'") as caught:
        scan_log(write(tmp_path, "a.log", SQUID_LOG), "w3c", PATTERNS)
    assert caught.value.field == "format"
    with pytest.raises(LogFormatError, match="has its own columns"):
        scan_log(
            write(tmp_path, "a.log", SQUID_LOG),
            "squid",
            PATTERNS,
            mapping={"timestamp": "t", "host": "h"},
        )


def test_the_shipped_catalog_recognises_tunnels_and_paths(tmp_path: Path) -> None:
    from aitower.discovery.catalog import catalog_patterns

    log = (
        "1793610000.000    100 10.1.1.1 TCP_TUNNEL/200 5000 CONNECT api.openai.com:443 ann "
        "HIER_DIRECT/162.159.140.245 -\n"
        "1793610001.000    100 10.1.1.1 TCP_TUNNEL/200 6000 CONNECT "
        "bedrock-runtime.eu-central-1.amazonaws.com:443 ann HIER_DIRECT/3.5.136.1 -\n"
        "1793610002.000    100 10.1.1.1 TCP_MISS/200 7000 POST http://contoso.openai.azure.com"
        "/openai/deployments/gpt-4o/chat/completions ann HIER_DIRECT/20.62.58.8 application/json\n"
        "1793610003.000    100 10.1.1.1 TCP_TUNNEL/200 800 CONNECT notopenai.com:443 ann "
        "HIER_DIRECT/203.0.113.9 -\n"
    )
    scan = scan_log(write(tmp_path, "access.log", log), "squid", catalog_patterns())
    assert [(u.service_id, u.requests) for u in scan.uses] == [
        ("aws-bedrock", 1),
        ("azure-openai", 1),
        ("openai-api", 1),
    ]
