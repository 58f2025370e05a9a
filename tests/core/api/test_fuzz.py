"""Schema-driven fuzzing of the app's own OpenAPI document: no input gives a 5xx.

Schemathesis generates requests for every operation (valid and invalid bodies, queries and
path ids); each must get an answer below 500, and every error must be problem+json. Bounded
in examples so it stays a test, not a campaign; it runs as an admin so every route is reached
past its guard, on both dialects.
"""

from __future__ import annotations

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from support import make_key, seed_units

EXAMPLES_PER_OPERATION = 30
PROBLEM = ("application/problem+json",)


def test_no_input_gives_a_server_error(app: FastAPI, db: Database) -> None:
    seed_units(db)
    headers = {"x-api-key": make_key(db, Role.admin)}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(case=operation.as_strategy())
        def probe(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.text[:300]}")
            elif response.status_code >= 400:
                kind = response.headers.get("content-type", [""])[0]
                if not kind.startswith(PROBLEM):
                    failures.append(f"{case.method} {case.formatted_path}: {kind} error")

        probe()
    assert operations >= 15
    assert failures == []
