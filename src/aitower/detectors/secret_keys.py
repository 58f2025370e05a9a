"""Credentials in free text: provider keys with a known prefix, PEM keys, JWTs, passwords.

(Named ``secret_keys`` so that it never shadows the standard library's ``secrets``.)

Most provider keys announce themselves (``AKIA``, ``ghp_``, ``xoxb-``, ``sk-ant-``), so one
compiled alternation finds them in a single pass, behind a prefilter that returns at once for
prose without any of the prefixes. Keys without a prefix (an AWS secret key, an Azure
account key, a password) are reported only next to the words that name them. Documented
example values (``AKIAIOSFODNN7EXAMPLE``, ``your-key-here``, ``xxxx``) are reported with a
confidence under the scan's threshold, so a tutorial does not raise an alarm.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterator

from aitower.detectors.context import before, words
from aitower.detectors.detection import Category, Detection

_S = Category.secret
# Each provider key starts with a literal: a substring test (C speed) decides whether its
# pattern runs at all, so prose without any prefix costs a few microseconds.
_KEYS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (literals, re.compile(pattern))
    for literals, pattern in (
        (
            ("AKIA", "ASIA", "ABIA", "ACCA"),
            r"(?P<aws_access_key>A(?:KIA|SIA|BIA|CCA)[A-Z2-7]{16}\b)",
        ),
        (("github_pat_",), r"(?P<github_pat>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b)"),
        (
            ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
            r"(?P<github_token>gh[pousr]_[A-Za-z0-9]{36}\b)",
        ),
        (
            ("glpat-", "gldt-", "glrt-", "gloas-", "glcbt-", "glptt-"),
            r"(?P<gitlab_token>gl(?:pat|dt|rt|oas|cbt|ptt)-[A-Za-z0-9_\-]{20,}(?:\.[A-Za-z0-9_.\-]+)?)",
        ),
        (("xox",), r"(?P<slack_token>xox[abposr]-[A-Za-z0-9-]{10,})"),
        (
            ("hooks.slack.com",),
            r"(?P<slack_webhook>https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+)",
        ),
        (("k_live_", "k_test_"), r"(?P<stripe_key>[sr]k_(?:live|test)_[A-Za-z0-9]{20,})"),
        (
            ("sk-",),
            r"(?P<anthropic_key>sk-ant-[a-z0-9]+-[A-Za-z0-9_\-]{20,})"
            r"|(?P<openai_key>sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,})",
        ),
        (("AIza",), r"(?P<google_api_key>AIza[0-9A-Za-z_\-]{35}(?![\w-]))"),
        (
            ("PRIVATE KEY",),
            r"(?P<private_key>-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\Z))",
        ),
        (("eyJ",), r"(?P<jwt>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})"),
        (("AccountKey=",), r"(?P<azure_conn>AccountKey=(?P<azure_value>[A-Za-z0-9+/]{86}==))"),
    )
)
_ASSIGNMENT_WORDS = (
    "passw",
    "pwd",
    "kennwort",
    "mot de passe",
    "contrase",
    "secret",
    "token",
    "api_key",
    "api-key",
    "apikey",
)
_BASE64_40 = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])")
_AWS_SECRET_WORDS = words(
    r"aws_?secret", r"secret_?access_?key", r"secret access key", r"SecretAccessKey"
)
_AZURE_KEY = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])")
_AZURE_WORDS = words(r"azure", r"storage.{0,12}key", r"account.?key")
_ASSIGNMENT = re.compile(
    r"(?i:(?<![A-Za-z])(?:password|passwd|pwd|passwort|kennwort|mot de passe|contraseña|secret"
    r"|client_secret|api[_-]?key|access[_-]?token|auth[_-]?token)\b)"
    r"[\"']?\s*(?:=|:|:=|=>| is )\s*[\"']?(?P<value>[^\s\"'<>,;`]{8,64})"
)
_PLACEHOLDER = re.compile(
    r"example|xxxx|\*\*\*|your[-_]|placeholder|redacted|changeme|dummy|sample|\.\.\.|\$\{|\{\{"
    r"|<|fake|test(?:ing)?[-_]?(?:key|token|secret)|0000000|1234567",
    re.IGNORECASE,
)
_TITLES = {
    "aws_access_key": "AWS access key id prefix AKIA/ASIA",
    "github_pat": "GitHub fine-grained token prefix github_pat_",
    "gitlab_token": "GitLab token prefix gl…-",
    "slack_token": "Slack token prefix xox…-",
    "slack_webhook": "Slack incoming webhook URL",
    "stripe_key": "Stripe secret key prefix",
    "anthropic_key": "Anthropic key prefix sk-ant-",
    "google_api_key": "Google API key prefix AIza",
    "private_key": "PEM private key block",
}
_TYPE_OF = {"github_pat": "github_token", "slack_webhook": "slack_token", "azure_conn": ""}
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def detect(text: str) -> list[Detection]:
    """Every credential found in ``text`` (overlaps left to ``scan``)."""
    found = list(_prefixed(text))
    lower = text.lower()
    if "secret" in lower:
        found.extend(_aws_secret_keys(text))
    if "azure" in lower or "accountkey" in lower or "storage" in lower:
        found.extend(_azure_keys(text))
    if any(w in lower for w in _ASSIGNMENT_WORDS):
        found.extend(_assignments(text))
    return found


def _prefixed(text: str) -> Iterator[Detection]:
    for literals, pattern in _KEYS:
        if not any(literal in text for literal in literals):
            continue
        for m in pattern.finditer(text):
            if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"):
                continue  # inside a longer word
            found = _judge(m)
            if found is not None:
                yield found


def _judge(m: re.Match[str]) -> Detection | None:
    kind = m.lastgroup or ""
    if kind == "azure_value":
        kind = "azure_conn"
    value = m.group()
    start, end = m.start(), m.end()
    confidence, reason = 0.95, _TITLES.get(kind, kind)
    if kind == "github_token":
        confidence, reason = _github(value)
    elif kind == "openai_key":
        confidence, reason = _openai(value)
    elif kind == "jwt":
        if not _jwt_header_ok(value):
            return None
        reason = "JWT whose header decodes to JSON naming an alg"
    elif kind == "azure_conn":
        start, end = m.span("azure_value")
        value = m.group("azure_value")
        confidence, reason = 0.97, "AccountKey= in an Azure storage connection string"
    if _PLACEHOLDER.search(value):
        confidence, reason = 0.1, f"looks like a documented example or placeholder ({reason})"
    name = "azure_storage_key" if kind == "azure_conn" else _TYPE_OF.get(kind, kind)
    return Detection(f"secret.{name}", _S, start, end, confidence, reason)


def github_checksum_ok(token: str) -> bool:
    """Whether a ``ghp_``-style token's last 6 characters are the base62 CRC32 of the 30
    before them (the checksum GitHub put in its token format of 2021)."""
    body, check = token[4:-6], token[-6:]
    crc = zlib.crc32(body.encode())
    digits = ""
    while crc:
        crc, r = divmod(crc, 62)
        digits = _BASE62[r] + digits
    return digits.rjust(6, "0") == check


def _github(value: str) -> tuple[float, str]:
    if github_checksum_ok(value):
        return 0.99, f"GitHub token prefix {value[:4]} with a valid CRC32 checksum"
    return 0.75, f"GitHub token prefix {value[:4]}, checksum does not match"


def _openai(value: str) -> tuple[float, str]:
    if "T3BlbkFJ" in value:
        return 0.99, "OpenAI key sk- with the T3BlbkFJ marker"
    if value.startswith(("sk-proj-", "sk-svcacct-", "sk-admin-")):
        return 0.95, f"OpenAI key prefix {value.split('-')[0]}-{value.split('-')[1]}-"
    if len(value) >= 40 and _entropy(value[3:]) > 3.5:
        return 0.8, "sk- followed by a long random string (OpenAI key shape)"
    return 0.3, "sk- followed by a short or regular string"


def _jwt_header_ok(value: str) -> bool:
    header = value.split(".", 1)[0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except (binascii.Error, ValueError):
        return False
    return isinstance(decoded, dict) and "alg" in decoded


def _entropy(value: str) -> float:
    """Shannon entropy in bits per character: random keys ~5, words and hex ~3 to 4."""
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _aws_secret_keys(text: str) -> Iterator[Detection]:
    if "ecret" not in text:
        return
    for m in _BASE64_40.finditer(text):
        value = m.group()
        if not before(text, m.start(), _AWS_SECRET_WORDS) or _entropy(value) < 4.0:
            continue
        confidence, reason = 0.9, "40 base64 characters after words naming an AWS secret key"
        if _PLACEHOLDER.search(value):
            confidence, reason = 0.1, "looks like AWS's documented example secret key"
        yield Detection("secret.aws_secret_key", _S, m.start(), m.end(), confidence, reason)


def _azure_keys(text: str) -> Iterator[Detection]:
    for m in _AZURE_KEY.finditer(text):
        if text[max(0, m.start() - 11) : m.start()] == "AccountKey=":
            continue  # the connection string pattern reported it
        if before(text, m.start(), _AZURE_WORDS):
            reason = "88-character base64 key after words naming an Azure storage key"
            yield Detection("secret.azure_storage_key", _S, m.start(), m.end(), 0.9, reason)


def _assignments(text: str) -> Iterator[Detection]:
    for m in _ASSIGNMENT.finditer(text):
        value = m.group("value")
        if _PLACEHOLDER.search(value) or _entropy(value) < 2.5 or value.isalpha():
            continue
        start, end = m.span("value")
        reason = "a value assigned to a password, secret or token name"
        yield Detection("secret.generic_password_assignment", _S, start, end, 0.7, reason)
