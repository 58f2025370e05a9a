"""The redaction key: made once in the data folder (0600), or read from the configured file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from aitower.core.settings import Settings
from aitower.telemetry.redaction_key import (
    GENERATED_NAME,
    RedactionKeyUnavailable,
    redaction_key,
    server_content_policy,
)

SECRET = "s" * 48


def test_made_once_private_and_kept(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key=SECRET)
    first = redaction_key(settings)
    path = tmp_path / GENERATED_NAME
    assert len(first) == 64 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert redaction_key(settings) == first
    assert server_content_policy(settings).key == first


def test_the_configured_file_wins(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.write_text("  a-shared-key-of-enough-bytes\n")
    settings = Settings(data_dir=tmp_path, secret_key=SECRET, redaction_key_file=mine)
    assert redaction_key(settings) == b"a-shared-key-of-enough-bytes"
    assert not (tmp_path / GENERATED_NAME).exists()


def test_a_missing_or_short_configured_key_is_refused(tmp_path: Path) -> None:
    missing = Settings(data_dir=tmp_path, secret_key=SECRET, redaction_key_file=tmp_path / "no")
    with pytest.raises(RedactionKeyUnavailable, match="no file"):
        redaction_key(missing)
    short = tmp_path / "short"
    short.write_text("tiny")
    with pytest.raises(RedactionKeyUnavailable, match="at least 16 bytes"):
        redaction_key(Settings(data_dir=tmp_path, secret_key=SECRET, redaction_key_file=short))


def test_the_server_default_can_turn_scanning_off(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key=SECRET, telemetry_scan_content=False)
    assert not server_content_policy(settings).scan.enabled
    assert server_content_policy(Settings(data_dir=tmp_path, secret_key=SECRET)).scan.enabled
