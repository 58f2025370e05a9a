"""``aitower audit verify|export``: tampering done by raw SQL is caught and named; exports verify
independently with docs/verify_audit_export.py."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, insert, select, text, update

from aitower.core.access import service as access
from aitower.core.access.roles import Role
from aitower.core.audit import service
from aitower.core.audit.chain import event_hash, format_time
from aitower.core.audit.tables import AuditEventRow, AuditHeadRow
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from cli_support import Cli, one_error_line
from support import CTX, login, make_key, make_user

VERIFIER = Path(__file__).parents[2] / "docs" / "verify_audit_export.py"
EVENTS = 6
EVENTS_TABLE = AuditEventRow.__table__


@pytest.fixture
def chain(db: Database) -> tuple[int, str]:
    """Six audit events (six units created through the service); returns the chain head."""
    with db.writing() as session:
        for name in ("Customer Support", "Marketing", "Finance", "Risk", "Operations", "IT"):
            access.create_unit(session, CTX, name)
    with db.reading() as session:
        return service.chain_head(session)


def _hash_of(conn: Connection, seq: int) -> str:
    return str(conn.execute(select(AuditEventRow.hash).where(AuditEventRow.seq == seq)).scalar())


def _edit_after(conn: Connection) -> None:
    conn.execute(update(EVENTS_TABLE).where(EVENTS_TABLE.c.seq == 3).values(after={"name": "X"}))


def _delete_middle(conn: Connection) -> None:
    conn.execute(text("DELETE FROM audit_events WHERE seq = 3"))


def _forged_row(conn: Connection, seq: int, prev_seq: int) -> dict[str, object]:
    """A well-formed event whose hash is right for its content and the event it claims to follow."""
    now = utcnow()
    doc: dict[str, object] = {
        "seq": seq,
        "id": str(uuid.uuid4()),
        "occurred_at": format_time(now),
        "actor": "user:mallory",
        "action": "user.create",
        "object_type": "user",
        "object_id": None,
        "before": None,
        "after": {"username": "mallory", "role": "admin"},
        "request_id": None,
    }
    prev = _hash_of(conn, prev_seq)
    row = {**doc, "id": uuid.UUID(str(doc["id"])), "occurred_at": now, "prev_hash": prev}
    return {**row, "hash": event_hash(prev, doc)}


def _insert_forged_in_the_middle(conn: Connection) -> None:
    """Make room after seq 3 (one row at a time: a bulk renumbering can clash on the key)."""
    for seq in range(EVENTS, 3, -1):
        conn.execute(text("UPDATE audit_events SET seq = seq + 1 WHERE seq = :s"), {"s": seq})
    conn.execute(insert(EVENTS_TABLE).values(**_forged_row(conn, 4, 3)))


def _append_forged(conn: Connection) -> None:
    conn.execute(insert(EVENTS_TABLE).values(**_forged_row(conn, EVENTS + 1, EVENTS)))


def _swap(conn: Connection) -> None:
    conn.execute(text("UPDATE audit_events SET seq = -1 WHERE seq = 2"))
    conn.execute(text("UPDATE audit_events SET seq = 2 WHERE seq = 3"))
    conn.execute(text("UPDATE audit_events SET seq = 3 WHERE seq = -1"))


def _delete_last(conn: Connection) -> None:
    conn.execute(text(f"DELETE FROM audit_events WHERE seq = {EVENTS}"))


def _tamper(db: Database, how: Callable[[Connection], None]) -> None:
    with db.engine.begin() as conn:
        how(conn)


def test_verify_an_intact_chain(cli: Cli, chain: tuple[int, str]) -> None:
    result = cli("audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"{EVENTS} events verified" in result.stdout
    assert f"head: seq {chain[0]} hash {chain[1]}" in result.stdout
    doc = json.loads(cli("audit", "verify", "--json").stdout)
    assert (doc["ok"], doc["checked"], doc["head_hash"]) == (True, EVENTS, chain[1])
    recorded = cli("audit", "verify", "--expect-head", f"{chain[0]}:{chain[1]}")
    assert recorded.exit_code == 0, recorded.output


@pytest.mark.parametrize(
    ("how", "bad_seq", "reason"),
    [
        (_edit_after, 3, "does not match its hash"),
        (_delete_middle, 4, "events 3..3 are missing"),
        (_insert_forged_in_the_middle, 5, "prev_hash does not link"),
        (_append_forged, EVENTS, f"events run to {EVENTS + 1}"),
        (_swap, 2, "prev_hash does not link"),
        (_delete_last, EVENTS, "events removed at the end"),
    ],
    ids=["edit", "delete-middle", "insert-middle", "append", "swap", "delete-last"],
)
def test_verify_names_the_first_bad_event(
    cli: Cli,
    db: Database,
    chain: tuple[int, str],
    how: Callable[[Connection], None],
    bad_seq: int,
    reason: str,
) -> None:
    _tamper(db, how)
    line = one_error_line(cli("audit", "verify"))
    assert re.search(rf"broken at seq {bad_seq}\b", line), line
    assert reason in line
    result = cli("audit", "verify", "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert (doc["ok"], doc["first_bad_seq"]) == (False, bad_seq)


def test_removing_the_newest_events_and_the_head_needs_a_recorded_head(
    cli: Cli, db: Database, chain: tuple[int, str]
) -> None:
    with db.engine.begin() as conn:
        previous = _hash_of(conn, EVENTS - 1)
        _delete_last(conn)
        conn.execute(update(AuditHeadRow.__table__).values(seq=EVENTS - 1, hash=previous))
    assert cli("audit", "verify").exit_code == 0  # the limit docs/audit.md states
    line = one_error_line(cli("audit", "verify", "--expect-head", f"{chain[0]}:{chain[1]}"))
    assert f"seq {EVENTS}" in line
    assert "past the chain's end" in line


def test_a_recorded_head_catches_rewritten_history(cli: Cli, chain: tuple[int, str]) -> None:
    other = "f" * 64
    line = one_error_line(cli("audit", "verify", "--expect-head", f"{chain[0]}:{other}"))
    assert "history rewritten" in line
    assert "SEQ:HASH" in one_error_line(cli("audit", "verify", "--expect-head", "6:abc"))


def _verify_export(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(VERIFIER), str(path), *extra],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_export_verifies_independently(cli: Cli, chain: tuple[int, str], tmp_path: Path) -> None:
    target = tmp_path / "audit.jsonl"
    result = cli("audit", "export", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert f"Exported {EVENTS} events" in result.stdout
    assert f"seq {chain[0]} hash {chain[1]}" in result.stdout
    lines = target.read_text().splitlines()
    assert len(lines) == EVENTS
    assert not (tmp_path / "audit.jsonl.partial").exists()

    ok = _verify_export(target, "--head", f"{chain[0]}:{chain[1]}")
    assert (ok.returncode, ok.stdout.split(":")[0]) == (0, "OK"), ok.stdout + ok.stderr
    assert chain[1] in ok.stdout

    edited = json.loads(lines[2])
    edited["after"]["name"] = "Forged"
    lines[2] = json.dumps(edited, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    target.write_text("\n".join(lines) + "\n")
    bad = _verify_export(target)
    assert bad.returncode == 1
    assert bad.stdout.startswith("NOT OK: line 3 (seq 3)"), bad.stdout
    assert "edited" in bad.stdout


def test_standalone_verifier_catches_removed_lines(
    cli: Cli, chain: tuple[int, str], tmp_path: Path
) -> None:
    target = tmp_path / "audit.jsonl"
    cli("audit", "export", "-o", str(target))
    lines = target.read_text().splitlines(keepends=True)
    target.write_text("".join(lines[:2] + lines[3:]))
    assert _verify_export(target).stdout.startswith("NOT OK: line 3 (seq 4)")
    target.write_text("".join(lines[:-1]))
    assert _verify_export(target).returncode == 0  # a shorter export is still a valid chain...
    truncated = _verify_export(target, "--head", f"{chain[0]}:{chain[1]}")
    assert truncated.returncode == 1  # ...until checked against the recorded head
    assert "NOT OK" in truncated.stdout


def test_export_to_stdout_is_only_json_lines(cli: Cli, chain: tuple[int, str]) -> None:
    result = cli("audit", "export")
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["seq"] for e in events] == list(range(1, EVENTS + 1))
    assert events[-1]["hash"] == chain[1]
    assert f"seq {chain[0]} hash {chain[1]}" in result.stderr


def test_export_since(cli: Cli, chain: tuple[int, str]) -> None:
    future = format_time(utcnow() + timedelta(days=1))
    result = cli("audit", "export", "--since", future)
    assert (result.exit_code, result.stdout) == (0, "")
    assert "no events" in result.stderr
    past = cli("audit", "export", "--since", "2000-01-01")
    assert len(past.stdout.splitlines()) == EVENTS
    assert "ISO 8601" in one_error_line(cli("audit", "export", "--since", "yesterday"))


def _damage(db: Database) -> str:
    """Write into event 3 what only raw SQL can: JSON that does not parse and a time that is
    no time on SQLite, an array where an object belongs on PostgreSQL (JSONB parses)."""
    if db.engine.dialect.name == "sqlite":
        sql = "UPDATE audit_events SET after = '{oops', occurred_at = 'garbage' WHERE seq = 3"
        expected = "after is unreadable"
    else:
        sql = "UPDATE audit_events SET after = '[1, 2]'::jsonb WHERE seq = 3"
        expected = "after is unreadable"
    _tamper(db, lambda conn: conn.execute(text(sql)))
    return expected


def test_a_damaged_row_is_reported_by_verify_and_shown_by_the_listings(
    cli: Cli, db: Database, chain: tuple[int, str], client: TestClient
) -> None:
    """#14, finding 4: a row the ORM could not read made the verification, the audit page and
    the events API answer 500, hiding the evidence of tampering they exist to show."""
    expected = _damage(db)
    result = cli("audit", "verify", "--json")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert doc["ok"] is False and doc["first_bad_seq"] == 3
    assert "cannot be read as written" in doc["reason"] and expected in doc["reason"]
    auditor = {"x-api-key": make_key(db, Role.auditor)}
    verified = client.get("/api/v1/audit/verify", headers=auditor)
    assert verified.status_code == 200 and verified.json()["first_bad_seq"] == 3
    events = client.get("/api/v1/audit/events", params={"limit": 200}, headers=auditor)
    assert events.status_code == 200, events.text
    damaged = [e for e in events.json()["items"] if e["damage"]]
    assert [e["seq"] for e in damaged] == [3] and expected in damaged[0]["damage"]
    assert client.get("/api/v1/audit/events/3", headers=auditor).json()["damage"]
    login(client, make_user(db, Role.auditor))
    page = client.get("/audit")
    assert page.status_code == 200, page.text[:300]
    assert "cannot be read as written" in page.text
