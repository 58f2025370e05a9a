"""Inventory and governance at portfolio scale, side by side with what a team would otherwise use.

    .venv/bin/python bench/inventory_governance.py [--systems 10000] [--postgres URL]

On a fresh database (SQLite by default; ``--postgres`` adds a run on PostgreSQL) behind a real
``uvicorn`` server on loopback:

1. imports N systems from one CSV through ``POST /api/v1/systems/import`` (all or nothing),
2. times 60 filtered inventory requests (unit+stage, kind+tag, search, search+unit), 50 per page,
   through the API and through the HTML inventory page,
3. evaluates the whole portfolio against the default policy pack (in process, and through
   ``GET /api/v1/compliance``).

Peers, installed from PyPI into ``bench/.peer-venv`` and run in the same session: MLflow's model
registry (SQLite) loads the same systems as registered models with tags and answers the same
filters (``search_registered_models``); ``rule-engine`` evaluates the same policy documents,
translated to its expressions, over the same facts. Both sides must agree on the number of
failing requirements, or the run stops.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx2 as httpx
from peer_env import run_peer
from portfolio_data import Portfolio, filter_queries, make_portfolio, systems_csv, vendors_csv
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from aitower.core.access import apikeys
from aitower.core.access import service as access
from aitower.core.access.principal import cli_principal
from aitower.core.access.roles import Role
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.governance import policy_service
from aitower.governance.evaluation import evaluate_compliance
from aitower.governance.facts_loader import load_facts
from aitower.governance.policy import default_pack
from aitower.inventory import service as inventory
from aitower.inventory.vocabulary import RiskTier

CTX = ChangeContext(cli_principal("bench"))
SECRET = "b" * 48


def _seed(db: Database, data: Portfolio) -> str:
    """Units, owners, the default policy pack, and an admin API key; returns the key."""
    upgrade(db.engine)
    with db.writing() as session:
        for unit in sorted({unit for _, unit in data.owners}):
            access.create_unit(session, CTX, unit)
        for username, unit in data.owners:
            access.create_user(
                session,
                CTX,
                access.NewUser(
                    username=username,
                    email=f"{username}@example.com",
                    role=Role.engineer,
                    password=None,
                    unit_refs=(unit.lower().replace(" ", "-"),),
                ),
            )
        policy_service.apply_folder(session, CTX, default_pack(), dry_run=False)
        access.create_user(
            session,
            CTX,
            access.NewUser("bench", "bench@example.com", Role.admin, password=None),
        )
        key = apikeys.create_api_key(
            session, CTX, name="bench", role=Role.admin, unit_ref=None, owner_ref="bench"
        )
    return key.secret


def _set_tiers(db: Database, data: Portfolio) -> None:
    """The tiers an EU AI Act assessment would have given (the bench skips the questionnaire)."""
    with db.writing() as session:
        ids = inventory.system_ids_by_name(session, [s["name"] for s in data.systems])
        for system in data.systems:
            tier = None if system["tier"] is None else RiskTier(system["tier"])
            inventory.set_risk_tier(session, ids[system["name"]], tier)


@contextmanager
def _server(db_url: str, home: Path) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "AITOWER_DATABASE_URL": db_url,
        "AITOWER_SECRET_KEY": SECRET,
        "AITOWER_DATA_DIR": str(home),
        "AITOWER_LOG_LEVEL": "warning",
        "AITOWER_MAX_BODY_BYTES": str(64 * 1024 * 1024),
    }
    command = [sys.executable, "-m", "uvicorn", "aitower.asgi:app", "--port", str(port)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=15)


def _timed_gets(client: httpx.Client, path: str, queries: list[dict[str, str]]) -> list[float]:
    """GET each filtered page (units by id, as the API and the page's select take them)."""
    units = {u["name"]: u["id"] for u in client.get("/api/v1/units?limit=200").json()["items"]}
    timings = []
    for query in queries:
        params = {**query, "limit": 50, "sort": "name"}
        if "unit" in query:
            params["unit"] = units[query["unit"]]
        started = time.perf_counter()
        answer = client.get(f"{path}?{urlencode(params)}")
        timings.append(time.perf_counter() - started)
        answer.raise_for_status()
    return timings


def _facts_for_peer(facts: dict[Any, Any], today: Any) -> list[dict[str, Any]]:
    levels = {"public": 0, "internal": 1, "confidential": 2, "restricted": 3}
    ratings = {"low": 0, "medium": 1, "high": 2, "critical": 3}
    return [
        {
            "name": f.name,
            "kind": f.kind,
            "unit": f.unit,
            "stage": f.stage,
            "tier": f.tier or "unassessed",
            "tags": sorted(f.tags),
            "level": levels[f.data_classification],
            "personal_data": f.personal_data,
            "special_category_data": f.special_category_data,
            "fields_set": sorted(f.fields_set),
            "documents": sorted(f.documents),
            "questionnaire_done": f.questionnaire_done,
            "max_open_risk": max(f.open_risk_scores, default=0),
            "vendors": [
                {
                    "type": v.vendor_type,
                    "dpa": v.dpa_signed,
                    "attested": v.attestation_valid(today),
                    "trains": v.trains_on_customer_data,
                    "rating": ratings[v.risk_rating],
                }
                for v in f.vendors
            ],
        }
        for f in facts.values()
    ]


def _evaluate_portfolio(db: Database) -> tuple[float, int, list[dict[str, Any]], list[Any]]:
    today = datetime.now(UTC).date()
    started = time.perf_counter()
    with db.reading() as session:
        policies = policy_service.active_policies(session)
        facts = load_facts(session, None, None, today)
    failing = 0
    for system in facts.values():
        for status in evaluate_compliance(policies, system, today=today):
            failing += sum(f.outcome != "pass" for f in status.findings)
    elapsed = time.perf_counter() - started
    return elapsed, failing, _facts_for_peer(facts, today), [p.to_document() for p in policies]


def _ms(values: list[float]) -> tuple[float, float]:
    return statistics.median(values) * 1000, statistics.quantiles(values, n=20)[-1] * 1000


def _run_store(label: str, db_url: str, data: Portfolio, work: Path) -> dict[str, Any]:
    db = Database(db_url)
    key = _seed(db, data)
    queries = filter_queries()
    with (
        _server(db_url, work) as url,
        httpx.Client(
            base_url=url, headers={"authorization": f"Bearer {key}"}, timeout=600
        ) as client,
    ):
        client.post(
            "/api/v1/vendors/import", content=vendors_csv(data.vendors),
            headers={"content-type": "text/csv"},
        ).raise_for_status()  # fmt: skip
        body = systems_csv(data.systems)
        started = time.perf_counter()
        answer = client.post(
            "/api/v1/systems/import", content=body, headers={"content-type": "text/csv"}
        )
        imported = time.perf_counter() - started
        answer.raise_for_status()
        report = answer.json()
        assert len(report["created"]) == len(data.systems), report.get("errors")
        _set_tiers(db, data)
        _timed_gets(client, "/api/v1/systems", queries[:5])  # warm caches and connections
        api = _timed_gets(client, "/api/v1/systems", queries)
        page = _timed_gets(client, "/systems", queries)
        started = time.perf_counter()
        client.get("/api/v1/compliance").raise_for_status()
        compliance_http = time.perf_counter() - started
    evaluate_s, failing, peer_facts, documents = _evaluate_portfolio(db)
    db.dispose()
    return {
        "label": label,
        "import_s": imported,
        "api_ms": _ms(api),
        "page_ms": _ms(page),
        "compliance_http_s": compliance_http,
        "evaluate_s": evaluate_s,
        "failing": failing,
        "peer_facts": peer_facts,
        "policies": documents,
    }


def _fresh_postgres(url: str) -> str:
    parsed = make_url(url)
    name = f"aitower_bench_{os.getpid()}"
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--systems", type=int, default=10_000)
    parser.add_argument("--postgres", help="also run on this PostgreSQL server (URL)")
    args = parser.parse_args()
    data = make_portfolio(args.systems)
    queries = filter_queries()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        runs = [_run_store("SQLite", f"sqlite:///{work / 'aitower.db'}", data, work)]
        if args.postgres:
            runs.append(_run_store("PostgreSQL", _fresh_postgres(args.postgres), data, work))
        dataset = work / "systems.json"
        dataset.write_text(json.dumps(data.systems))
        (work / "queries.json").write_text(json.dumps(queries))
        mlflow = run_peer("mlflow_registry.py", str(dataset), str(work / "queries.json"))
        (work / "facts.json").write_text(json.dumps(runs[0]["peer_facts"]))
        (work / "policies.json").write_text(json.dumps(runs[0]["policies"]))
        rules = run_peer(
            "rule_engine_policies.py", str(work / "facts.json"), str(work / "policies.json")
        )
    _report(args.systems, runs, mlflow, rules)


def _report(
    n: int, runs: list[dict[str, Any]], mlflow: dict[str, Any], rules: dict[str, Any]
) -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    print(f"{machine}, Python {platform.python_version()}, {n:,} systems")
    for run in runs:
        if run["failing"] != rules["failing"]:
            raise SystemExit(
                f"disagreement: aitower finds {run['failing']} failing requirements, "
                f"rule-engine {rules['failing']}"
            )
        api, page = run["api_ms"], run["page_ms"]
        rows = [
            ("import, aitower API (CSV, one request)", f"{run['import_s']:.1f} s", ""),
            (
                "import, MLflow registry (create loop)",
                f"{mlflow['load_s']:.1f} s",
                f"{mlflow['load_s'] / run['import_s']:.1f}x",
            ),
            ("filtered list, aitower API (median / p95)", f"{api[0]:.1f} / {api[1]:.1f} ms", ""),
            ("filtered list, aitower HTML page", f"{page[0]:.1f} / {page[1]:.1f} ms", ""),
            (
                "filtered list, MLflow search (in process)",
                f"{mlflow['query_median_ms']:.1f} / {mlflow['query_p95_ms']:.1f} ms",
                f"{mlflow['query_median_ms'] / api[0]:.1f}x",
            ),
            ("portfolio evaluation, aitower (in process)", f"{run['evaluate_s']:.2f} s", ""),
            (
                "portfolio evaluation, rule-engine",
                f"{rules['evaluate_s']:.2f} s",
                f"{rules['evaluate_s'] / run['evaluate_s']:.1f}x",
            ),
            ("GET /api/v1/compliance (whole portfolio)", f"{run['compliance_http_s']:.2f} s", ""),
        ]
        print(f"\n[{run['label']}]  ({run['failing']:,} failing requirements on both sides)")
        print(f"  {'measure':<44} {'time':>18}  peer / aitower")
        for label, value, ratio in rows:
            print(f"  {label:<44} {value:>18}  {ratio}")


if __name__ == "__main__":
    main()
