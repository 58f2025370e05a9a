"""Use cases of frameworks: list and read them (built-in and imported), import one, crosswalk.

Built-in frameworks come from the package; imported ones from the ``frameworks`` table. Both
are the same ``Framework`` to the callers, marked ``builtin`` or not. An import is one
transaction with its audit event; a bad document or a taken id writes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import Conflict, InvalidInput, NotFound
from aitower.governance.frameworks.builtin import (
    builtin_crosswalks,
    builtin_framework,
    builtin_frameworks,
    reserved_ids,
)
from aitower.governance.frameworks.catalog import (
    FRAMEWORK_ID,
    Framework,
    framework_from_document,
    parse_framework,
)
from aitower.governance.frameworks.crosswalk import (
    EU_AI_ACT,
    Crosswalks,
    CrosswalkSource,
    Link,
    Ref,
)
from aitower.governance.frameworks.tables import FrameworkRow

EU_AI_ACT_NAME = "EU AI Act (Regulation (EU) 2024/1689)"
# "Art. 9", "Art 9", "Article 9" all name the article the crosswalks write "Art. 9".
_ARTICLE = re.compile(r"^(?:art\.?|article)\s*(\d{1,3})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FrameworkSummary:
    framework: Framework
    imported_by: str | None = None  # None for built-in frameworks
    imported_at: datetime | None = None

    @property
    def item_count(self) -> int:
        return len(self.framework.items)


@dataclass(frozen=True, slots=True)
class FrameworkDetail:
    summary: FrameworkSummary
    source: str | None  # the YAML as imported; None for built-in frameworks

    @property
    def framework(self) -> Framework:
        return self.summary.framework


@dataclass(frozen=True, slots=True)
class CrosswalkEntry:
    ref: Ref
    framework_name: str
    label: str  # the item's title, or the start of its text
    text: str
    source: str  # key of the crosswalk source: "aitower" or a published crosswalk
    source_document: str
    source_url: str


@dataclass(frozen=True, slots=True)
class CrosswalkView:
    ref: Ref
    framework_name: str
    label: str
    text: str
    related: tuple[CrosswalkEntry, ...]


def _summary(row: FrameworkRow) -> FrameworkSummary:
    framework = framework_from_document(row.document)
    return FrameworkSummary(framework, row.imported_by, row.created_at)


def list_frameworks(session: Session) -> list[FrameworkSummary]:
    """The built-in frameworks first, then the imported ones by id."""
    rows = session.execute(select(FrameworkRow).order_by(FrameworkRow.key)).scalars()
    return [FrameworkSummary(f) for f in builtin_frameworks()] + [_summary(r) for r in rows]


def get_framework(session: Session, framework_id: str) -> FrameworkDetail:
    found = builtin_framework(framework_id)
    if found is not None:
        return FrameworkDetail(FrameworkSummary(found), None)
    row = session.execute(
        select(FrameworkRow).where(FrameworkRow.key == framework_id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no framework {framework_id!r}")
    return FrameworkDetail(_summary(row), row.source)


def _check_maps(framework: Framework) -> None:
    """An imported item may map to the shipped catalogs' items and the crosswalked articles."""
    known = {f.id: f for f in builtin_frameworks()}
    articles = builtin_crosswalks().articles
    for n, item in enumerate(framework.items):
        for k, ref in enumerate(item.maps_to):
            target, _, target_item = ref.partition(":")
            if target == EU_AI_ACT:
                found = target_item in articles
            elif target in known:
                found = known[target].item(target_item) is not None
            else:
                allowed = ", ".join([*known, EU_AI_ACT])
                raise InvalidInput.on(f"items[{n}].maps_to[{k}]", f"map to one of {allowed}")
            if not found:
                raise InvalidInput.on(
                    f"items[{n}].maps_to[{k}]", f"{target} has no item {target_item!r}"
                )


def import_framework(session: Session, ctx: ChangeContext, source: str) -> FrameworkDetail:
    """Store a custom framework; its id must be new and not a built-in one's."""
    framework = parse_framework(source)
    _check_maps(framework)
    if framework.id in reserved_ids():
        raise Conflict.on("id", f"{framework.id!r} is built into aitower and cannot be replaced")
    taken = select(FrameworkRow.id).where(FrameworkRow.key == framework.id)
    if session.execute(taken).first() is not None:
        raise Conflict.on("id", f"a framework with id {framework.id!r} was already imported")
    row = FrameworkRow(
        key=framework.id,
        name=framework.name,
        version=framework.version,
        document=framework.to_document(),
        source=source,
        imported_by=ctx.principal.name,
    )
    session.add(row)
    session.flush()
    record_change(
        session,
        ctx,
        "framework.imported",
        "framework",
        framework.id,
        after={
            "name": framework.name,
            "version": framework.version,
            "source_document": framework.source.document,
            "items": len(framework.items),
            # The YAML can be large: the event keeps its fingerprint, the row keeps the text.
            "sha256": hashlib.sha256(source.encode("utf-8")).hexdigest(),
        },
    )
    return FrameworkDetail(_summary(row), source)


# --- crosswalks -------------------------------------------------------------------------------


def _eu_label(item: str) -> tuple[str, str]:
    article = builtin_crosswalks().articles.get(item)
    return (article.title, "") if article else (item, "")


def _position(ref: Ref) -> tuple[int, int]:
    """Where a reference sorts: the EU AI Act, then the catalogs, each in its own order."""
    if ref.framework == EU_AI_ACT:
        return 0, list(builtin_crosswalks().articles).index(ref.item)
    for n, framework in enumerate(builtin_frameworks(), start=1):
        if framework.id == ref.framework:
            return n, [i.id for i in framework.items].index(ref.item)
    return len(builtin_frameworks()) + 1, 0


def _describe(frameworks: Mapping[str, Framework], ref: Ref) -> tuple[str, str, str]:
    """(framework name, label, text) of a reference, or NotFound."""
    if ref.framework == EU_AI_ACT:
        if ref.item not in builtin_crosswalks().articles:
            raise NotFound(f"the crosswalks do not map EU AI Act {ref.item!r}")
        return (EU_AI_ACT_NAME, *_eu_label(ref.item))
    framework = frameworks.get(ref.framework)
    if framework is None:
        raise NotFound(f"no framework {ref.framework!r}")
    item = framework.item(ref.item)
    if item is None:
        raise NotFound(f"framework {ref.framework!r} has no item {ref.item!r}")
    return framework.name, item.label, item.text


def resolve(item: str) -> Ref:
    """A reference from "framework:item" or a bare item id the shipped catalogs hold.

    A bare id is looked up in NIST AI RMF, ISO/IEC 42001 Annex A and the crosswalked EU AI Act
    articles ("Art. 9", "Article 9"), exactly and then ignoring case ("govern 1.1").
    """
    text = " ".join(item.split())
    if not text:
        raise InvalidInput.on("item", "name an item, e.g. 'Art. 9', 'GOVERN 1.1' or 'A.6.2.6'")
    if ":" in text:
        prefix, _, rest = text.partition(":")
        if not FRAMEWORK_ID.match(prefix.strip()):
            raise InvalidInput.on("item", f"{prefix!r} is not a framework id")
        return Ref(prefix.strip(), rest.strip())
    article = _ARTICLE.match(text)
    if article:
        return Ref(EU_AI_ACT, f"Art. {int(article.group(1))}")
    for exact in (True, False):
        for framework in builtin_frameworks():
            for candidate in framework.items:
                if candidate.id == text or (not exact and candidate.id.lower() == text.lower()):
                    return Ref(framework.id, candidate.id)
    raise NotFound(f"no built-in framework has an item {text!r}; write it as framework:item")


def _frameworks(session: Session) -> dict[str, Framework]:
    return {s.framework.id: s.framework for s in list_frameworks(session)}


def _combined(frameworks: Mapping[str, Framework]) -> Crosswalks:
    shipped = builtin_crosswalks()
    links = list(shipped.links)
    sources = dict(shipped.sources)
    for framework in frameworks.values():
        declared = [
            Link(Ref(framework.id, i.id), Ref(*ref.split(":", 1)), framework.id)
            for i in framework.items
            for ref in i.maps_to
        ]
        if declared and not framework.builtin:
            links.extend(declared)
            doc = framework.source
            sources[framework.id] = CrosswalkSource(framework.id, doc.document, doc.url)
    return Crosswalks(tuple(links), shipped.articles, sources)


def all_crosswalks(session: Session) -> Crosswalks:
    """The shipped links, and those the imported frameworks declare (``maps_to``), each of the
    latter on the word of its framework (its source is the framework's id)."""
    return _combined(_frameworks(session))


def crosswalk(session: Session, item: str) -> CrosswalkView:
    """What an item maps to in the other frameworks, and from them back to it, with sources."""
    ref = resolve(item)
    frameworks = _frameworks(session)
    framework_name, label, text = _describe(frameworks, ref)
    crosswalks = _combined(frameworks)
    entries = []
    for link in crosswalks.related(ref):
        name, target_label, target_text = _describe(frameworks, link.target)
        source = crosswalks.sources[link.source]
        entry = CrosswalkEntry(
            link.target, name, target_label, target_text, link.source, source.document, source.url
        )
        entries.append(entry)
    entries.sort(key=lambda e: (*_position(e.ref), str(e.ref)))
    return CrosswalkView(ref, framework_name, label, text, tuple(entries))


def crosswalk_counts(session: Session) -> dict[str, int]:
    """Links per reference ("framework:item"), so a tree can show which items have a crosswalk."""
    counts: dict[str, int] = {}
    for link in all_crosswalks(session).links:
        for ref in (link.origin, link.target):
            counts[str(ref)] = counts.get(str(ref), 0) + 1
    return counts
