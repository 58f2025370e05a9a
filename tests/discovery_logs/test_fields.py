"""Time stamps and URLs as logs write them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aitower.discovery.logscan_fields import byte_count, host_and_path, parse_timestamp

NINE = datetime(2026, 11, 2, 9, 0, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    "value",
    [
        NINE, int(NINE), str(NINE), f"{NINE:.0f}000", f"{NINE:.0f}000000", f"{NINE:.0f}000000000",
        "2026-11-02T09:00:00Z", "2026-11-02T10:00:00+01:00", "2026-11-02 09:00:00",
        "2026-11-02T09:00:00.000000", "Mon Nov 2 09:00:00 2026", "Mon Nov  2 09:00:00 2026",
        "2026/11/02 09:00:00", "02/Nov/2026:10:00:00 +0100",
    ],
)  # fmt: skip
def test_every_time_form_reads_as_the_same_instant(value: object) -> None:
    assert parse_timestamp(value) == pytest.approx(NINE)


@pytest.mark.parametrize("value", ["yesterday", "", "-5", "nan", "2026-13-45T00:00:00"])
def test_what_is_not_a_time_is_refused(value: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(value)


@pytest.mark.parametrize(
    ("url", "host", "path"),
    [
        ("https://api.openai.com/v1/chat?x=1#f", "api.openai.com", "/v1/chat"),
        ("http://user:pw@claude.ai:8080/api", "claude.ai", "/api"),
        ("api.openai.com:443", "api.openai.com", ""),
        ("chatgpt.com/backend-api/conversation", "chatgpt.com", "/backend-api/conversation"),
        ("https://claude.ai?next=/chat", "claude.ai", ""),
        ("http://[2001:db8::1]:8080/p", "[2001:db8::1]", "/p"),
        ("error:transaction-end-before-headers", "error", ""),
    ],
)  # fmt: skip
def test_host_and_path_of_a_url(url: str, host: str, path: str) -> None:
    assert host_and_path(url) == (host, path)


def test_byte_counts() -> None:
    assert [byte_count(v) for v in ("", "-", None, "42", "42.0", 7)] == [0, 0, 0, 42, 42, 7]
    with pytest.raises(ValueError, match="negative"):
        byte_count("-3")
