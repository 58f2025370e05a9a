"""``aitower discover logs FILE``: a proxy's CSV export scanned with a column mapping, its uses
stored as findings in the unit their department names (audited, once); a file of another
format and a bad mapping refused naming the problem, nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from aitower.core.db.engine import Database
from aitower.discovery.tables import DiscoveryFindingRow, DiscoveryScanRow
from cli_support import Cli, base_env, one_error_line
from discovery.discovery_support import world
from support_inventory import audit_count

# Written for this test: a gateway export with a header; row 5 has a broken time.
PROXY_CSV = """\
time,user,src_ip,department,url,bytes_out,bytes_in
2026-11-02T09:00:00Z,alice@acme.example,10.20.1.15,Finance,https://api.openai.com/v1/chat/completions,5120,20480
2026-11-02T09:05:00Z,alice@acme.example,10.20.1.15,Finance,https://api.openai.com/v1/embeddings,1024,64
2026-11-02T09:07:30Z,bob@acme.example,10.20.2.31,marketing,https://chatgpt.com/backend-api/conversation,300000,9000
yesterday,bob@acme.example,10.20.2.31,Marketing,https://claude.ai/api/append_message,10,10
2026-11-02T09:09:00Z,carol@acme.example,10.20.3.7,Legal,https://www.example.org/terms,300,9000
2026-11-02T09:10:00Z,dan@acme.example,10.20.4.9,Legal,https://claude.ai/api/append_message,4000,800
"""
MAPPING = ["--map", "timestamp=time", "--map", "user=user", "--map", "client=src_ip",
           "--map", "department=department", "--map", "url=url", "--map", "bytes_out=bytes_out",
           "--map", "bytes_in=bytes_in"]  # fmt: skip


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def _stored(db: Database) -> tuple[int, int]:
    with db.reading() as session:
        scans = session.scalar(select(func.count()).select_from(DiscoveryScanRow))
        findings = session.scalar(select(func.count()).select_from(DiscoveryFindingRow))
    return int(scans or 0), int(findings or 0)


def test_a_proxy_export_becomes_findings_in_the_units_it_names(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    units = world(db)
    log = tmp_path / "proxy.csv"
    log.write_text(PROXY_CSV, encoding="utf-8")
    before = audit_count(db)

    done = cli("discover", "logs", str(log), "--format", "csv", *MAPPING)
    assert done.exit_code == 0, done.output
    assert "Read 6 lines: 4 to AI services, 1 malformed; 3 new" in done.stdout
    assert "line 5" in done.stdout
    with db.reading() as session:
        rows = session.execute(select(DiscoveryFindingRow)).scalars().all()
    found = {(r.service_id, r.user_name): (r.unit_id, r.requests, r.bytes_sent) for r in rows}
    assert found == {
        ("openai-api", "alice@acme.example"): (units.finance, 2, 5120 + 1024),
        ("chatgpt", "bob@acme.example"): (units.marketing, 1, 300000),  # "marketing": its slug
        ("claude-ai", "dan@acme.example"): (None, 1, 4000),  # Legal is no unit
    }
    assert audit_count(db) == before + 1

    again = cli("discover", "logs", str(log), "--format", "csv", *MAPPING)
    assert "sha256" in one_error_line(again)
    assert _stored(db) == (1, 3)


def test_a_file_that_is_not_what_it_is_said_to_be_stores_nothing(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    world(db)
    log = tmp_path / "proxy.csv"
    log.write_text(PROXY_CSV, encoding="utf-8")
    squid = one_error_line(cli("discover", "logs", str(log), "--format", "squid"))
    assert "squid" in squid.lower(), squid
    missing = cli("discover", "logs", str(log), "--format", "csv", "--map", "timestamp=when",
                  "--map", "url=url")  # fmt: skip
    assert "when" in one_error_line(missing)
    bad = cli("discover", "logs", str(log), "--format", "csv", "--map", "timestamp")
    assert "map" in one_error_line(bad)
    assert _stored(db) == (0, 0)
