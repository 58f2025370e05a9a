"""The key that hashes detected values at ingest: from ``AITOWER_REDACTION_KEY_FILE``, or made once.

Findings never hold a detected value, only ``HMAC-SHA256(key, value)``, so that the same IBAN
seen in forty answers groups as one value; the ``hash`` redaction stores the same digest in the
content. Without a key an unkeyed hash of a phone number or a card number is reversed by
trying every candidate, so the key is a secret of the server, kept like the audit signing key
(``auditing.signing``): a file in the data folder (``DATA_DIR/redaction-key``, mode 0600), not
in the database, so that a dump of the database does not carry what reverses its digests.

Why not derive it from ``AITOWER_SECRET_KEY``: that secret signs sessions and is rotated when a
session may have leaked; every digest would change with it and a value seen before and after
the rotation would no longer group. Servers sharing one database must share one key
(``AITOWER_REDACTION_KEY_FILE``), or each would write digests of its own.
"""

from __future__ import annotations

import os
import secrets

from aitower.core.errors import DomainError
from aitower.core.settings import Settings
from aitower.telemetry.content import ContentPolicy
from aitower.telemetry.content_scan import DEFAULT_SCAN, ScanPolicy

GENERATED_NAME = "redaction-key"
MIN_KEY_BYTES = 16


class RedactionKeyUnavailable(DomainError):
    """The configured key cannot be used: ingest refuses rather than hash with another key."""

    status = 503
    type_slug = "redaction-key-unavailable"
    title = "Redaction key unavailable"


def redaction_key(settings: Settings) -> bytes:
    """The configured key's bytes (surrounding whitespace removed); without one, the generated
    key, made on first use.

    A configured file that is missing or too short is an error: replacing it silently would
    split every value's findings in two. The generated file is created exclusively, so two
    processes starting at once keep the one that won."""
    configured = settings.redaction_key_file
    if configured is not None:
        if not configured.is_file():
            raise RedactionKeyUnavailable(f"AITOWER_REDACTION_KEY_FILE: no file at {configured}")
        return _checked(configured.read_bytes().strip(), str(configured))
    path = settings.data_dir / GENERATED_NAME
    if path.exists():
        return _checked(path.read_bytes().strip(), str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    made = secrets.token_hex(32).encode("ascii")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _checked(path.read_bytes().strip(), str(path))
    with os.fdopen(fd, "wb") as out:
        out.write(made + b"\n")
    return made


def _checked(key: bytes, where: str) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise RedactionKeyUnavailable(
            f"{where}: a redaction key needs at least {MIN_KEY_BYTES} bytes "
            "(make one: python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    return key


def server_content_policy(settings: Settings) -> ContentPolicy:
    """The server's default content rules (systems without settings of their own), with its
    redaction key: what every ingest path starts from."""
    return ContentPolicy(
        settings.telemetry_store_content,
        settings.telemetry_max_content_chars,
        DEFAULT_SCAN if settings.telemetry_scan_content else ScanPolicy(enabled=False),
        redaction_key(settings),
    )
