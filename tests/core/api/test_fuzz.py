"""The API's contract, checked by schemathesis from the app's own OpenAPI document.

Every operation gets generated requests, valid and invalid (bodies, queries, path ids), with
an admin key (every route is reached past its guard) and with a read-only key (the auditor's:
writes must be refused as documented). Each response must:

- not be a server error;
- have a status code the operation documents, a documented content type, and a body and
  headers valid against the documented schema;
- refuse a request that breaks the schema (``negative_data_rejection``);
- be problem+json when it is an error.

A stateful run then chains operations through the links schemathesis infers from the
document (create a system, read it, change it, attach evidence, delete...).

Bounded in examples so it is a test, not a campaign; on both dialects. Not checked:
``positive_data_acceptance`` (every schema-valid request is accepted). A request can be
schema-valid and still name a user, unit or system that does not exist, or break a business
rule (a window must start before it ends); 422 is the right answer to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.generation.stateful.state_machine import APIStateMachine

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from support import make_key, seed_units

EXAMPLES_PER_OPERATION = 25
STATEFUL_EXAMPLES, STATEFUL_STEPS = 12, 6
PROBLEM = ("application/problem+json",)
CONTRACT: list[Callable[..., Any]] = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
]
BOUNDED = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


def _broken(case: schemathesis.Case, response: Any) -> list[str]:
    """What is wrong with this answer: the contract's failures, and a non-problem error."""
    where = f"{case.method} {case.formatted_path} [{response.status_code}]"
    found: list[str] = []
    try:
        case.validate_response(response, checks=CONTRACT)
    except BaseException as group:  # schemathesis' FailureGroup is a BaseExceptionGroup
        if isinstance(group, KeyboardInterrupt):
            raise
        for failure in getattr(group, "exceptions", [group]):
            title = getattr(failure, "title", type(failure).__name__)
            message = str(getattr(failure, "message", failure)).strip().splitlines()
            found.append(f"{where} {title}: {message[0][:200] if message else ''}")
    if response.status_code >= 400:
        kind = response.headers.get("content-type", [""])[0]
        if not kind.startswith(PROBLEM):
            found.append(f"{where}: {kind} error")
    return found


@pytest.mark.parametrize("role", [Role.admin, Role.auditor], ids=["admin", "read-only"])
def test_every_operation_keeps_its_contract(app: FastAPI, db: Database, role: Role) -> None:
    seed_units(db)
    headers = {"x-api-key": make_key(db, role)}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @BOUNDED
        @given(case=operation.as_strategy())
        def probe(case: schemathesis.Case) -> None:
            failures.extend(_broken(case, case.call(headers=headers)))

        probe()
    assert operations >= 100
    assert failures == []


def test_chained_operations_keep_the_contract(app: FastAPI, db: Database) -> None:
    seed_units(db)
    key = make_key(db, Role.admin)
    # The document declares bearer auth beside the key, so schemathesis makes up an
    # ``Authorization`` header now and then, which the server reads first: every call after it
    # was refused (401) and the chains followed nothing they made. Ours overrides it.
    headers = {"x-api-key": key, "authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    calls: list[str] = []

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(
            self, response: Any, case: schemathesis.Case, *_: Any, **__: Any
        ) -> None:
            calls.append(f"{case.method} {case.path} {response.status_code}")
            failures.extend(_broken(case, response))

    assert issubclass(Machine, APIStateMachine)
    Machine.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
    )
    created = [c for c in calls if c.startswith("POST") and c.endswith(" 201")]
    assert created, "the chains created something to follow"
    assert failures == []
