"""API shapes of generated documents. Inputs forbid unknown fields."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from aitower.documents.service import VersionView


class GenerateIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"kind": "system-card", "formats": ["md", "html", "pdf"]}]},
    )
    kind: str = Field(max_length=32, description="system-card, annex-iv or fria")
    formats: list[str] = Field(
        default_factory=lambda: ["md", "html", "pdf"],
        max_length=3,
        description="md and html are always kept; pdf when listed",
    )


class VersionOut(BaseModel):
    id: uuid.UUID
    system_id: uuid.UUID
    kind: str
    title: str
    version: int
    generated_at: datetime
    generated_by: str
    formats: list[str]
    sha256: str = Field(description="SHA-256 of the Markdown source (the document's content)")
    digests: dict[str, str] = Field(description="SHA-256 of each stored format")
    facts_sha256: str = Field(description="SHA-256 of the facts the document was built from")
    same_facts_as: int | None = Field(description="An earlier version built from the same facts")

    @classmethod
    def of(cls, v: VersionView) -> VersionOut:
        return cls(
            id=v.id,
            system_id=v.system_id,
            kind=v.kind,
            title=v.kind_title,
            version=v.version,
            generated_at=v.generated_at,
            generated_by=v.generated_by,
            formats=list(v.formats),
            sha256=v.sha256,
            digests=v.digests,
            facts_sha256=v.facts_sha256,
            same_facts_as=v.same_facts_as,
        )
