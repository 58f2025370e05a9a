"""Storing policies: versions, enabling, applying a folder, and their audit trail."""

from __future__ import annotations

import pytest

from aitower.core.audit.service import AuditFilter, count_events, list_events
from aitower.core.db.engine import Database
from aitower.core.errors import Conflict, InvalidInput, NotFound
from aitower.governance import policy_service as ps
from aitower.governance.policy import default_pack
from support import CTX

SOURCE = """key: owners
name: Owners are named
gates: [deployment]
requirements:
  - field: technical_owner
"""
EDITED = SOURCE.replace("Owners are named", "Owners are always named")


def _events(db: Database) -> int:
    with db.reading() as session:
        return count_events(session)


def _actions(db: Database) -> list[str]:
    with db.reading() as session:
        events, _ = list_events(session, AuditFilter(object_type="policy"), limit=100, offset=0)
    return [e.action for e in reversed(events)]


def test_create_update_and_versions(db: Database) -> None:
    with db.writing() as session:
        created = ps.create_policy(session, CTX, SOURCE, "first")
    assert (created.key, created.version, created.enabled) == ("owners", 1, True)
    with db.writing() as session:
        updated = ps.update_policy(session, CTX, "owners", EDITED, "clearer name")
        same = ps.update_policy(session, CTX, "owners", EDITED, "again")
    assert updated.version == 2 and updated.name == "Owners are always named"
    assert same.version == 2
    with db.reading() as session:
        detail = ps.get_policy(session, "owners")
        first = ps.get_version(session, "owners", 1)
        active = ps.active_policies(session)
    assert [v.version for v in detail.versions] == [2, 1]
    assert detail.source == EDITED
    assert detail.versions[0].comment == "clearer name"
    assert detail.versions[0].author == "test"
    assert first.source == SOURCE
    assert [p.name for p in active] == ["Owners are always named"]
    assert _actions(db) == ["policy.created", "policy.updated"]


def test_refused_changes_write_nothing(db: Database) -> None:
    with db.writing() as session:
        ps.create_policy(session, CTX, SOURCE)
    before = _events(db)
    with pytest.raises(Conflict), db.writing() as session:
        ps.create_policy(session, CTX, SOURCE)
    with pytest.raises(InvalidInput) as caught, db.writing() as session:
        ps.create_policy(session, CTX, SOURCE.replace("technical_owner", "colour"))
    assert caught.value.issues[0].field == "requirements[0].field"
    with pytest.raises(InvalidInput) as caught, db.writing() as session:
        ps.update_policy(session, CTX, "owners", SOURCE.replace("key: owners", "key: other"))
    assert caught.value.issues[0].field == "key"
    with pytest.raises(NotFound), db.writing() as session:
        ps.update_policy(session, CTX, "missing", SOURCE)
    assert _events(db) == before
    with db.reading() as session:
        assert ps.get_policy(session, "owners").summary.version == 1


def test_enable_and_disable(db: Database) -> None:
    with db.writing() as session:
        ps.create_policy(session, CTX, SOURCE)
        assert not ps.set_enabled(session, CTX, "owners", False).enabled
        ps.set_enabled(session, CTX, "owners", False)  # already off: nothing recorded
    with db.reading() as session:
        assert ps.active_policies(session) == []
    with db.writing() as session:
        ps.set_enabled(session, CTX, "owners", True)
    assert _actions(db) == ["policy.created", "policy.disabled", "policy.enabled"]


def test_apply_folder_plans_then_applies(db: Database) -> None:
    pack = default_pack()
    with db.writing() as session:
        plan = ps.apply_folder(session, CTX, pack, dry_run=True)
    assert plan.count("create") == len(pack) and not plan.applied
    assert _events(db) == 0
    with db.writing() as session:
        plan = ps.apply_folder(session, CTX, pack, dry_run=False)
    assert plan.applied
    with db.reading() as session:
        assert len(ps.active_policies(session)) == len(pack)
    changed = dict(pack)
    name = sorted(changed)[0]
    changed[name] = changed[name].replace("name: ", "name: Revised ", 1)
    del changed[sorted(changed)[1]]
    with db.writing() as session:
        plan = ps.apply_folder(session, CTX, changed, dry_run=False)
    actions = {i.action for i in plan.items}
    assert actions == {"update", "unchanged", "not in folder"}
    with db.writing() as session:
        plan = ps.apply_folder(session, CTX, changed, dry_run=False, prune=True)
    assert plan.count("disable") == 1
    with db.reading() as session:
        assert len(ps.active_policies(session)) == len(pack) - 1
    assert _actions(db).count("policies.applied") == 3


def test_apply_is_all_or_nothing(db: Database) -> None:
    files = {"a.yaml": SOURCE, "b.yaml": "key: b\nname: [oops\n"}
    with db.writing() as session:
        plan = ps.apply_folder(session, CTX, files, dry_run=False)
    assert not plan.valid and not plan.applied
    invalid = [i for i in plan.items if i.action == "invalid"]
    assert invalid[0].file == "b.yaml" and "line" in str(invalid[0].error)
    assert _events(db) == 0
    duplicate = {"a.yaml": SOURCE, "c.yaml": SOURCE}
    with db.writing() as session:
        plan = ps.apply_folder(session, CTX, duplicate, dry_run=False)
    assert "also defined in a.yaml" in str(plan.items[1].error)
    with db.reading() as session:
        assert ps.list_policies(session) == []
