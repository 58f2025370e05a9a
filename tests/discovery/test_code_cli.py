"""``aitower discover code DIR``: a repository's AI integrations, the registered one claimed by
its system, the others stored as findings of kind ``code`` (audited, refused the second time)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from aitower.core.db.engine import Database
from aitower.discovery.tables import DiscoveryFindingRow
from aitower.inventory import service as inventory
from cli_support import Cli, base_env, one_error_line
from discovery.discovery_support import world
from support import CTX
from support_inventory import audit_count


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def _repo(root: Path) -> Path:
    """Three projects: the registered support bot (OpenAI), an unregistered contract
    summariser (Anthropic, with a model name) and a plain web app with no AI."""
    bot = root / "support-bot"
    bot.mkdir(parents=True)
    (bot / "requirements.txt").write_text("fastapi==0.115\nopenai>=1.40\n")
    (bot / "app.py").write_text("from openai import OpenAI\n\nclient = OpenAI()\n")
    summariser = root / "contract-summariser"
    summariser.mkdir()
    (summariser / "package.json").write_text(
        '{"name": "summariser", "dependencies": {"@anthropic-ai/sdk": "^0.30.0"}}\n'
    )
    (summariser / "index.ts").write_text(
        'import Anthropic from "@anthropic-ai/sdk";\nconst model = "claude-sonnet-4-5";\n'
    )
    web = root / "web"
    web.mkdir()
    (web / "main.py").write_text("print('hello')\n")
    return root


def test_unregistered_integrations_become_findings(cli: Cli, db: Database, tmp_path: Path) -> None:
    units = world(db)
    doc = {"name": "Support bot", "kind": "llm_app", "unit": str(units.finance),
           "links": {"repository": "https://git.example.com/acme/support-bot"}}  # fmt: skip
    with db.writing() as session:
        inventory.create_system(session, CTX, doc)
    repo = _repo(tmp_path / "monorepo")
    before = audit_count(db)

    done = cli("discover", "code", str(repo), "--unit", str(units.marketing))
    assert done.exit_code == 0, done.output
    assert "contract-summariser" in done.stdout and "unregistered" in done.stdout
    assert "1 new and 0 merged findings" in done.stdout
    with db.reading() as session:
        rows = session.execute(select(DiscoveryFindingRow)).scalars().all()
    assert [(r.kind, r.service_id, r.user_name, r.unit_id) for r in rows] == [
        ("code", "anthropic-api", "code:contract-summariser", units.marketing)
    ]
    assert rows[0].model == "claude-sonnet-4-5"
    assert audit_count(db) == before + 1  # one event for the scan

    again = cli("discover", "code", str(repo))
    refused = one_error_line(again)
    assert "sha256" in refused and "scanned already" in refused, refused
    missing = cli("discover", "code", str(tmp_path / "nowhere"))
    assert "folder" in one_error_line(missing)
