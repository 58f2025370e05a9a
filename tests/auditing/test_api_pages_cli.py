"""The audit journey through its doors: REST API, pages and CLI, each read-only and open to the
auditor; a bundle downloaded from the app verifies against the public key the app serves."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from aitower.auditing.bundle import verify_bundle
from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.web.routes import route_access
from auditing.support_auditing import live_history
from cli_support import Cli, base_env
from support import make_key, seed_units


def _get(client: TestClient, key: str, path: str) -> object:
    return client.get(path, headers={"Authorization": f"Bearer {key}"})


def test_the_api_answers_as_of_a_date(client: TestClient, db: Database) -> None:
    live_history(db)
    key = make_key(db, Role.auditor)
    answer = _get(client, key, "/api/v1/audit/inventory?at=2026-03-04")
    assert answer.status_code == 200, answer.text
    doc = answer.json()
    assert doc["as_of"]["at"] == "2026-03-04T23:59:59.999999Z"
    assert [(s["name"], s["risk_tier"], s["stage"]) for s in doc["systems"]] == [
        ("Credit scoring", "limited", "development")
    ]
    decisions = _get(client, key, "/api/v1/audit/approvals?at=2026-03-12").json()["decisions"]
    assert [(d["by"], d["role"], d["move"]) for d in decisions] == [
        ("user:gina", "governance", "development → deployment"),
        ("user:olivia", "ops_manager", "development → deployment"),
    ]
    policies = _get(client, key, "/api/v1/audit/policies?at=2026-03-20").json()["policies"]
    assert [(p["key"], p["version"]) for p in policies] == [("high-risk-deploy", 2)]
    evidence = _get(client, key, "/api/v1/audit/evidence?at=2026-03-12").json()["evidence"]
    assert [(e["system"], e["kind"], e["added_by"]) for e in evidence] == [
        ("Credit scoring", "human_oversight_plan", "cli:test")
    ]


def test_an_unreadable_date_is_a_422_naming_at(client: TestClient, db: Database) -> None:
    key = make_key(db, Role.auditor)
    for bad in ("31/03/2026", "1500-01-01"):
        answer = _get(client, key, f"/api/v1/audit/inventory?at={bad}")
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "at" in answer.text


def test_a_downloaded_bundle_verifies_against_the_served_key(
    client: TestClient, db: Database
) -> None:
    live_history(db)
    key = make_key(db, Role.auditor)
    pem = _get(client, key, "/api/v1/audit/signing-key")
    assert pem.status_code == 200 and pem.content.startswith(b"-----BEGIN PUBLIC KEY-----")
    answer = _get(client, key, "/api/v1/audit/bundle?at=2026-03-12")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    report = verify_bundle(answer.content, pinned_key=pem.content)
    assert report.ok, report.problems
    assert report.key_sha256 == pem.headers["x-key-sha256"]
    assert report.manifest["created_by"].startswith("apikey:")
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        inventory = json.loads(archive.read("inventory.json"))
    assert [(s["risk_tier"], s["stage"]) for s in inventory["systems"]] == [("high", "deployment")]
    again = _get(client, key, "/api/v1/audit/bundle?at=2026-03-12")
    assert verify_bundle(again.content, pinned_key=pem.content).key_sha256 == report.key_sha256


def test_who_may_see_and_export(app: FastAPI, client: TestClient, db: Database) -> None:
    """Readers of the trail see the journey; only who may export the trail takes the bundle;
    nobody changes anything through it (every route is a GET)."""
    seed_units(db)
    governance = make_key(db, Role.governance)
    stakeholder = make_key(db, Role.stakeholder)
    assert _get(client, governance, "/api/v1/audit/inventory").status_code == 200
    assert _get(client, governance, "/api/v1/audit/bundle").status_code == 403
    assert _get(client, stakeholder, "/api/v1/audit/inventory").status_code == 403
    assert _get(client, stakeholder, "/audit/as-of").status_code == 403
    ours = [
        r for r in route_access(app.routes) if r.path.startswith(("/audit/as-of", "/api/v1/audit/"))
    ]
    assert len(ours) >= 8 and {r.method for r in ours} == {"GET"}


def test_the_pages(client: TestClient, db: Database) -> None:
    history = live_history(db)
    key = make_key(db, Role.auditor)
    trail = _get(client, key, "/audit")
    assert 'href="/audit/as-of"' in trail.text
    page = _get(client, key, "/audit/as-of?at=2026-03-04")
    assert page.status_code == 200
    assert 'data-system="Credit scoring"' in page.text and ">limited<" in page.text
    assert "Download signed bundle" in page.text
    link = f"/audit/as-of/systems/{history.credit}?at=2026-03-04"
    assert link in page.text
    system = _get(client, key, link)
    assert system.status_code == 200 and "Consumer loans" in system.text
    later = _get(client, key, "/audit/as-of?at=2026-03-12")
    assert "user:olivia" in later.text and "Oversight plan v1" in later.text
    assert ">high-risk-deploy<" in later.text
    before = _get(client, key, "/audit/as-of?at=2026-03-01")
    assert "No AI system was registered by then." in before.text
    bad = _get(client, key, "/audit/as-of?at=soon")
    assert bad.status_code == 422 and 'data-field="at"' in bad.text
    missing = _get(client, key, f"/audit/as-of/systems/{history.chatbot}?at=2026-03-04")
    assert missing.status_code == 404  # registered only on the 15th


def test_the_cli(db: Database, database_url: str, tmp_path: Path) -> None:
    live_history(db)
    cli = Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})
    shown = cli("audit", "inventory", "--at", "2026-03-04", "--json")
    assert shown.exit_code == 0, shown.output
    systems = json.loads(shown.stdout)["systems"]
    assert [(s["risk_tier"], s["stage"]) for s in systems] == [("limited", "development")]
    table = cli("audit", "inventory", "--at", "2026-03-31")
    assert "Chatbot" in table.stdout and "deployment" in table.stdout
    bundle, key = tmp_path / "bundle.zip", tmp_path / "key.pem"
    made = cli("audit", "bundle", "--at", "2026-03-12", "-o", str(bundle))
    assert made.exit_code == 0, made.output
    assert cli("audit", "public-key", "-o", str(key)).exit_code == 0
    ok = cli("audit", "verify-bundle", str(bundle), "--public-key", str(key))
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.startswith("OK: signed by the pinned key")
    with zipfile.ZipFile(bundle) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files["approvals.json"] = files["approvals.json"].replace(b"olivia", b"oliver")
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    refused = cli("audit", "verify-bundle", str(tampered), "--public-key", str(key))
    assert refused.exit_code == 1
    assert "NOT OK: approvals.json: its SHA-256 does not match the manifest" in refused.stderr
    bad = cli("audit", "inventory", "--at", "someday")
    assert bad.exit_code == 2 and "--at" in bad.stderr
