"""The example files in docs/inventory.md import as documented."""

from __future__ import annotations

import re
from pathlib import Path

from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.demo.loader import FOUNDATION_CONTRIBUTORS, DemoPassword, load_demo
from aitower.inventory.importing import import_systems, import_vendors
from aitower.inventory.transfer import Format
from support_inventory import add_vendor

DOC = (Path(__file__).parents[2] / "docs" / "inventory.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.DOTALL)


def test_documented_examples_import(db: Database) -> None:
    ctx = ChangeContext(system_principal("test"))
    load_demo(
        db, ctx, DemoPassword("a demo password", "stdin"), contributors=FOUNDATION_CONTRIBUTORS
    )
    systems_csv, vendors_csv = blocks("csv")
    with db.writing() as session:
        report = import_vendors(session, ctx, vendors_csv, Format.csv)
    assert report.errors == [] and report.created == ["OpenAI", "Northwind Analytics"]
    add_vendor(db, "Zendesk")
    add_vendor(db, "Anthropic")
    with db.writing() as session:
        report = import_systems(session, ctx, systems_csv, Format.csv)
        assert report.errors == [] and len(report.created) == 2
        report = import_systems(session, ctx, blocks("yaml")[0], Format.yaml)
        assert report.errors == [] and report.created == ["Knowledge assistant"]
