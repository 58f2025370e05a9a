"""Single sign-on pages: ``/login/sso`` sends the browser to the identity provider, and
``/auth/oidc/callback`` takes it back, signs the person in and opens their session.

Between the two, what this sign-in must bring back (state, nonce, PKCE verifier, the page
asked for) waits in a cookie signed with the secret key, sent only to the callback and kept
ten minutes: nothing is held in server memory, so any replica can take the callback.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from aitower.core.access import sso
from aitower.core.access.authn import LoginResult
from aitower.core.access.oidc import OidcClient, PendingSignIn, SignInFailed
from aitower.core.access.sso_mapping import SsoMapping, access_for, profile_from
from aitower.core.errors import NotFound
from aitower.core.settings import Settings
from aitower.core.web.deps import (
    DbDep,
    request_id,
    secure_cookies,
    set_session_cookie,
)
from aitower.core.web.pages import login_page, safe_next

log = logging.getLogger(__name__)
PENDING_COOKIE = "aitower_sso"
CALLBACK_PATH = "/auth/oidc/callback"
PENDING_SECONDS = 600
Param = Annotated[str, Query(max_length=4000)]


def _sign(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), b"sso\n" + payload, hashlib.sha256).hexdigest()


def seal(secret: str, pending: PendingSignIn) -> str:
    payload = json.dumps(asdict(pending), separators=(",", ":")).encode()
    return f"{base64.urlsafe_b64encode(payload).decode()}.{_sign(secret, payload)}"


def unseal(secret: str, value: str) -> PendingSignIn | None:
    """The pending sign-in in the cookie, or None when it is missing, altered or malformed."""
    encoded, _, signature = value.partition(".")
    try:
        payload = base64.urlsafe_b64decode(encoded.encode())
    except ValueError:
        return None
    if not hmac.compare_digest(signature.encode(), _sign(secret, payload).encode()):
        return None
    try:
        return PendingSignIn(**json.loads(payload))
    except (ValueError, TypeError):
        return None


def _refused(request: Request, message: str, status: int) -> Response:
    page = login_page(request, status, error=message, next="/")
    page.delete_cookie(PENDING_COOKIE, path=CALLBACK_PATH)
    return page


def build_router(settings: Settings) -> APIRouter:
    """The two routes; they answer 404 while single sign-on is not configured."""
    router = APIRouter(include_in_schema=False)
    client = mapping = None
    if settings.sso_enabled:
        client = OidcClient(
            settings.oidc_issuer,
            settings.oidc_client_id,
            settings.oidc_client_secret.get_secret_value(),
            settings.oidc_scopes,
        )
        mapping = sso.mapping_of(settings)

    def configured() -> tuple[OidcClient, SsoMapping]:
        if client is None or mapping is None:
            raise NotFound("single sign-on is not configured here (AITOWER_OIDC_ISSUER)")
        return client, mapping

    def callback_url(request: Request) -> str:
        return settings.oidc_redirect_url or str(request.url_for("oidc_callback"))

    @router.get("/login/sso")
    async def start(request: Request, next: Param = "/") -> Response:
        client, _ = configured()
        pending = PendingSignIn.new(safe_next(next))
        try:
            url = await run_in_threadpool(client.authorization_url, pending, callback_url(request))
        except SignInFailed as exc:
            log.warning("single sign-on unavailable: %s", exc)
            return _refused(request, f"Single sign-on is unavailable: {exc}", 502)
        response = RedirectResponse(url, status_code=303)
        response.set_cookie(
            PENDING_COOKIE,
            seal(settings.secret_key, pending),
            max_age=PENDING_SECONDS,
            httponly=True,
            samesite="lax",  # the provider's redirect back is a top-level GET: Lax sends it
            secure=secure_cookies(request),
            path=CALLBACK_PATH,
        )
        return response

    @router.get(CALLBACK_PATH, name="oidc_callback")
    async def callback(
        request: Request,
        db: DbDep,
        code: Param = "",
        state: Param = "",
        error: Param = "",
        error_description: Param = "",
    ) -> Response:
        client, mapping = configured()
        pending = unseal(settings.secret_key, request.cookies.get(PENDING_COOKIE, ""))
        # As bytes: compare_digest refuses str with non-ASCII characters (a forged state).
        if pending is None or not hmac.compare_digest(pending.state.encode(), state.encode()):
            return _refused(
                request,
                "This sign-in did not start in this browser or took too long; try again.",
                400,
            )
        if error:
            said = error_description or error
            return _refused(request, f"The identity provider did not sign you in: {said}", 401)
        if not code:
            return _refused(request, "The identity provider sent no code; try again.", 400)
        try:
            claims = await run_in_threadpool(client.redeem, pending, callback_url(request), code)
        except SignInFailed as exc:
            log.warning("single sign-on failed: %s", exc)
            return _refused(request, f"Single sign-on failed: {exc}", 401)
        profile = profile_from(mapping, claims)
        access = access_for(mapping, profile.groups)

        def enter() -> LoginResult:
            with db.writing() as session:
                return sso.sign_in(
                    session,
                    client.issuer,
                    profile,
                    access,
                    session_hours=settings.session_hours,
                    request_id=request_id(request),
                )

        try:
            result = await run_in_threadpool(enter)
        except sso.SignInRefused as refusal:
            return _refused(request, str(refusal), 403)
        assert result.token is not None
        response = RedirectResponse(pending.next, status_code=303)
        response.delete_cookie(PENDING_COOKIE, path=CALLBACK_PATH)
        set_session_cookie(response, request, result.token)
        return response

    return router
