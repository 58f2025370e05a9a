"""docs/discovery-logs.md documents every format and each gateway's column mapping."""

from __future__ import annotations

from pathlib import Path

from aitower.discovery.logscan import FORMATS
from aitower.discovery.logscan_gateways import GATEWAYS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "discovery-logs.md").read_text()


def test_every_format_is_documented() -> None:
    for name in FORMATS:
        assert f"`{name}`" in DOC, f"docs/discovery-logs.md lacks the format {name}"


def test_every_mapped_gateway_column_is_documented_with_its_position() -> None:
    for layout in GATEWAYS.values():
        for field, column in layout.mapping.columns().items():
            position = layout.columns.index(column)
            row = f"`{column}` ({position})"
            assert row in DOC, f"docs lack {layout.name}'s {field} column {row}"
