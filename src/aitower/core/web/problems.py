"""RFC 9457 problem details: the one error shape of the API.

Every error names, where it can, the field at fault (``errors[].field``), where it was
(``in``: body, query, path, header) and why (``reason``).
"""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError
from starlette.responses import JSONResponse

from aitower.core.errors import DomainError

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:aitower:problem:"

STATUS_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    413: ("too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("invalid-input", "Invalid input"),
    429: ("too-many-requests", "Too many requests"),
    500: ("internal", "Internal server error"),
    503: ("unavailable", "Service unavailable"),
}


def problem(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    title: str | None = None,
    instance: str | None = None,
    request_id: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    default_slug, default_title = STATUS_SLUGS.get(status, ("error", "Error"))
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + (slug or default_slug),
        "title": title or default_title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if request_id:
        body["request_id"] = request_id
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def domain_problem(exc: DomainError, *, instance: str, request_id: str | None) -> JSONResponse:
    return problem(
        exc.status,
        exc.detail,
        slug=exc.type_slug,
        title=exc.title,
        instance=instance,
        request_id=request_id,
        errors=[{"field": i.field, "reason": i.reason} for i in exc.issues] or None,
    )


def _field_name(loc: tuple[int | str, ...]) -> tuple[str, str]:
    where = str(loc[0]) if loc else "body"
    parts = [str(p) for p in loc[1:]]
    return where, ".".join(parts) if parts else where


def validation_problem(
    exc: RequestValidationError, *, instance: str, request_id: str | None
) -> JSONResponse:
    """422 naming each field; 400 when the body is not JSON at all."""
    errors: list[dict[str, str]] = []
    malformed: str | None = None
    for err in exc.errors():
        where, field = _field_name(tuple(err.get("loc", ())))
        if err.get("type") == "json_invalid":
            ctx = err.get("ctx") or {}
            malformed = f"request body is not valid JSON: {ctx.get('error', 'parse error')}"
            continue
        # A validator's own sentence is the reason; pydantic prefixes it with "Value error, ".
        reason = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            reason = "unknown field"
        errors.append({"field": field, "in": where, "reason": reason})
    if malformed is not None:
        return problem(400, malformed, instance=instance, request_id=request_id)
    detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors) or "invalid request"
    return problem(422, detail, instance=instance, request_id=request_id, errors=errors)
