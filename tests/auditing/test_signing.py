"""The signing key: the configured file, or one made once in the data folder and kept."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from aitower.app import create_app
from aitower.auditing.bundle import fingerprint
from aitower.auditing.signing import GENERATED_NAME, SigningKeyUnavailable, signing_key
from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.settings import Settings
from support import SECRET, make_key, seed_units


def _pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def test_a_generated_key_is_made_once_private_and_kept(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key=SECRET)
    first = signing_key(settings)
    path = tmp_path / GENERATED_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = signing_key(settings)
    assert fingerprint(again.public_key()) == fingerprint(first.public_key())


def test_the_configured_key_is_used(tmp_path: Path) -> None:
    mine = Ed25519PrivateKey.generate()
    (tmp_path / "mine.pem").write_bytes(_pem(mine))
    settings = Settings(
        data_dir=tmp_path, secret_key=SECRET, signing_key_file=tmp_path / "mine.pem"
    )
    used = signing_key(settings)
    assert fingerprint(used.public_key()) == fingerprint(mine.public_key())
    assert not (tmp_path / GENERATED_NAME).exists()


def test_an_empty_setting_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AITOWER_SIGNING_KEY_FILE", " ")
    assert Settings().signing_key_file is None


@pytest.mark.parametrize("content", [None, b"not a key", "ec"])
def test_a_missing_or_wrong_configured_key_is_refused_never_replaced(
    tmp_path: Path, content: bytes | str | None
) -> None:
    path = tmp_path / "key.pem"
    if content == "ec":
        ec = generate_private_key(SECP256R1())
        path.write_bytes(
            ec.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    elif isinstance(content, bytes):
        path.write_bytes(content)
    settings = Settings(data_dir=tmp_path, secret_key=SECRET, signing_key_file=path)
    with pytest.raises(SigningKeyUnavailable):
        signing_key(settings)
    assert not (tmp_path / GENERATED_NAME).exists()


def test_the_api_says_503_when_the_key_is_unavailable(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=sqlite_database_url,
        data_dir=tmp_path,
        secret_key=SECRET,
        signing_key_file=tmp_path / "gone.pem",
    )
    db = Database(sqlite_database_url)
    try:
        seed_units(db)
        key = make_key(db, Role.auditor)
        client = TestClient(create_app(settings, database=db))
        answer = client.get("/api/v1/audit/bundle", headers={"x-api-key": key})
        assert answer.status_code == 503
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "AITOWER_SIGNING_KEY_FILE" in answer.json()["detail"]
        page = client.get("/audit/as-of", headers={"x-api-key": key})
        assert page.status_code == 200  # the view still works; only signing waits for a key
    finally:
        db.dispose()
