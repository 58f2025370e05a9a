"""docs/permissions.md is generated from the permission matrix and the routes, and kept current."""

from __future__ import annotations

from pathlib import Path

from aitower.app import create_app
from aitower.cli import permissions_markdown
from aitower.core.access.permissions_doc import LOGGED_IN, PUBLIC, access_text
from aitower.core.access.roles import MATRIX, Role
from aitower.core.db.engine import Database
from aitower.core.settings import Settings
from aitower.core.web.routes import route_access

DOC = Path(__file__).parents[2] / "docs" / "permissions.md"


def test_permissions_doc_is_current() -> None:
    fresh = permissions_markdown()
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    assert current == fresh, (
        "docs/permissions.md differs from the permission matrix and routes: "
        "run `aitower permissions doc` (or `make docs`) and commit the result"
    )


def test_doc_lists_every_permission_and_role() -> None:
    text = permissions_markdown()
    for permission in MATRIX:
        assert f"| `{permission.value}` |" in text
    for role in Role:
        assert f"- **{role.value}**" in text


def test_routes_carry_their_guard(sqlite_database_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=sqlite_database_url, data_dir=tmp_path, secret_key="s" * 48)
    db = Database(sqlite_database_url)
    try:
        routes = create_app(settings, database=db).routes
        access = {(r.method, r.path): access_text(r) for r in route_access(routes)}
    finally:
        db.dispose()
    assert access[("GET", "/api/v1/users")] == "`users.read`"
    assert access[("POST", "/api/v1/users")] == "`users.write`"
    assert access[("GET", "/api/v1/me")] == LOGGED_IN
    for public in ("/login", "/healthz", "/readyz", "/api/v1/openapi.json", "/static/{path}"):
        assert access[("GET", public)] == PUBLIC, public
