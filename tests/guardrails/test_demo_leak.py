"""The demo's leak episode: the knowledge assistant's answers hold IBANs and a token on two
days, generated deterministically, found by the detectors, and (once ingest scans what it
stores) recorded as findings of the demo's "Knowledge assistant"."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

from sqlalchemy import select

from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.demo.loader import DemoPassword, load_demo, load_demo_history
from aitower.demo import DEMO_CONTRIBUTORS
from aitower.detectors.scan import scan
from aitower.inventory import service as inventory
from aitower.telemetry.demo_leak import german_iban, github_token
from aitower.telemetry.demo_shapes import KNOWLEDGE
from aitower.telemetry.demo_traffic import generate_traffic
from aitower.telemetry.finding_tables import ContentFindingRow as F

NOW = datetime(2026, 6, 3, 9, 30, tzinfo=UTC)
PASSWORD = DemoPassword("demo-password-for-tests", "stdin")
TRAFFIC = [c for c in DEMO_CONTRIBUTORS if c.__name__ != "add_demo_models"]


def _answers(now: datetime) -> list[tuple[datetime, str]]:
    found = []
    for s in generate_traffic(now, scale=0.01).spans:
        output = s.attributes.get("gen_ai.output.messages")
        if s.service_name == KNOWLEDGE and isinstance(output, str) and "IBAN" in output:
            text = json.loads(output)[0]["parts"][0]["content"]
            found.append((datetime.fromtimestamp(s.start_unix_nano / 1e9, UTC), text))
    return found


def test_made_values_pass_their_checks() -> None:
    rng = random.Random(1)
    for _ in range(50):
        iban = german_iban(rng)
        assert [d.type for d in scan(f"IBAN {iban}")] == ["iban"]
    token = github_token(rng)
    assert [d.type for d in scan(f"token {token}")] == ["secret.github_token"]


def test_the_episode_leaks_on_two_days_whatever_the_scale() -> None:
    answers = _answers(NOW)
    assert answers == _answers(NOW)  # deterministic for a now
    days: dict[str, set[str]] = {}
    for at, text in answers:
        for d in scan(text):
            days.setdefault(d.type, set()).add(at.date().isoformat())
    assert days["iban"] == {"2026-05-30", "2026-06-01"}
    assert days["secret.github_token"] == {"2026-06-01"}


def test_the_loaded_demo_has_the_assistants_leak_as_findings(db: Database) -> None:
    """Passes once telemetry's ingest scans what it stores (the redaction step of #16)."""
    demo = load_demo(db, ChangeContext(system_principal("test")), PASSWORD, contributors=TRAFFIC)
    assert demo is not None
    load_demo_history(db, demo, scale=0.01)
    with db.reading() as session:
        assistant = inventory.system_ids_by_name(session, ["Knowledge assistant"])
        rows = session.execute(
            select(F.finding_type, F.seen_at).where(
                F.system_id == assistant["Knowledge assistant"], F.field == "output"
            )
        ).all()
    days: dict[str, set[object]] = {}
    for finding_type, seen_at in rows:
        days.setdefault(finding_type, set()).add(seen_at.date())
    assert len(days.get("iban", ())) >= 2
    assert "secret.github_token" in days
    assert len(days["iban"] | days["secret.github_token"]) >= 2
