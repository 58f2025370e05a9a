"""Passwords (argon2id) and API-key secrets (random, stored as SHA-256)."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from aitower.core.errors import InvalidInput

API_KEY_PREFIX = "atk_"  # "aitower key": recognisable by secret scanners and in logs
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
MIN_GUESS_SCORE = 3  # zxcvbn's 0-4 scale; 3 is "safely unguessable" against online attacks

FAST_HASHES_ENV = "AITOWER_INSECURE_FAST_PASSWORD_HASHES"


@cache
def _hasher() -> PasswordHasher:
    """argon2id with the library's current RFC 9106 defaults (64 MiB, 3 passes: about 0.1 to
    0.4 s a hash on a small machine, which is the point).

    A test suite that creates and logs in thousands of users may ask for argon2's cheapest
    parameters with ``AITOWER_INSECURE_FAST_PASSWORD_HASHES=1``; never set it in production.
    Either way a stored hash stays verifiable: argon2 writes its parameters into each hash.
    """
    if os.environ.get(FAST_HASHES_ENV) == "1":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verifying against this when the user does not exist keeps the answer time the same."""
    return _hasher().hash("aitower-timing-equaliser")


def check_password_strength(password: str, username: str | None = None) -> None:
    """NIST SP 800-63B and ASVS 6.2: length, not a known breached password, not the user's
    own name, not easy to guess; no composition rules (they make passwords worse, not better).

    The breached list and the guessability estimate come from ``zxcvbn``: its 30,000 most
    common passwords of leaked password sets, and its pattern matching (repeats, sequences,
    dates, dictionary words, keyboard walks), offline.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput.on("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput.on("password", f"must be at most {MAX_PASSWORD_LENGTH} characters")
    if not password.strip():
        raise InvalidInput.on("password", "must not be only spaces")
    lowered = password.lower()
    if username and len(username) >= 3 and username.lower() in lowered:
        raise InvalidInput.on("password", "must not contain the user name")
    if lowered in _breached():
        raise InvalidInput.on(
            "password", "is on a list of passwords leaked in data breaches; choose another"
        )
    from zxcvbn import zxcvbn  # its word lists load on first use, not at import

    # Its estimate grows slowly with length; the first 100 characters judge it fully.
    estimate = zxcvbn(password[:100], user_inputs=[username] if username else [])
    if estimate["score"] < MIN_GUESS_SCORE:
        warning = estimate["feedback"]["warning"]
        reason = f"{warning.rstrip('.')}: " if warning else ""
        raise InvalidInput.on(
            "password", f"is too easy to guess ({reason}a few unrelated words make a strong one)"
        )


@cache
def _breached() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def hash_password(password: str, username: str | None = None) -> str:
    check_password_strength(password, username)
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        checked = _hasher().verify(password_hash or _dummy_hash(), password)
        return checked and password_hash is not None
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
