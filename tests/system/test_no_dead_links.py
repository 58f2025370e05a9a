"""No page shows a reader a link she cannot follow: as each demo role, follow every link.

A live server on the whole demo (every capability's contributors, a small traffic history);
each role logs in and walks the site breadth-first from the Overview, opening every same-site
link (a few per route shape, so ids do not multiply the walk), and no link may answer 403, 404
or 5xx. This is what the business stakeholder found by hand: links on her pages that led to
"Forbidden".
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from aitower.core.demo.loader import DEMO_USERS
from aitower.demo import DEMO_CONTRIBUTORS
from browser_support import LiveServer, demo_live
from support import PASSWORD

PER_SHAPE = 2  # pages opened per route shape (ids replaced), to bound the walk
LIMIT = 400  # pages per role at most
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}")
_HREF = re.compile(r'href="([^"#]+)"')
_SKIP = ("/logout", "/static/", "/api/", "/metrics", "/v1/")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with demo_live(tmp_path_factory.mktemp("links"), DEMO_CONTRIBUTORS, 0.05) as server:
        yield server


def _logged_in(server: LiveServer, username: str) -> httpx.Client:
    client = httpx.Client(base_url=server.url, follow_redirects=True, timeout=60)
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    data = {"username": username, "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token.group(1)
    answer = client.post("/login", data=data)
    assert answer.status_code == 200 and f">{username}<" in answer.text, username
    return client


def _walk(client: httpx.Client, base: str) -> tuple[int, list[str]]:
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    found_on: dict[str, str] = {}
    queue, dead = deque(["/"]), []
    while queue and len(seen) < LIMIT:
        path = queue.popleft()
        seen.add(path)
        answer = client.get(path)
        if answer.status_code in (403, 404) or answer.status_code >= 500:
            dead.append(f"{answer.status_code} {path} (linked from {found_on.get(path)})")
            continue
        if "text/html" not in answer.headers.get("content-type", ""):
            continue
        for href in _HREF.findall(answer.text):
            target = urljoin(f"{base}{path}", href.replace("&amp;", "&"))
            if not target.startswith(base):
                continue
            parts = urlsplit(target)
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            shape = _ID.sub("{id}", parts.path)
            if local in seen or local in found_on or local.startswith(_SKIP):
                continue
            if shapes.get(shape, 0) >= PER_SHAPE:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            found_on[local] = path
            queue.append(local)
    return len(seen), dead


@pytest.mark.parametrize("username", [user.username for user in DEMO_USERS])
def test_every_link_a_role_is_shown_opens(demo: LiveServer, username: str) -> None:
    client = _logged_in(demo, username)
    try:
        pages, dead = _walk(client, demo.url)
    finally:
        client.close()
    assert pages > 20, f"{username} reached only {pages} pages"
    assert dead == [], f"{username} is shown links that do not open:\n" + "\n".join(dead)


def test_the_walk_would_see_a_forbidden_link(demo: LiveServer) -> None:
    """The walk is not blind: a page the stakeholder may not open answers 403 to her."""
    stakeholder = next(u.username for u in DEMO_USERS if u.role.value == "stakeholder")
    client = _logged_in(demo, stakeholder)
    try:
        assert client.get("/monitoring/channels").status_code == 403
    finally:
        client.close()
