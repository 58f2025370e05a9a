"""The README's `make run` on an empty data dir brings up a server with the demo, ready to use."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx2 as httpx
import pytest

from servers import free_port, running

ROOT = Path(__file__).parents[2]


@pytest.mark.slow
def test_make_run_on_an_empty_data_dir_serves_the_demo(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    data_dir = tmp_path / "data"
    port = free_port()
    env = {"AITOWER_DATA_DIR": str(data_dir), "AITOWER_PORT": str(port)}
    with running(
        ["make", "--no-print-directory", "-C", str(ROOT), "run"],
        env,
        port,
        cwd=tmp_path,
        timeout=180,
    ) as base:
        ready = httpx.get(f"{base}/readyz").json()
        assert ready["status"] == "ready"
        assert ready["database"] == "sqlite"
        assert (data_dir / "aitower.db").exists()
        with httpx.Client(base_url=base) as browser:
            token = browser.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
            answer = browser.post(
                "/login",
                data={"username": "admin", "password": "aitower-demo", "csrf_token": token},
            )
            assert answer.status_code == 303
            overview = browser.get("/")
            assert overview.status_code == 200
            assert "Overview" in overview.text
        log = next(tmp_path.glob("server-*.log")).read_text()
        assert "aitower-demo" in log, "make run must print how to log in"
