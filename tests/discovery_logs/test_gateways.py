"""The CSV exports of secure web gateways, read by their documented layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from aitower.discovery.logscan import scan_log
from aitower.discovery.logscan_gateways import GATEWAYS
from aitower.discovery.logscan_results import LogFormatError, ServiceUse
from discovery_logs.samples import NINE, PATTERNS, SQUID_LOG, at, write

_ZSCALER_TAIL = (
    '"0","0","General Surfing","Information Technology","Generative AI","None","None","0",'
    '"None","None","HQ-GRE","{dept}","{cip}","104.18.32.47","POST","200","Mozilla/5.0",'
    '"None","None","None","application/json","None","NA","NA","N/A"'
)
ZSCALER = "\n".join(
    [
        '"Mon Nov 2 09:15:22 2026","erin@acme.example","HTTPS","chatgpt.com/backend-api/'
        'conversation","Allowed","ChatGPT","Generative AI","18230","4410",'
        + _ZSCALER_TAIL.format(dept="Research", cip="10.30.0.12"),
        '"Mon Nov 2 09:16:00 2026","erin@acme.example","HTTPS","www.example.com/","Allowed",'
        '"General Browsing","General Browsing","312","5120",'
        + _ZSCALER_TAIL.format(dept="Research", cip="10.30.0.12"),
        '"Mon Nov 2 09:17:02 2026","erin@acme.example","HTTPS","chatgpt.com/backend-api/'
        'files","Allowed","ChatGPT","Generative AI","2097152","512",'
        + _ZSCALER_TAIL.format(dept="Research", cip="10.30.0.12"),
        '"Mon Nov 2 09:18:00 2026","erin@acme.example","HTTPS"',
    ]
)

UMBRELLA = "\n".join(
    [
        '"2026-11-02 09:20:01","frank@acme.example,FRANK-LAPTOP","10.40.0.8","198.51.100.20",'
        '"160.79.104.10","application/json","ALLOWED","https://api.anthropic.com/v1/messages",'
        '"","anthropic-python/0.40.0","200","6144","30412","30000","","Generative AI",'
        '"","","","","","AD Users,Roaming Computers"',
        '"2026-11-02 09:20:09","frank@acme.example,FRANK-LAPTOP","10.40.0.8","198.51.100.20",'
        '"93.184.215.14","text/html","ALLOWED","https://www.example.com/","","Mozilla/5.0",'
        '"200","512","1256","1000","","Business Services","","","","","","AD Users"',
    ]
)

PANOS = "\n".join(
    [
        "1,2026/11/02 09:30:00,013201001234,THREAT,url,2561,2026/11/02 09:29:59,10.50.0.21,"
        "162.159.140.245,203.0.113.5,162.159.140.245,allow-web,acme\\grace,,ssl,vsys1,trust,"
        "untrust,ethernet1/2,ethernet1/1,Forward-Logs,2026/11/02 09:30:00,34567,1,53211,443,"
        '40123,443,0x40b000,tcp,alert,"api.openai.com/v1/chat/completions",(9999),'
        "artificial-intelligence,informational,client-to-server",
        "1,2026/11/02 09:31:00,013201001234,THREAT,url,2561,2026/11/02 09:30:58,10.50.0.21,"
        "142.250.1.95,203.0.113.5,142.250.1.95,allow-web,acme\\grace,,google-base,vsys1,trust,"
        "untrust,ethernet1/2,ethernet1/1,Forward-Logs,2026/11/02 09:31:00,34568,1,53212,443,"
        '40124,443,0x40b000,tcp,alert,"www.google.com/search?q=openai.com",(9999),'
        "search-engines,informational,client-to-server",
    ]
)


def test_zscaler_nss_web_feed(tmp_path: Path) -> None:
    scan = scan_log(write(tmp_path, "nss-web.csv", ZSCALER), "zscaler-nss-web", PATTERNS)
    assert scan.uses == (
        ServiceUse("chatgpt", "erin@acme.example", "10.30.0.12", "Research", 2, 18230 + 2097152,
                   4410 + 512, at(NINE + 922), at(NINE + 1022)),
    )  # fmt: skip
    assert (scan.lines, scan.matched, scan.malformed) == (4, 2, 1)
    assert scan.malformed_lines[0].line == 4
    assert scan.malformed_lines[0].reason.startswith("expected 34 columns, found 3")


def test_umbrella_proxy_log_with_more_columns_than_the_layout(tmp_path: Path) -> None:
    scan = scan_log(write(tmp_path, "proxy.csv", UMBRELLA), "umbrella-proxy", PATTERNS)
    assert scan.uses == (
        ServiceUse("anthropic-api", "frank@acme.example,FRANK-LAPTOP", "10.40.0.8", "", 1, 6144,
                   30412, at(NINE + 1201), at(NINE + 1201)),
    )  # fmt: skip
    assert (scan.lines, scan.matched, scan.malformed) == (2, 1, 0)


def test_panos_url_log_has_no_byte_counts(tmp_path: Path) -> None:
    scan = scan_log(write(tmp_path, "url.csv", PANOS), "panos-url", PATTERNS)
    # the second line names openai.com in a query string: a candidate, not a match
    assert scan.uses == (
        ServiceUse("openai", "acme\\grace", "10.50.0.21", "", 1, None, None, at(NINE + 1799),
                   at(NINE + 1799)),
    )  # fmt: skip
    assert (scan.lines, scan.matched, scan.malformed) == (2, 1, 0)


@pytest.mark.parametrize("name", sorted(GATEWAYS))
def test_a_squid_log_is_not_taken_for_a_gateway_export(tmp_path: Path, name: str) -> None:
    with pytest.raises(LogFormatError) as caught:
        scan_log(write(tmp_path, "access.log", SQUID_LOG), name, PATTERNS)
    assert f"access.log is not a {GATEWAYS[name].title}: line 1: expected" in str(caught.value)


def test_every_layout_maps_only_its_own_columns() -> None:
    for layout in GATEWAYS.values():
        assert set(layout.mapping.columns().values()) <= set(layout.columns), layout.name
