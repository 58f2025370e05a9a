"""Migrations: empty → head → base → head on both dialects, and models equal to migrations."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from aitower.app import metadata
from aitower.core.db.engine import Database
from aitower.core.db.migrate import (
    HEAD_REVISION,
    downgrade,
    head_revision,
    include_name,
    is_engine_owned,
    schema_state,
    upgrade,
)


def _tables(db: Database) -> set[str]:
    found = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    return {name for name in found if not is_engine_owned(name)}


def test_upgrade_downgrade_upgrade_round_trip(empty_db: Database) -> None:
    assert schema_state(empty_db.engine).current is None
    upgrade(empty_db.engine)
    assert schema_state(empty_db.engine).up_to_date
    assert _tables(empty_db) == set(metadata.tables)
    downgrade(empty_db.engine, "base")
    assert _tables(empty_db) == set()
    upgrade(empty_db.engine)
    assert schema_state(empty_db.engine).current == head_revision()


def test_models_match_migrations(empty_db: Database) -> None:
    upgrade(empty_db.engine)
    with empty_db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        diff = compare_metadata(context, metadata)
    assert diff == [], (
        "the models and the migrations differ; write a migration for the model change "
        f"(alembic autogenerate can draft it): {diff}"
    )


def test_head_row_of_audit_chain_exists_after_upgrade(empty_db: Database) -> None:
    upgrade(empty_db.engine)
    with empty_db.engine.connect() as conn:
        row = conn.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).one()
    assert (row.seq, row.hash) == (0, "0" * 64)


def test_database_ahead_of_this_aitower_is_explained(empty_db: Database) -> None:
    upgrade(empty_db.engine)
    with empty_db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'from_the_future'"))
    state = schema_state(empty_db.engine)
    assert not state.known
    assert "newer aitower" in state.explain()


def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'p.db'}")
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    database.dispose()


def test_the_recorded_head_is_alembics_head() -> None:
    # A new migration must move HEAD_REVISION too, or servers would refuse a current database.
    assert head_revision() == HEAD_REVISION


def test_a_current_database_is_served_without_loading_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'current.db'}"
    database = Database(url)
    upgrade(database.engine)
    database.dispose()
    program = (
        "import sys\n"
        "from aitower.core.db.engine import Database\n"
        "from aitower.core.db.migrate import schema_state\n"
        f"assert schema_state(Database({url!r}).engine).up_to_date\n"
        "print('alembic' in sys.modules)\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "False"


ROLLUPS = ("telemetry_rollup_minute", "telemetry_rollup_hour", "telemetry_rollup_6h")  # at 0010
ROLLUP_SUMS = (
    "spans", "requests", "errors", "latency_sum_ms", "llm_calls", "llm_errors", "input_tokens",
    "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "cost",
    "unpriced_calls", "unpriced_tokens",
)  # fmt: skip


DENSE_OLD = json.dumps({str(i): 3 for i in range(12, 43, 2)} | {"z": 2})


def _rollup_histograms(db: Database) -> list[object]:
    """Each rollup table's histograms, the dense row's first."""
    found: list[object] = []
    with db.engine.connect() as conn:
        for table in ROLLUPS:
            query = f"SELECT latency_hist FROM {table} ORDER BY system_key DESC"
            found += conn.execute(text(query)).scalars().all()
    return [json.loads(v) if isinstance(v, str) else v for v in found]


def test_rollup_histograms_written_before_0010_are_packed_and_unpacked_back(
    empty_db: Database,
) -> None:
    """Rollup rows of an older aitower keep their latency histograms across 0010, both ways: a
    dense one (16 buckets filled among 31) is packed, a sparse one stays as it was."""
    upgrade(empty_db.engine, "0009")
    postgres = empty_db.engine.dialect.name == "postgresql"
    hist = "CAST(:h AS JSONB)" if postgres else ":h"
    columns = ", ".join(ROLLUP_SUMS)
    zeros = ", ".join("0" for _ in ROLLUP_SUMS)
    with empty_db.engine.begin() as conn:
        for table in ROLLUPS:
            conn.execute(
                text(
                    f"INSERT INTO {table} (bucket_start, system_key, model, latency_hist,"
                    f" {columns}) VALUES (:b, 'sys', '', {hist}, {zeros})"
                ),
                {"b": datetime(2026, 12, 1, 10, tzinfo=UTC), "h": DENSE_OLD},
            )
            conn.execute(
                text(
                    f"INSERT INTO {table} (bucket_start, system_key, model, latency_hist,"
                    f" {columns}) VALUES (:b, 'sparse', '', {hist}, {zeros})"
                ),
                {"b": datetime(2026, 12, 1, 10, tzinfo=UTC), "h": '{"12": 3, "95": 1}'},
            )
    upgrade(empty_db.engine)
    packed = [2, 12, *([3, 0] * 15), 3]
    assert _rollup_histograms(empty_db) == [packed, {"12": 3, "95": 1}] * 3
    downgrade(empty_db.engine, "0009")
    assert _rollup_histograms(empty_db) == [json.loads(DENSE_OLD), {"12": 3, "95": 1}] * 3


def test_0011_links_each_key_to_the_person_who_made_it(empty_db: Database) -> None:
    """A user's key goes to that user; a key made by a key goes to that key's owner; keys made
    by the CLI or aitower itself have no person behind them and stay without owner."""
    upgrade(empty_db.engine, "0010")
    alice = uuid.uuid4()
    now = datetime(2026, 12, 1, tzinfo=UTC)
    keys = {"k_user": "user:alice", "k_child": "apikey:k_user", "k_cli": "cli:root"}
    with empty_db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, username, email, display_name, role, all_units,"
                " disabled, failed_logins, created_at, updated_at) VALUES (:id, 'alice',"
                " 'alice@example.com', 'Alice', 'engineer', false, false, 0, :now, :now)"
            ),
            {"id": _uuid_param(empty_db, alice), "now": now},
        )
        for prefix, created_by in keys.items():
            conn.execute(
                text(
                    "INSERT INTO api_keys (id, name, prefix, secret_hash, role, created_by,"
                    " created_at) VALUES (:id, :p, :p, 'h', 'engineer', :by, :now)"
                ),
                {
                    "id": _uuid_param(empty_db, uuid.uuid4()),
                    "p": prefix,
                    "by": created_by,
                    "now": now,
                },
            )
    upgrade(empty_db.engine)
    with empty_db.engine.connect() as conn:
        owners = dict(conn.execute(text("SELECT prefix, owner_id FROM api_keys")).all())
    expected = {"k_user": alice, "k_child": alice, "k_cli": None}
    assert {p: _as_uuid(o) for p, o in owners.items()} == expected
    downgrade(empty_db.engine, "0010")
    assert "owner_id" not in {c["name"] for c in inspect(empty_db.engine).get_columns("api_keys")}


def _uuid_param(db: Database, value: uuid.UUID) -> object:
    return value if db.engine.dialect.name == "postgresql" else value.hex


def _as_uuid(value: object) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(str(value))
