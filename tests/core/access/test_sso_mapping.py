"""Single sign-on's pure parts: groups to a role and units, claims to a user, the pending
sign-in's cookie (the browser flow against a real provider is tests/ui/test_sso.py)."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from aitower.core.access.oidc import OidcClient, PendingSignIn, ProviderMetadata, SignInFailed
from aitower.core.access.pages_sso import seal, unseal
from aitower.core.access.roles import Role
from aitower.core.access.sso_mapping import (
    SsoSettingsError,
    access_for,
    build_mapping,
    profile_from,
    username_from,
)

MAPPING = build_mapping(
    {"ai-admins": "admin", "ai-analysts": "analyst", "everyone": "stakeholder"},
    {"payments": "finance", "growth": "marketing", "ai-admins": "*"},
    "",
)


def test_the_first_listed_group_gives_the_role_and_every_group_its_unit() -> None:
    both = access_for(MAPPING, ["everyone", "ai-analysts", "payments", "growth"])
    assert both is not None
    assert both.role is Role.analyst  # listed before "everyone" in the setting
    assert both.unit_slugs == ("finance", "marketing") and not both.all_units
    admin = access_for(MAPPING, ["ai-admins", "payments"])
    assert admin is not None and admin.role is Role.admin and admin.all_units
    assert admin.unit_slugs == ()


def test_no_mapped_group_is_refused_unless_there_is_a_default_role() -> None:
    assert access_for(MAPPING, ["canteen"]) is None
    assert access_for(MAPPING, []) is None
    fallback = build_mapping({}, {"payments": "finance"}, "stakeholder")
    given = access_for(fallback, ["payments"])
    assert given is not None and given.role is Role.stakeholder
    assert given.unit_slugs == ("finance",)


def test_a_setting_that_cannot_work_is_named_at_start() -> None:
    with pytest.raises(SsoSettingsError, match=r"AITOWER_OIDC_ROLE_GROUPS.*'superuser'"):
        build_mapping({"x": "superuser"}, {}, "")
    with pytest.raises(SsoSettingsError, match="AITOWER_OIDC_DEFAULT_ROLE"):
        build_mapping({}, {}, "boss")
    with pytest.raises(SsoSettingsError, match="AITOWER_OIDC_UNIT_GROUPS"):
        build_mapping({}, {"x": " "}, "")


def test_claims_become_a_user_name_as_the_providers_send_them() -> None:
    # Entra ID: the UPN; Keycloak/Okta: a plain name; Google: no name, only the address.
    assert username_from("Jane.Doe@contoso.onmicrosoft.com") == "jane.doe"
    assert username_from("J. O'Neil") == "j.o.neil"
    profile = profile_from(MAPPING, {"sub": "1083", "email": "ana@example.com", "groups": "x"})
    assert (profile.username, profile.display_name, profile.groups) == (
        "ana",
        "ana@example.com",
        ("x",),
    )
    odd = profile_from(MAPPING, {"sub": "7", "preferred_username": "bo", "groups": [1, "g"]})
    assert odd.groups == ("g",) and odd.email == ""


def test_the_pending_sign_in_cookie_refuses_any_change() -> None:
    pending = PendingSignIn.new("/inventory")
    sealed = seal("k" * 40, pending)
    assert unseal("k" * 40, sealed) == pending
    assert unseal("other-secret" * 4, sealed) is None
    payload, _, signature = sealed.partition(".")
    assert unseal("k" * 40, payload + "." + "0" * len(signature)) is None
    assert unseal("k" * 40, "garbage") is None
    assert len({PendingSignIn.new("/").state for _ in range(50)}) == 50


def _client_with_keys(keys: KeySet) -> OidcClient:
    """A client that already read the provider's metadata and keys (no HTTP in this test)."""
    client = OidcClient("https://idp.example", "aitower", "secret", "openid")
    client._metadata = ProviderMetadata(
        "https://idp.example", "https://idp.example/auth", "https://idp.example/token",
        "https://idp.example/jwks", None,
    )  # fmt: skip
    client._keys = keys
    return client


def _token(key: RSAKey, **changes: object) -> str:
    now = int(time.time())
    claims = {"iss": "https://idp.example", "sub": "u1", "aud": "aitower", "iat": now,
              "exp": now + 300, "nonce": "n-1", **changes}  # fmt: skip
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({}, None),
        ({"nonce": "n-2"}, "nonce"),
        ({"aud": "someone-else"}, "aud"),
        ({"iss": "https://evil.example"}, "iss"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"aud": ["aitower", "other"], "azp": "other"}, "another client"),
    ],
)
def test_the_id_token_must_be_for_this_sign_in(changes: dict[str, object], why: str | None) -> None:
    key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    client = _client_with_keys(KeySet([key]))
    token = _token(key, **changes)
    if why is None:
        assert client._checked(token, "n-1")["sub"] == "u1"
        return
    with pytest.raises(SignInFailed, match=why):
        client._checked(token, "n-1")


def test_a_token_signed_by_another_key_is_refused() -> None:
    ours = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    forger = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    client = _client_with_keys(KeySet([ours]))
    with pytest.raises(SignInFailed, match="not valid"):
        client._checked(_token(forger), "n-1")


def test_without_an_issuer_there_is_no_single_sign_on(client: TestClient) -> None:
    assert client.get("/login/sso", follow_redirects=False).status_code == 404
    assert client.get("/auth/oidc/callback?code=x&state=y").status_code == 404
    page = client.get("/login")
    assert 'data-testid="sso-login"' not in page.text and 'name="password"' in page.text


def test_a_forged_state_or_cookie_of_any_characters_is_refused_not_a_crash() -> None:
    pending = PendingSignIn.new("/")
    assert unseal("k" * 40, seal("k" * 40, pending) + "é") is None
    assert unseal("k" * 40, "é.é") is None
