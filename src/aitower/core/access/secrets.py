"""Passwords (argon2id) and API-key secrets (random, stored as SHA-256)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from aitower.core.errors import InvalidInput

API_KEY_PREFIX = "atk_"  # "aitower key": recognisable by secret scanners and in logs
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()  # argon2id with the library's current RFC 9106 defaults
# Verifying against this when the user does not exist keeps the answer time the same.
_DUMMY_HASH = _hasher.hash("aitower-timing-equaliser")


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput.on("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > 1024:
        raise InvalidInput.on("password", "must be at most 1024 characters")


def hash_password(password: str) -> str:
    check_password_strength(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True, slots=True)
class NewApiKey:
    prefix: str  # stored and shown in lists, e.g. atk_3f9a1c2b
    secret: str  # the whole key, shown once
    secret_hash: str


def generate_api_key() -> NewApiKey:
    prefix = API_KEY_PREFIX + secrets.token_hex(4)
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    return NewApiKey(prefix, secret, hash_token(secret))


def api_key_prefix(presented: str) -> str | None:
    """The lookup prefix of a presented key, or None if it is not shaped like one of ours."""
    if not presented.startswith(API_KEY_PREFIX):
        return None
    prefix, sep, rest = presented.partition("_")[2].partition("_")
    return f"{API_KEY_PREFIX}{prefix}" if sep and rest and len(prefix) == 8 else None


def hash_token(token: str) -> str:
    """SHA-256 suffices for 256-bit random tokens: there is nothing to brute-force."""
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def new_session_token() -> str:
    return secrets.token_urlsafe(32)
