"""Importing, listing and crosswalking frameworks against the database, on both dialects."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from aitower.core.audit.service import AuditFilter, count_events, list_events
from aitower.core.db.engine import Database
from aitower.core.errors import Conflict, InvalidInput, NotFound
from aitower.governance.frameworks import service
from support import CTX, seed_units

CUSTOM = """id: acme-ai-standard
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


def _events(db: Database) -> int:
    with db.reading() as session:
        return count_events(session)


def test_import_stores_the_framework_and_audits_it(db: Database) -> None:
    seed_units(db)
    with db.writing() as session:
        imported = service.import_framework(session, CTX, CUSTOM)
    assert imported.framework.counts() == {"section": 1, "control": 1}
    with db.reading() as session:
        listed = service.list_frameworks(session)
        detail = service.get_framework(session, "acme-ai-standard")
        imported_only = AuditFilter(action="framework.imported")
        events, _ = list_events(session, imported_only, limit=5, offset=0)
    assert [s.framework.id for s in listed] == [
        "nist-ai-rmf-1.0",
        "iso-iec-42001-2023",
        "acme-ai-standard",
    ]
    assert [s.framework.builtin for s in listed] == [True, True, False]
    assert detail.source == CUSTOM and detail.summary.imported_by == CTX.principal.name
    (event,) = events
    assert event.object_id == "acme-ai-standard"
    assert event.after is not None and event.after["items"] == 2
    assert event.after["sha256"] == hashlib.sha256(CUSTOM.encode()).hexdigest()


@pytest.mark.parametrize(
    ("source", "error", "field"),
    [
        (CUSTOM.replace("parent: GOV", "parent: NOPE"), InvalidInput, "items[1].parent"),
        (CUSTOM.replace("id: acme-ai-standard", "id: nist-ai-rmf-1.0"), Conflict, "id"),
        (CUSTOM.replace("id: acme-ai-standard", "id: eu-ai-act"), Conflict, "id"),
    ],
)
def test_a_refused_import_writes_nothing(
    db: Database, source: str, error: type[Exception], field: str
) -> None:
    seed_units(db)
    before = _events(db)
    with pytest.raises(error) as caught, db.writing() as session:
        service.import_framework(session, CTX, source)
    assert [i.field for i in caught.value.issues] == [field]  # type: ignore[attr-defined]
    assert _events(db) == before
    with db.reading() as session:
        assert len(service.list_frameworks(session)) == 2


def test_a_second_import_of_the_same_id_is_refused(db: Database) -> None:
    seed_units(db)
    with db.writing() as session:
        service.import_framework(session, CTX, CUSTOM)
    before = _events(db)
    with pytest.raises(Conflict), db.writing() as session:
        service.import_framework(session, CTX, CUSTOM.replace("issue 3", "issue 4"))
    assert _events(db) == before
    with db.reading() as session:
        stored = service.get_framework(session, "acme-ai-standard").framework
    assert "issue 3" in stored.source.document


def test_builtin_frameworks_are_read_without_the_database(db: Database) -> None:
    with db.reading() as session:
        nist = service.get_framework(session, "nist-ai-rmf-1.0")
        with pytest.raises(NotFound):
            service.get_framework(session, "no-such-framework")
    assert nist.source is None and nist.framework.counts()["subcategory"] == 72


@pytest.mark.parametrize(
    ("item", "ref"),
    [
        ("Art. 9", "eu-ai-act:Art. 9"),
        ("article 26", "eu-ai-act:Art. 26"),
        ("govern 1.7", "nist-ai-rmf-1.0:GOVERN 1.7"),
        ("A.6.2.6", "iso-iec-42001-2023:A.6.2.6"),
        ("iso-iec-42001-2023:A.8.4", "iso-iec-42001-2023:A.8.4"),
    ],
)
def test_items_resolve_from_how_people_write_them(item: str, ref: str) -> None:
    assert str(service.resolve(item)) == ref


def test_an_article_crosswalks_to_nist_and_iso_and_back(db: Database) -> None:
    with db.reading() as session:
        art_73 = service.crosswalk(session, "Art. 73")
        a84 = service.crosswalk(session, "A.8.4")
    assert art_73.label == "Reporting of serious incidents"
    # NIST before ISO, each in its catalog's order.
    assert [str(e.ref) for e in art_73.related] == [
        "nist-ai-rmf-1.0:GOVERN 4.3",
        "nist-ai-rmf-1.0:MANAGE 4.3",
        "iso-iec-42001-2023:A.8.4",
        "iso-iec-42001-2023:A.8.5",
    ]
    assert {e.source for e in art_73.related} == {"aitower"}
    assert a84.label == "Communication of incidents"
    back = {str(e.ref): e.source for e in a84.related}
    assert back["eu-ai-act:Art. 73"] == "aitower"
    assert back["nist-ai-rmf-1.0:MEASURE 2.1"] == "nist-42001-crosswalk"


def test_unknown_items_are_not_found(db: Database) -> None:
    with db.reading() as session:
        for item in ("Art. 5", "GOVERN 9.9", "nist-ai-rmf-1.0:GOVERN 9.9", "nope:X"):
            with pytest.raises(NotFound):
                service.crosswalk(session, item)
        with pytest.raises(InvalidInput):
            service.crosswalk(session, "  ")


MAPPED = CUSTOM.replace(
    "    title: An accountable owner is named\n",
    "    title: An accountable owner is named\n"
    "    maps_to: [nist-ai-rmf-1.0:GOVERN 2.1, eu-ai-act:Art. 26]\n",
)


def test_an_imported_item_joins_the_crosswalks_on_its_own_word(db: Database) -> None:
    seed_units(db)
    with db.writing() as session:
        service.import_framework(session, CTX, MAPPED)
    with db.reading() as session:
        back = service.crosswalk(session, "GOVERN 2.1")
        mine = service.crosswalk(session, "acme-ai-standard:GOV-1")
        counts = service.crosswalk_counts(session)
    (declared,) = [e for e in back.related if e.ref.framework == "acme-ai-standard"]
    assert (str(declared.ref), declared.source) == ("acme-ai-standard:GOV-1", "acme-ai-standard")
    assert declared.source_document == "ACME internal standard AI-01, issue 3"
    assert [str(e.ref) for e in mine.related] == ["eu-ai-act:Art. 26", "nist-ai-rmf-1.0:GOVERN 2.1"]
    assert counts["acme-ai-standard:GOV-1"] == 2


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("nist-ai-rmf-1.0:GOVERN 9.9", "has no item 'GOVERN 9.9'"),
        ("eu-ai-act:Art. 5", "has no item 'Art. 5'"),
        ("acme-ai-standard:GOV", "map to one of"),
    ],
)
def test_maps_to_must_name_a_shipped_item(db: Database, target: str, reason: str) -> None:
    seed_units(db)
    before = _events(db)
    source = MAPPED.replace("eu-ai-act:Art. 26", target)
    with pytest.raises(InvalidInput) as caught, db.writing() as session:
        service.import_framework(session, CTX, source)
    (issue,) = caught.value.issues
    assert issue.field == "items[1].maps_to[1]" and reason in issue.reason
    assert _events(db) == before


def test_the_documented_example_imports(db: Database) -> None:
    seed_units(db)
    doc = (Path(__file__).parents[3] / "docs" / "frameworks.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n")[1].split("```")[0]
    with db.writing() as session:
        imported = service.import_framework(session, CTX, example)
    assert imported.framework.id == "acme-ai-standard"
