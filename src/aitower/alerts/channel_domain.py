"""Notification channels: what each kind needs in its configuration, and what may be shown.

Secrets (a webhook's signing secret, an SMTP password) are kept to sign and log in, and are
never shown again after creation: ``public_config`` replaces them by whether they are set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from aitower.core.errors import InvalidInput

SECRET_KEYS = frozenset({"secret", "password"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_SECRET_CHARS = 16


class ChannelKind(StrEnum):
    webhook = "webhook"
    slack = "slack"
    email = "email"


def _url(config: Mapping[str, Any]) -> str:
    url = str(config.get("url") or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput.on("config.url", "must be an http:// or https:// URL")
    return url


def _addresses(value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value or [])
    found = [str(a).strip() for a in items if str(a).strip()]
    if not found:
        raise InvalidInput.on("config.to", "needs at least one address")
    for address in found:
        if not _EMAIL.match(address):
            raise InvalidInput.on("config.to", f"{address!r} is not an email address")
    return found


def _email(config: Mapping[str, Any]) -> dict[str, Any]:
    host = str(config.get("host") or "").strip()
    if not host:
        raise InvalidInput.on("config.host", "the SMTP server is required")
    try:
        port = int(config.get("port") or 25)
    except (TypeError, ValueError):
        raise InvalidInput.on("config.port", "must be a number") from None
    if not 1 <= port <= 65535:
        raise InvalidInput.on("config.port", "must be between 1 and 65535")
    sender = str(config.get("from") or "").strip()
    if not _EMAIL.match(sender):
        raise InvalidInput.on("config.from", "must be an email address")
    return {
        "host": host,
        "port": port,
        "from": sender,
        "to": _addresses(config.get("to")),
        "username": str(config.get("username") or ""),
        "password": str(config.get("password") or ""),
        "starttls": bool(config.get("starttls", False)),
    }


def check_config(kind: ChannelKind, config: Mapping[str, Any]) -> dict[str, Any]:
    """The configuration normalised, or InvalidInput naming the field (``config.url``...)."""
    if kind is ChannelKind.email:
        return _email(config)
    checked: dict[str, Any] = {"url": _url(config)}
    if kind is ChannelKind.webhook:
        secret = str(config.get("secret") or "")
        if len(secret) < MIN_SECRET_CHARS:
            raise InvalidInput.on(
                "config.secret", f"a signing secret of at least {MIN_SECRET_CHARS} characters"
            )
        checked["secret"] = secret
    return checked


def merge_config(
    kind: ChannelKind, stored: Mapping[str, Any], changes: Mapping[str, Any]
) -> dict[str, Any]:
    """An edit: omitted or empty secrets keep the stored ones (the form never shows them)."""
    merged = {**stored, **{k: v for k, v in changes.items() if k not in SECRET_KEYS or v}}
    return check_config(kind, merged)


def public_config(config: Mapping[str, Any]) -> dict[str, Any]:
    shown = {k: v for k, v in config.items() if k not in SECRET_KEYS}
    for key in SECRET_KEYS & set(config):
        shown[f"{key}_set"] = bool(config[key])
    return shown
