"""The OpenAPI document as the API really behaves: API-key security and problem+json errors.

FastAPI describes validation errors with its own ``HTTPValidationError`` shape; aitower answers
RFC 9457 problems instead, so the document says so, and clients generated from it parse errors
correctly.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from aitower.core.web.problems import PROBLEM_MEDIA_TYPE

API_PATH_PREFIX = "/api/v1/"
# The JSON API and the health probes. Pages and their form posts answer HTML, OTLP takes
# protobuf and /metrics answers Prometheus text: none is a JSON operation, so none is listed
# (OTLP and /metrics are described in docs/telemetry.md).
DOCUMENTED = (API_PATH_PREFIX, "/healthz", "/readyz")
REF_PREFIX = "#/components/schemas/"

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `errors` names each field at fault.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "examples": ["urn:aitower:problem:invalid-input"]},
        "title": {"type": "string", "examples": ["Invalid input"]},
        "status": {"type": "integer", "examples": [422]},
        "detail": {
            "type": "string",
            "examples": ["name: String should have at most 120 characters"],
        },
        "instance": {"type": "string", "examples": ["/api/v1/units"]},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "reason"],
                "properties": {
                    "field": {"type": "string", "examples": ["name"]},
                    "in": {"type": "string", "enum": ["body", "query", "path", "header"]},
                    "reason": {"type": "string"},
                },
            },
        },
    },
}

SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "An `atk_…` API key"},
    "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "x-api-key"},
}


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """Generate once per app, then serve the cached document."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    paths = schema.get("paths", {})
    schema["paths"] = {p: ops for p, ops in paths.items() if p.startswith(DOCUMENTED)}
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for fastapi_shape in ("HTTPValidationError", "ValidationError"):
        schemas.pop(fastapi_shape, None)
    schemas["Problem"] = PROBLEM_SCHEMA
    components["schemas"] = _referenced(schema["paths"], schemas)
    components["securitySchemes"] = SECURITY_SCHEMES
    schema["security"] = [{"bearer": []}, {"apiKeyHeader": []}]
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = _problem_response("A field is missing, wrong or unknown")
            responses["default"] = _problem_response("Any other error, as problem details")
            if not path.startswith(API_PATH_PREFIX):
                operation["security"] = []  # health probes need no key
    app.openapi_schema = schema
    return schema


def _referenced(paths: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """The component schemas the listed operations use, directly or through each other (the
    pages' form bodies go with the pages); ``Problem`` always, as errors refer to it."""
    wanted: set[str] = {"Problem"}
    pending: list[Any] = [paths]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(REF_PREFIX):
                name = ref.removeprefix(REF_PREFIX)
                if name not in wanted and name in schemas:
                    wanted.add(name)
                    pending.append(schemas[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return {name: body for name, body in schemas.items() if name in wanted}
