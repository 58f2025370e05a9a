"""``/value/advice`` through the real app on SQLite and PostgreSQL: items, charts, the tabs,
the stakeholder's view (no link she cannot follow), a bad filter named."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import time_machine
from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from portfolio_advice.support_advice import NOW, World, build_world
from support import login, make_user


@pytest.fixture
def world(db: Database) -> Iterator[World]:
    with time_machine.travel(NOW, tick=True):
        yield build_world(db)


def test_the_ops_manager_sees_every_item_with_its_evidence(
    client: TestClient, db: Database, world: World
) -> None:
    login(client, make_user(db, Role.ops_manager))
    page = client.get("/value/advice")
    assert page.status_code == 200
    assert page.text.count('data-testid="advice-item"') == 5
    assert 'data-tab="advice" class="active"' in page.text
    assert "<svg" in page.text and "two-proportion z-test" in page.text
    assert f'href="/monitoring/traces?system={world.bot}&amp;model=big"' in page.text
    kinds = re.findall(r'data-testid="advice-item" data-kind="([a-z_]+)"', page.text)
    assert kinds[-1] in {"cache", "prompt_growth", "cheaper_model"}  # licences save most
    assert kinds[0] == "idle_licences"
    only = client.get("/value/advice", params={"kind": "prompt_growth"})
    assert only.text.count('data-testid="advice-item"') == 1
    bad = client.get("/value/advice", params={"kind": "cheap"})
    assert bad.status_code == 422 and 'data-testid="form-error"' in bad.text


def test_every_link_on_the_stakeholders_page_opens(
    client: TestClient, db: Database, world: World
) -> None:
    login(client, make_user(db, Role.stakeholder, units=("finance",)))
    page = client.get("/value/advice")
    assert page.status_code == 200
    assert page.text.count('data-testid="advice-item"') == 3
    hrefs = set(re.findall(r'<section class="card advice".*?</section>', page.text, re.S))
    links = {h for block in hrefs for h in re.findall(r'href="([^"]+)"', block)}
    assert links
    for href in links:
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href
