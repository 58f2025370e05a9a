"""A new capability joins the app, the CLI, the navigation, the Overview, the permission
matrix, /metrics, the background pass and the demo by one entry in the capability list.

The capability lives in a temporary package, and the check runs in a subprocess: its
permission enum would otherwise stay declared in this test process for the tests after it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SAMPLE_SLICE = '''
"""A capability with nothing but what it declares."""

from __future__ import annotations

from typing import Annotated

import typer
from fastapi import APIRouter
from starlette.responses import HTMLResponse

from aitower.core.access.principal import Principal
from aitower.core.access.roles import ALL_ROLES, Permission, Role
from aitower.core.background import BackgroundJob
from aitower.core.slice import Slice
from aitower.core.web.deps import guard
from aitower.core.web.navigation import NavItem
from aitower.core.web.overview_panels import OverviewPanel, OverviewTile

RAN = []


class SamplePermission(Permission):
    sample_read = "sample.read", "See the sample", ALL_ROLES
    sample_write = "sample.write", "Change the sample", {Role.admin}


Reader = Annotated[Principal, guard(SamplePermission.sample_read)]


def api_router() -> APIRouter:
    router = APIRouter(tags=["sample"])

    @router.get("/sample")
    def read(_: Reader) -> dict[str, str]:
        return {"sample": "ok"}

    return router


def page_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/sample")
    def page(_: Reader) -> HTMLResponse:
        return HTMLResponse("<p>the sample page</p>")

    return router


def register(app: typer.Typer) -> None:
    group = typer.Typer(no_args_is_help=True)

    @group.command("hello")
    def hello() -> None:
        print("hello from the sample")

    app.add_typer(group, name="sample")


def contribute(session, ctx, demo) -> None:
    demo.note("samples", "the sample")


def panel(session, principal, today) -> OverviewPanel:
    return OverviewPanel(tiles=(OverviewTile(95, "7", "sample things", "/sample"),))


SLICE = Slice(
    name="sample",
    permissions=(SamplePermission,),
    api_routers=(lambda _: api_router(),),
    routers=(lambda _: page_router(),),
    navigation=(NavItem("sample", "Sample", "/sample", SamplePermission.sample_read, rank=65),),
    cli=(register,),
    demo=(contribute,),
    overview=(panel,),
    prometheus=(lambda session: ["aitower_sample_things 7"],),
    jobs=(BackgroundJob("sample", lambda db, now, owner: RAN.append(owner)),),
)
'''

CHECK = """
import json, sys
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aitower.app import CAPABILITIES, create_app
from aitower.cli import build_app
from aitower.core.access.principal import system_principal
from aitower.core.access.roles import Role, permissions_of
from aitower.core.audit.service import ChangeContext
from aitower.core.background import run_once
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.core.demo.organisation import DemoPassword
from aitower.core.settings import Settings
from aitower.demo import demo_contributors, load_demo
from sample_capability import slice as sample
from support import login

extended = (*CAPABILITIES, sample.SLICE)  # the one entry
tmp = Path(sys.argv[1])
settings = Settings(
    database_url=f"sqlite:///{tmp}/aitower.db", data_dir=tmp, secret_key="s" * 40,
    dev_mode=False, alerts_interval_seconds=0, ingest_workers=0,
)
db = Database(settings.resolved_database_url)
upgrade(db.engine)
password = DemoPassword("sample-demo-password", "stdin")
demo = load_demo(db, ChangeContext(system_principal("demo")), password,
                 contributors=demo_contributors(extended))
seen = {"demo": [list(c) for c in demo.created if c[0] == "samples"]}
with TestClient(create_app(settings, database=db, capabilities=extended)) as client:
    login(client, "admin", password.value)
    overview = client.get("/").text
    seen["nav"] = 'href="/sample"' in overview
    seen["tile"] = "sample things" in overview
    seen["page"] = client.get("/sample").text
    seen["api"] = client.get("/api/v1/sample").json()
    seen["metrics"] = "aitower_sample_things 7" in client.get("/metrics").text
    login(client, "sam.taylor", password.value)  # a stakeholder: reads, does not write
    seen["stakeholder_page"] = client.get("/sample").status_code
run_once(db, "replica-x", [job for c in extended for job in c.jobs])
seen["job"] = sample.RAN
result = CliRunner().invoke(build_app(extended), ["sample", "hello"])
seen["cli"] = result.output.strip()
seen["admin_holds"] = "sample.write" in permissions_of(Role.admin)
seen["stakeholder_holds"] = "sample.write" in permissions_of(Role.stakeholder)
print(json.dumps(seen))
"""


def test_one_entry_plugs_a_new_capability_in_everywhere(tmp_path: Path) -> None:
    package = tmp_path / "sample_capability"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "slice.py").write_text(textwrap.dedent(SAMPLE_SLICE))
    (tmp_path / "check.py").write_text(textwrap.dedent(CHECK))
    data = tmp_path / "data"
    data.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AITOWER_")}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT / "tests")])
    run = subprocess.run(
        [sys.executable, str(tmp_path / "check.py"), str(data)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen == {
        "demo": [["samples", "the sample"]],
        "nav": True,
        "tile": True,
        "page": "<p>the sample page</p>",
        "api": {"sample": "ok"},
        "metrics": True,
        "stakeholder_page": 200,
        "job": ["replica-x"],
        "cli": "hello from the sample",
        "admin_holds": True,
        "stakeholder_holds": False,
    }
