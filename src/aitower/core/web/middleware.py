"""Pure ASGI middleware: request ids, body size limit, security headers, CSRF cookie.

Pure ASGI (not BaseHTTPMiddleware) so that streaming responses and request bodies pass
through untouched and the limit is enforced while the body is read, not after.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aitower.core.web.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_PREFIX

REQUEST_ID_HEADER = "x-request-id"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
CSRF_COOKIE = "aitower_csrf"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI sets style attributes from JavaScript; its page alone allows inline styles.
CSP_API_DOCS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class RequestIdMiddleware:
    """Takes a caller's X-Request-ID when it is safe to log, else makes one; echoes it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, REQUEST_ID_HEADER)
        request_id = given if given and _SAFE_REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
            await send(message)

        await self.app(scope, receive, send_with_id)


class BodySizeLimitMiddleware:
    """413 for bodies over the limit, by Content-Length up front or by counting while read."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, per_prefix: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # Larger limits for paths built for bulk, such as OTLP ingest (``{"/v1/": 16 MiB}``).
        self.per_prefix = per_prefix or {}

    def _limit(self, scope: Scope) -> int:
        path = str(scope.get("path", ""))
        for prefix, limit in self.per_prefix.items():
            if path.startswith(prefix):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        declared = _header(scope, "content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _send_too_large(scope, send, limit)
            return
        received = 0
        started = False
        refused = False

        async def counting_receive() -> Message:
            # Past the limit, answer 413 ourselves and tell the app the client went away: an
            # exception here would be turned into a 400 by the framework's body parser.
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        await _send_too_large(scope, send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 is already on its way; drop whatever the app still says
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not refused:
                raise


async def _send_too_large(scope: Scope, send: Send, limit: int) -> None:
    body = json.dumps(
        {
            "type": PROBLEM_TYPE_PREFIX + "too-large",
            "title": "Request body too large",
            "status": 413,
            "detail": f"the request body exceeds the limit of {limit} bytes",
            "instance": scope.get("path", ""),
            "request_id": scope.get("state", {}).get("request_id"),
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# Served the same to everyone (no data of any user): the only answers a cache may keep.
PUBLIC_PATHS = ("/static/", "/favicon")


class SecurityHeadersMiddleware:
    """CSP that loads scripts only from the app, no framing, no sniffing, HSTS over TLS."""

    def __init__(self, app: ASGIApp, *, secure_cookies: bool | None) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = scope.get("scheme") == "https"
        state = scope.setdefault("state", {})
        state["secure_cookies"] = tls if self.secure_cookies is None else self.secure_cookies
        csrf_nonce = _cookie(scope, CSRF_COOKIE)
        new_nonce = None
        if not csrf_nonce or len(csrf_nonce) > 100:
            csrf_nonce = new_nonce = secrets.token_urlsafe(24)
        state["csrf_nonce"] = csrf_nonce
        path = str(scope.get("path", ""))
        csp = CSP_API_DOCS if path == "/api/docs" else CSP
        # Pages, answers, exports and a new key's secret hold private data: no browser or
        # proxy may keep a copy. Only the app's own assets may be cached.
        private = not path.startswith(PUBLIC_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["content-security-policy"] = csp
                headers["x-frame-options"] = "DENY"
                headers["x-content-type-options"] = "nosniff"
                headers["referrer-policy"] = "same-origin"
                headers["cross-origin-opener-policy"] = "same-origin"
                headers["permissions-policy"] = "camera=(), microphone=(), geolocation=()"
                if tls:
                    headers["strict-transport-security"] = "max-age=31536000"
                if private and "cache-control" not in headers:
                    headers["cache-control"] = "no-store"
                if new_nonce is not None:
                    secure = "; Secure" if state["secure_cookies"] else ""
                    headers.append(
                        "set-cookie",
                        f"{CSRF_COOKIE}={new_nonce}; Path=/; HttpOnly; SameSite=Lax{secure}",
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _header(scope: Scope, name: str) -> str | None:
    raw = name.encode()
    for key, value in scope.get("headers", []):
        if key == raw:
            decoded: str = value.decode("latin-1")
            return decoded
    return None


def _cookie(scope: Scope, name: str) -> str | None:
    header = _header(scope, "cookie")
    if not header:
        return None
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None
