"""The "Connect an app" page: open to the ops manager as to the engineer, the endpoints, the
header and the service name of a picked system, the snippets of ``telemetry.connect`` for this
server; the new key's page shows the same environment with its key."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.inventory import service as inventory
from aitower.telemetry.connect import ConnectSettings, env_block, snippets
from support import CTX, login, make_user, seed_units

BASE = "http://testserver"


def _pre(page: str, testid: str) -> str:
    found = re.search(rf'<pre class="[^"]*" data-testid="{testid}">(.*?)</pre>', page, re.S)
    assert found, f"no {testid} on the page"
    return html.unescape(found.group(1))


def _snippets(page: str) -> dict[str, str]:
    pattern = r'<pre class="snippet" data-language="[^"]+" data-slug="([^"]+)">(.*?)</pre>'
    found = re.findall(pattern, page, re.S)
    return {slug: html.unescape(text) for slug, text in found}


def test_the_ops_manager_sees_every_setting_and_snippet(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    with db.writing() as session:
        doc = {"name": "Support bot", "kind": "llm_app", "unit": str(units.unit_id),
               "services": ["support-bot"]}  # fmt: skip
        system = inventory.create_system(session, CTX, doc).id
    login(client, make_user(db, Role.ops_manager))
    assert 'href="/monitoring/connect"' in client.get("/monitoring").text
    page = client.get("/monitoring/connect")
    assert page.status_code == 200
    assert f'data-testid="http-endpoint">{BASE}/v1/traces<' in page.text
    assert 'data-testid="grpc-endpoint">http://testserver:4317<' in page.text
    assert "made by an admin or engineer" in page.text  # the ops manager cannot make one
    placeholder = ConnectSettings(BASE, 4317)
    assert _pre(page.text, "otel-env") == env_block(placeholder)
    assert _snippets(page.text) == {s.slug: s.text for s in snippets(placeholder)}

    picked = client.get(f"/monitoring/connect?system={system}").text
    named = ConnectSettings(BASE, 4317, service_name="support-bot")
    assert "OTEL_SERVICE_NAME=support-bot" in _pre(picked, "otel-env")
    assert _snippets(picked) == {s.slug: s.text for s in snippets(named)}


def test_who_may_open_it_and_the_new_keys_page(client: TestClient, db: Database) -> None:
    seed_units(db)
    token = login(client, make_user(db, Role.stakeholder))
    assert client.get("/monitoring/connect").status_code == 403
    client.cookies.clear()
    token = login(client, make_user(db, Role.engineer))
    page = client.get("/monitoring/connect").text
    assert 'data-testid="make-key"' in page
    assert 'href="/monitoring/connect"' in client.get("/admin/api-keys").text
    created = client.post(
        "/admin/api-keys",
        data={"csrf_token": token, "name": "bot exporter", "role": "engineer", "unit": "finance"},
    )
    assert created.status_code == 200
    secret = _pre(created.text, "secret")
    env = _pre(created.text, "otel-env")
    assert env == env_block(ConnectSettings(BASE, 4317, key=secret))
    assert "OTEL_SERVICE_NAME=<your-service-name>" in env
