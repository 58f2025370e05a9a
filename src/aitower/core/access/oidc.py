"""OpenID Connect sign-in as a relying party: the authorization code flow with PKCE.

Authlib makes the authorization URL (state, nonce, S256 code challenge) and redeems the code
(client_secret_basic); joserfc checks the ID token: its signature against the provider's
published keys, issuer, audience (and ``azp`` when there are several), expiry and the nonce
of this sign-in. Claims the provider releases only at its userinfo endpoint (groups, by
default, at several providers) are read there with the access token, and taken only when
that answer names the same subject. The provider's metadata and keys are read once and kept;
keys are read again when a token names one not seen yet (the provider rotated them).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA")
CLOCK_LEEWAY_SECONDS = 60
TIMEOUT_SECONDS = 10.0
# Claims of the ID token that the userinfo answer may not replace.
_TOKEN_ONLY = frozenset({"iss", "aud", "sub", "exp", "iat", "nbf", "nonce", "azp", "auth_time"})


class SignInFailed(Exception):
    """The sign-in cannot go on; the message is for the person signing in (and the log)."""


@dataclass(frozen=True, slots=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None


@dataclass(frozen=True, slots=True)
class PendingSignIn:
    """What this browser's sign-in must bring back: kept in a signed cookie until the
    provider redirects back (``state``), and what proves the answer is for it (nonce, PKCE)."""

    state: str
    nonce: str
    code_verifier: str
    next: str

    @classmethod
    def new(cls, next_path: str) -> PendingSignIn:
        return cls(generate_token(32), generate_token(32), generate_token(64), next_path)


def _get_json(url: str, **kwargs: Any) -> dict[str, Any]:
    try:
        answer = requests.get(url, timeout=TIMEOUT_SECONDS, **kwargs)
        answer.raise_for_status()
        document = answer.json()
    except (requests.RequestException, ValueError) as exc:
        raise SignInFailed(f"the identity provider did not answer at {url}: {exc}") from exc
    if not isinstance(document, dict):
        raise SignInFailed(f"the identity provider's answer at {url} is not a JSON object")
    return document


class OidcClient:
    """One provider, one client registration; safe to share between threads."""

    def __init__(self, issuer: str, client_id: str, client_secret: str, scopes: str) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self._scopes = scopes
        self._lock = threading.Lock()
        self._metadata: ProviderMetadata | None = None
        self._keys: KeySet | None = None

    def metadata(self) -> ProviderMetadata:
        with self._lock:
            if self._metadata is None:
                self._metadata = self._discover()
            return self._metadata

    def _discover(self) -> ProviderMetadata:
        doc = _get_json(f"{self.issuer}/.well-known/openid-configuration")
        if str(doc.get("issuer", "")).rstrip("/") != self.issuer:
            raise SignInFailed(
                f"the provider at {self.issuer} names another issuer: {doc.get('issuer')!r}"
            )
        try:
            return ProviderMetadata(
                issuer=str(doc["issuer"]),
                authorization_endpoint=str(doc["authorization_endpoint"]),
                token_endpoint=str(doc["token_endpoint"]),
                jwks_uri=str(doc["jwks_uri"]),
                userinfo_endpoint=doc.get("userinfo_endpoint"),
            )
        except KeyError as missing:
            raise SignInFailed(f"the provider's metadata lacks {missing}") from None

    def _session(self, redirect_uri: str) -> OAuth2Session:
        return OAuth2Session(
            self.client_id,
            self._secret,
            scope=self._scopes,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
        )  # the client authenticates with client_secret_basic, authlib's default

    def authorization_url(self, pending: PendingSignIn, redirect_uri: str) -> str:
        """Where to send the browser to sign in."""
        with self._session(redirect_uri) as client:
            url, _ = client.create_authorization_url(
                self.metadata().authorization_endpoint,
                state=pending.state,
                nonce=pending.nonce,
                code_verifier=pending.code_verifier,
            )
        return str(url)

    def redeem(self, pending: PendingSignIn, redirect_uri: str, code: str) -> dict[str, Any]:
        """The signed-in user's claims, from the code the provider sent back."""
        metadata = self.metadata()
        try:
            with self._session(redirect_uri) as client:
                token = client.fetch_token(
                    metadata.token_endpoint,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=pending.code_verifier,
                    timeout=TIMEOUT_SECONDS,
                )
        except Exception as exc:  # authlib raises OAuthError, requests its own: both refusals
            raise SignInFailed(f"the identity provider refused the code: {exc}") from exc
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise SignInFailed("the identity provider sent no ID token (is 'openid' a scope?)")
        claims = self._checked(id_token, pending.nonce)
        access = token.get("access_token")
        if metadata.userinfo_endpoint and isinstance(access, str):
            claims = self._with_userinfo(claims, metadata.userinfo_endpoint, access)
        return claims

    def _checked(self, id_token: str, nonce: str) -> dict[str, Any]:
        try:
            token = jwt.decode(id_token, self._key_set(id_token), algorithms=SIGNING_ALGORITHMS)
            jwt.JWTClaimsRegistry(
                leeway=CLOCK_LEEWAY_SECONDS,
                iss={"essential": True, "value": self.issuer},
                sub={"essential": True},
                aud={"essential": True, "value": self.client_id},
                exp={"essential": True},
                iat={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(token.claims)
        except JoseError as exc:
            raise SignInFailed(f"the ID token is not valid: {exc}") from exc
        claims = dict(token.claims)
        audience = claims.get("aud")
        if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != self.client_id:
            raise SignInFailed("the ID token was issued to another client (azp)")
        return claims

    def _key_set(self, id_token: str) -> KeySet:
        """The provider's keys, read again once when the token names a key not among them."""
        with self._lock:
            keys = self._keys
        kid = _header_kid(id_token)
        if keys is None or (kid is not None and not _has_kid(keys, kid)):
            keys = KeySet.import_key_set(_get_json(self.metadata().jwks_uri))  # type: ignore[arg-type]
            with self._lock:
                self._keys = keys
        return keys

    def _with_userinfo(self, claims: dict[str, Any], url: str, access: str) -> dict[str, Any]:
        info = _get_json(url, headers={"Authorization": f"Bearer {access}"})
        if info.get("sub") != claims.get("sub"):
            raise SignInFailed("the userinfo answer is about another subject")
        return {**claims, **{k: v for k, v in info.items() if k not in _TOKEN_ONLY}}


def _has_kid(keys: KeySet, kid: str) -> bool:
    try:
        keys.get_by_kid(kid)
    except (JoseError, ValueError, KeyError):
        return False
    return True


def _header_kid(id_token: str) -> str | None:
    try:
        header = jws.extract_compact(id_token.encode()).headers()
    except (JoseError, ValueError):
        return None
    kid = header.get("kid") if isinstance(header, Mapping) else None
    return kid if isinstance(kid, str) else None
