"""``POST /api/v1/discovery/scans/logs`` on both databases: a Squid log becomes findings (its
malformed line counted); a file of another format, an unknown format, a mapping naming a
missing column are refused naming the field, and the same file twice is refused (409), each
storing nothing; a body over the limit is refused before it is read (413)."""

from __future__ import annotations

from typing import Any

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.discovery.api_scans import MAX_LOG_BYTES
from aitower.discovery.tables import DiscoveryFindingRow, DiscoveryScanRow
from discovery.discovery_support import NOW, world
from discovery.squid_sample import squid_log
from support import make_key
from support_inventory import audit_count

URL = "/api/v1/discovery/scans/logs"
PROXY_CSV = "time,user,url\n2026-06-17T09:00:00Z,alice,https://api.openai.com/v1/chat\n"


def _upload(client: TestClient, key: str, text: str, name: str = "access.log",
            **form: str) -> Any:  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        return client.post(URL, headers={"Authorization": f"Bearer {key}"},
                           files={"file": (name, text.encode())}, data=form)  # fmt: skip


def _stored(db: Database) -> tuple[int, int]:
    with db.reading() as session:
        scans = session.scalar(select(func.count()).select_from(DiscoveryScanRow))
        findings = session.scalar(select(func.count()).select_from(DiscoveryFindingRow))
    return int(scans or 0), int(findings or 0)


def _field(answer: Any) -> str:
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.text
    return str(answer.json()["errors"][0]["field"])


def test_a_squid_log_becomes_findings_once(client: TestClient, db: Database) -> None:
    w = world(db)
    key = make_key(db, Role.ops_manager)
    before = audit_count(db)
    made = _upload(client, key, squid_log(NOW), format="squid", unit="Finance")
    assert made.status_code == 201, made.text
    scan = made.json()
    # 6 lines: 4 to AI services, 1 to example.org, 1 malformed (counted, not refused)
    assert (scan["lines"], scan["matched"], scan["malformed"]) == (6, 4, 1)
    assert (scan["findings_new"], scan["findings_merged"]) == (3, 0)
    assert scan["file_name"] == "access.log"
    with db.reading() as session:
        rows = session.execute(select(DiscoveryFindingRow)).scalars().all()
    assert {(r.service_id, r.user_name): (r.requests, r.unit_id) for r in rows} == {
        ("chatgpt", "alice"): (2, w.finance),
        ("claude-ai", "bob"): (1, w.finance),
        ("openai-api", "carol"): (1, w.finance),
    }
    assert audit_count(db) == before + 1
    again = _upload(client, key, squid_log(NOW), name="renamed.log")
    assert again.status_code == 409 and _field(again) == "sha256"
    assert _stored(db) == (1, 3)


def test_refused_files_store_nothing(client: TestClient, db: Database) -> None:
    world(db)
    key = make_key(db, Role.ops_manager)
    refusals = [
        (PROXY_CSV, {"format": "squid"}, "file"),  # a CSV said to be Squid
        (squid_log(NOW), {"format": "syslog"}, "format"),
        (PROXY_CSV, {"format": "csv", "mapping": "timestamp=when, url=url"}, "mapping.timestamp"),
        (PROXY_CSV, {"format": "csv", "mapping": "timestamp"}, "mapping"),
        (squid_log(NOW), {"unit": "Nowhere"}, "unit"),
    ]
    for text, form, field in refusals:
        refused = _upload(client, key, text, **form)
        assert refused.status_code == 422, (form, refused.text)
        assert _field(refused) == field
    missing = client.post(URL, headers={"Authorization": f"Bearer {key}"}, data={})
    assert missing.status_code == 422 and _field(missing) == "file"
    assert _stored(db) == (0, 0)
    reader = make_key(db, Role.auditor)
    assert _upload(client, reader, squid_log(NOW)).status_code == 403


def test_a_body_over_the_limit_is_refused_up_front(client: TestClient, db: Database) -> None:
    key = make_key(db, Role.ops_manager)
    headers = {"Authorization": f"Bearer {key}", "Content-Length": str(MAX_LOG_BYTES + 1),
               "Content-Type": "multipart/form-data; boundary=x"}  # fmt: skip
    for path in (URL, "/discovery/scans"):
        refused = client.post(path, headers=headers, content=b"--x--\r\n")
        assert refused.status_code == 413, refused.text
    # Under it the general limit no longer applies: 2 MiB is above the default of 1 MiB.
    big = squid_log(NOW) + "not squid either\n" * 130_000
    assert len(big) > 2 * 1024 * 1024
    made = _upload(client, key, big)
    assert made.status_code == 201 and made.json()["malformed"] == 130_001
    assert _stored(db) == (1, 3)
