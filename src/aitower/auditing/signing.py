"""The key that signs audit bundles: from ``AITOWER_SIGNING_KEY_FILE``, or made once.

Where a generated key lives is a trade-off (``docs/audit.md``, "The signing key"): we keep it
in a file in the data folder (``DATA_DIR/audit-signing-key.pem``, mode 0600), *not* in the
database. A key in the database would travel with every backup and dump, and whoever can
rewrite the audit trail there could also sign a forged bundle with it; kept apart, forging
needs the server's file system as well. The price: several servers on one PostgreSQL each
have their own data folder, so they must share one key through ``AITOWER_SIGNING_KEY_FILE``,
or each would sign with a key of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aitower.core.errors import DomainError
from aitower.core.settings import Settings

GENERATED_NAME = "audit-signing-key.pem"


class SigningKeyUnavailable(DomainError):
    """The configured key cannot be read: nothing is signed until an operator fixes it."""

    status = 503
    type_slug = "signing-key-unavailable"
    title = "Signing key unavailable"


def key_path(settings: Settings) -> Path:
    return settings.signing_key_file or settings.data_dir / GENERATED_NAME


def _read(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyUnavailable(f"{path}: not an unencrypted PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyUnavailable(
            f"{path}: not an Ed25519 key (make one: openssl genpkey -algorithm ed25519)"
        )
    return key


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The configured key; without one, the generated key, made on first use.

    A configured file that is missing is an error (never silently replaced: bundles already
    handed out name its fingerprint). The generated file is created exclusively, so two
    processes starting at once keep the one that won."""
    if settings.signing_key_file is not None:
        if not settings.signing_key_file.is_file():
            raise SigningKeyUnavailable(
                f"AITOWER_SIGNING_KEY_FILE: no file at {settings.signing_key_file}"
            )
        return _read(settings.signing_key_file)
    path = settings.data_dir / GENERATED_NAME
    if path.exists():
        return _read(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return key
