from pathlib import Path

import pytest

from aitower.app import create_app
from aitower.core.db.engine import Database
from aitower.core.settings import InsecureSettingsError, Settings, load_settings
from aitower.core.web.app import SchemaNotCurrentError


@pytest.mark.parametrize("secret", ["", "changeme", "secret", "short-but-real"])
def test_server_refuses_placeholder_or_short_secret_outside_dev_mode(
    secret: str, tmp_path: Path
) -> None:
    settings = Settings(secret_key=secret, data_dir=tmp_path)
    with pytest.raises(InsecureSettingsError, match="AITOWER_SECRET_KEY"):
        create_app(settings)


def test_dev_mode_keeps_one_generated_secret_per_data_dir(tmp_path: Path) -> None:
    first = load_settings(dev_mode=True, data_dir=tmp_path)
    second = load_settings(dev_mode=True, data_dir=tmp_path)
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert (tmp_path / "dev-secret").stat().st_mode & 0o077 == 0


def test_settings_come_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AITOWER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AITOWER_PORT", "9123")
    monkeypatch.setenv("AITOWER_MAX_BODY_BYTES", "4096")
    settings = Settings()
    assert settings.port == 9123
    assert settings.max_body_bytes == 4096
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.as_posix()}/aitower.db"


def test_app_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="k" * 40)
    db = Database(settings.resolved_database_url)
    with pytest.raises(SchemaNotCurrentError, match="aitower db upgrade"):
        create_app(settings, database=db)
    db.dispose()
