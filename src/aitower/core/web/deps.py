"""Request dependencies: the database, the acting principal, and the permission guard.

Every route that needs a login declares ``Guard(permission)``; the permission-matrix test walks
the routes, reads each guard, and checks every role gets exactly what ``MATRIX`` says.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from aitower.core.access.apikeys import REFUSED_KEY, resolve_api_key, touch_api_key
from aitower.core.access.authn import resolve_session
from aitower.core.access.principal import Principal
from aitower.core.access.roles import Permission
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.errors import Forbidden, InvalidInput, Unauthenticated
from aitower.core.settings import Settings

SESSION_COOKIE = "aitower_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def refuse_nul_in_query(request: Request) -> None:
    """Refuse a query parameter holding a NUL character, naming it (422), on every route.

    No filter or search means anything with one, and PostgreSQL cannot compare text with it:
    it would fail inside the query instead of answering a clear error.
    """
    for name, value in request.query_params.multi_items():
        if "\x00" in value or "\x00" in name:
            raise InvalidInput.on(name.replace("\x00", ""), "must not contain NUL characters")


async def refuse_unstorable_json(request: Request) -> None:
    """Refuse, naming the field (422), what a JSON body to the REST API may hold but no store
    keeps: ``NaN``, ``Infinity`` and ``-Infinity``, and the NUL character in a string.

    The numbers are not JSON (RFC 8259), but Python's parser takes them and pydantic lets a
    float be NaN, so a score of NaN was stored. PostgreSQL's text and JSONB cannot hold NUL
    (``\\u0000``): it failed inside the query (a 500) where SQLite stored it. Bodies without
    those, nearly all, are not parsed again: the search for them is a byte scan. Only
    ``/api/``: OTLP bodies keep their own, more forgiving handling of odd values, as do the
    API paths a capability names ``nul_tolerant`` (user feedback keeps NUL as U+FFFD).
    """
    if not request.url.path.startswith("/api/"):
        return
    if not request.headers.get("content-type", "").startswith("application/json"):
        return
    body = await request.body()
    tolerant = getattr(request.app.state, "nul_tolerant", ())
    nul = b"\\u0000" in body and not request.url.path.startswith(tuple(tolerant))
    if b"NaN" not in body and b"Infinity" not in body and not nul:
        return
    try:
        doc = json.loads(body)
    except ValueError:
        return  # not JSON at all: the framework's own parse answers that
    found = _unstorable_field(doc, nul=nul)
    if found is not None:
        field, reason = found
        raise InvalidInput.on(field or "body", reason)


NON_FINITE = "must be a finite number (NaN and Infinity are not JSON)"
HAS_NUL = "must not contain NUL characters"


def _unstorable_field(doc: Any, *, nul: bool) -> tuple[str, str] | None:
    """The path (``rows[2].score``) of the first NaN, infinity or (``nul``) NUL-holding
    string in a parsed document, and why it cannot be stored."""
    pending: list[tuple[str, Any]] = [("", doc)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return path, NON_FINITE
        if nul and isinstance(value, str) and "\x00" in value:
            return path, HAS_NUL
        if isinstance(value, dict):
            for key in value:
                if nul and "\x00" in str(key):
                    return (f"{path}.{key}" if path else str(key)).replace("\x00", ""), HAS_NUL
            pending.extend(
                (f"{path}.{k}" if path else str(k), v) for k, v in reversed(value.items())
            )
        elif isinstance(value, list):
            pending.extend((f"{path}[{i}]", v) for i, v in reversed(list(enumerate(value))))
    return None


def secure_cookies(request: Request) -> bool:
    """Whether cookies set on this request get the Secure flag (TLS, or forced by settings)."""
    return bool(request.scope.get("state", {}).get("secure_cookies"))


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """The browser session's cookie: HttpOnly, SameSite=Lax, Secure over TLS."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=get_settings(request).session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/",
    )


def request_id(request: Request) -> str | None:
    value = request.scope.get("state", {}).get("request_id")
    return None if value is None else str(value)


def csrf_token(request: Request) -> str:
    """Signed double-submit token: HMAC of the per-browser nonce cookie and the session cookie
    with the secret key. Bound to the session, a token seen in one session (a shared machine,
    a log) is worthless in the next one, even with the same browser's nonce."""
    nonce = str(request.scope.get("state", {}).get("csrf_nonce", ""))
    session = request.cookies.get(SESSION_COOKIE, "")
    key = get_settings(request).secret_key.encode()
    return hmac.new(key, f"{nonce}\n{session}".encode(), hashlib.sha256).hexdigest()


async def check_csrf(request: Request) -> None:
    """Unsafe cookie-authenticated requests must echo the token (form field or header)."""
    presented = request.headers.get(CSRF_HEADER)
    if presented is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        presented = value if isinstance(value, str) else None
    if not presented or not hmac.compare_digest(presented, csrf_token(request)):
        raise Forbidden("missing or invalid CSRF token; reload the page and try again")


def _presented_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("x-api-key") or None


def _authenticate_sync(db: Database, key: str | None, cookie: str | None) -> tuple[Principal, str]:
    if key is not None:
        with db.reading() as session:
            found = resolve_api_key(session, key)
        if found is None:
            raise Unauthenticated(REFUSED_KEY)
        principal, stale = found
        if stale and principal.id is not None:
            with db.writing() as session:
                touch_api_key(session, principal.id)
        return principal, "apikey"
    if cookie:
        with db.reading() as session:
            principal_or_none = resolve_session(session, cookie)
        if principal_or_none is not None:
            return principal_or_none, "session"
    raise Unauthenticated("log in, or send an API key as 'Authorization: Bearer' or 'x-api-key'")


async def authenticate(request: Request) -> Principal:
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    principal, via = await run_in_threadpool(
        _authenticate_sync,
        get_db(request),
        _presented_key(request),
        request.cookies.get(SESSION_COOKIE),
    )
    if via == "session" and request.method not in SAFE_METHODS:
        await check_csrf(request)
    request.state.principal = principal
    request.state.auth_via = via
    return principal


class Guard:
    """Requires a logged-in principal holding ``permission`` (None: any logged-in principal)."""

    def __init__(self, permission: Permission | None) -> None:
        self.permission = permission

    async def __call__(self, request: Request) -> Principal:
        principal = await authenticate(request)
        if self.permission is not None and not principal.can(self.permission):
            raise Forbidden(
                f"your role ({principal.role.value}) does not allow {self.permission.value}"
            )
        return principal


def guard(permission: Permission | None) -> Any:
    return Depends(Guard(permission))


def change_context(request: Request, principal: Principal) -> ChangeContext:
    return ChangeContext(principal, request_id(request))


LoggedIn = Annotated[Principal, guard(None)]
