"""Domain errors: raised by services, mapped once to RFC 9457 problems (HTTP) or CLI messages.

Each error carries a stable ``type`` slug, a status, a human sentence and, where one field is
to blame, its name, so every interface can say which field was wrong and why.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldIssue:
    field: str
    reason: str


class DomainError(Exception):
    status = 400
    type_slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, *, issues: list[FieldIssue] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.issues = issues or []


class InvalidInput(DomainError):
    status = 422
    type_slug = "invalid-input"
    title = "Invalid input"

    @classmethod
    def on(cls, field: str, reason: str) -> InvalidInput:
        return cls(f"{field}: {reason}", issues=[FieldIssue(field, reason)])


class TooLarge(DomainError):
    """Input over a configured resource limit (rows, columns, bytes): 413."""

    status = 413
    type_slug = "too-large"
    title = "Content too large"

    @classmethod
    def on(cls, field: str, reason: str) -> TooLarge:
        return cls(f"{field}: {reason}", issues=[FieldIssue(field, reason)])


class NotFound(DomainError):
    status = 404
    type_slug = "not-found"
    title = "Not found"


class Conflict(DomainError):
    status = 409
    type_slug = "conflict"
    title = "Conflict"

    @classmethod
    def on(cls, field: str, reason: str) -> Conflict:
        return cls(f"{field}: {reason}", issues=[FieldIssue(field, reason)])


class Unauthenticated(DomainError):
    status = 401
    type_slug = "unauthenticated"
    title = "Authentication required"


class Forbidden(DomainError):
    status = 403
    type_slug = "forbidden"
    title = "Forbidden"
