"""Fixtures: a clean, migrated database per test on SQLite and on PostgreSQL, and the app on it.

SQLite: the schema is migrated once into a template file, copied for each test. PostgreSQL
(``AITOWER_TEST_POSTGRES_URL``): migrated once into a template database, cloned with
``CREATE DATABASE … TEMPLATE`` for each test and dropped after. Without PostgreSQL those tests
skip, unless ``AITOWER_REQUIRE_POSTGRES=1`` (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from aitower.app import create_app
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.core.settings import Settings
from moved_clock import start_from_env
from support import SECRET

# AITOWER_TEST_NOW=2027-03-28T00:59:50+00:00 (opt-in) runs every test with the clock moved there
# and ticking: once per process, pytest-xdist's workers and the Python subprocesses tests start
# (servers, CLI) included; moved_clock.py says how, and what cannot move (PostgreSQL's clock).
start_from_env()

# Every test that loads the whole demo (CLI, `serve --demo`, subprocesses) stores a small slice of
# its LLM traffic history, not the 90,000 spans a real `aitower demo` stores.
os.environ.setdefault("AITOWER_DEMO_TRAFFIC_SCALE", "0.004")
# Thousands of users are created and logged in: argon2's cheapest parameters, not 0.1-0.4 s a
# hash (tests/core/access checks that the product's default is the RFC 9106 one).
os.environ.setdefault("AITOWER_INSECURE_FAST_PASSWORD_HASHES", "1")
# No OTLP/gRPC endpoint on 4317 for the apps tests build (many at once under xdist would fight
# for it): tests of the gRPC endpoint and the servers of servers.py pick free ports.
os.environ.setdefault("AITOWER_OTLP_GRPC_PORT", "0")
# Rich fixes a console's width when it is created (at import) if COLUMNS is set then, as it is in
# pytest-xdist's workers: wide enough everywhere that no line a test reads is wrapped.
os.environ["COLUMNS"] = "200"

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# One template per test run, so runs side by side never drop each other's template.
TEMPLATE_DB = f"aitower_test_template_{os.getpid()}"


def _require(flag: str) -> bool:
    return os.environ.get(flag, "") not in ("", "0", "false", "no")


def pg_admin_url() -> str:
    return os.environ.get("AITOWER_TEST_POSTGRES_URL", DEFAULT_PG)


def _pg_unavailable_reason() -> str | None:
    try:
        engine = create_engine(pg_admin_url(), connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL at {pg_admin_url()} unreachable: {type(exc).__name__}: {exc}"[:300]
    return None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "aitower.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db.engine)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    reason = _pg_unavailable_reason()
    if reason is not None:
        if _require("AITOWER_REQUIRE_POSTGRES"):
            pytest.fail(f"AITOWER_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    admin = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{TEMPLATE_DB}"'))
    url = make_url(pg_admin_url()).set(database=TEMPLATE_DB).render_as_string(hide_password=False)
    db = Database(url)
    upgrade(db.engine)
    db.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_database_url(pg_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database cloned from the migrated template."""
    name = f"aitower_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"'))
    yield make_url(pg_template).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def sqlite_database_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "aitower.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """The same test on both dialects."""
    fixture = "sqlite_database_url" if request.param == "sqlite" else "pg_database_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # OTLP requests are stored in the test's process; test_ingest_workers covers the workers.
    return Settings(
        database_url=database_url,
        data_dir=tmp_path,
        secret_key=SECRET,
        dev_mode=False,
        ingest_workers=0,
    )


@pytest.fixture
def app(settings: Settings, db: Database) -> FastAPI:
    return create_app(settings, database=db)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client
