"""JSON shapes of frameworks and crosswalks in the REST API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from aitower.governance.frameworks.catalog import Item, Source
from aitower.governance.frameworks.service import (
    CrosswalkEntry,
    CrosswalkView,
    FrameworkDetail,
    FrameworkSummary,
)

MAX_SOURCE = 1_000_000
EXAMPLE = """id: acme-ai-standard
name: ACME responsible AI standard
version: "2026.1"
source:
  document: ACME internal standard AI-01, issue 3
items:
  - id: GOV
    kind: section
    title: Governance
  - id: GOV-1
    parent: GOV
    kind: control
    title: An accountable owner is named
"""


class FrameworkIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"source": EXAMPLE}]})
    source: str = Field(
        min_length=1, max_length=MAX_SOURCE, description="The framework as YAML (see the docs)"
    )


class SourceOut(BaseModel):
    document: str
    url: str
    publisher: str
    license: str

    @classmethod
    def of(cls, source: Source) -> SourceOut:
        return cls(
            document=source.document,
            url=source.url,
            publisher=source.publisher,
            license=source.license,
        )


class ItemOut(BaseModel):
    id: str
    kind: str
    parent: str | None
    title: str
    text: str
    label: str
    source: str
    maps_to: list[str] = Field(description="framework:item references this item answers")

    @classmethod
    def of(cls, item: Item) -> ItemOut:
        return cls(
            id=item.id,
            kind=item.kind,
            parent=item.parent,
            title=item.title,
            text=item.text,
            label=item.label,
            source=item.source,
            maps_to=list(item.maps_to),
        )


class FrameworkOut(BaseModel):
    id: str
    name: str
    version: str
    builtin: bool
    description: str
    source: SourceOut
    counts: dict[str, int] = Field(description="Items per kind, e.g. {function: 4, ...}")
    item_count: int
    imported_by: str | None
    imported_at: datetime | None

    @classmethod
    def of(cls, summary: FrameworkSummary) -> FrameworkOut:
        f = summary.framework
        return cls(
            id=f.id,
            name=f.name,
            version=f.version,
            builtin=f.builtin,
            description=f.description,
            source=SourceOut.of(f.source),
            counts=f.counts(),
            item_count=summary.item_count,
            imported_by=summary.imported_by,
            imported_at=summary.imported_at,
        )


class FrameworkDetailOut(FrameworkOut):
    items: list[ItemOut] = Field(description="Every item in document order; parent gives the tree")
    yaml: str | None = Field(description="The YAML as imported (null for built-in frameworks)")

    @classmethod
    def of_detail(cls, detail: FrameworkDetail) -> FrameworkDetailOut:
        base = FrameworkOut.of(detail.summary).model_dump()
        items = [ItemOut.of(i) for i in detail.framework.items]
        return cls(**base, items=items, yaml=detail.source)


class CrosswalkEntryOut(BaseModel):
    ref: str = Field(description="framework:item")
    framework: str
    framework_name: str
    item: str
    label: str
    text: str
    source: str = Field(description="'aitower' for aitower's own mapping, else the crosswalk's key")
    source_document: str
    source_url: str

    @classmethod
    def of(cls, entry: CrosswalkEntry) -> CrosswalkEntryOut:
        return cls(
            ref=str(entry.ref),
            framework=entry.ref.framework,
            framework_name=entry.framework_name,
            item=entry.ref.item,
            label=entry.label,
            text=entry.text,
            source=entry.source,
            source_document=entry.source_document,
            source_url=entry.source_url,
        )


class CrosswalkOut(BaseModel):
    ref: str
    framework: str
    framework_name: str
    item: str
    label: str
    text: str
    related: list[CrosswalkEntryOut]

    @classmethod
    def of(cls, view: CrosswalkView) -> CrosswalkOut:
        return cls(
            ref=str(view.ref),
            framework=view.ref.framework,
            framework_name=view.framework_name,
            item=view.ref.item,
            label=view.label,
            text=view.text,
            related=[CrosswalkEntryOut.of(e) for e in view.related],
        )
