"""A bias evaluation is judged, not trusted (#15), through the API on SQLite and PostgreSQL.

The seen failure: the demo credit model's failing fairness monitor, attached by its page's
link as the "bias evaluation", turned the gate green. Now the link is read as the monitor
itself, the gate blocks with the monitor's figures, and it passes only once the monitor's
newest result meets the four-fifths rule; the open request follows on its own (background
pass), and its page never disagrees with the system page.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import time_machine
from fastapi import FastAPI

from aitower.alerts import rules
from aitower.alerts.alert_domain import Comparator, RuleSpec
from aitower.alerts.evaluator import evaluate_due_rules
from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.governance.moves import reevaluate_pending
from aitower.model_monitors import monitors, references
from aitower.model_monitors.running import run_now
from aitower.model_monitors.spec import MonitorSpec, Schedule
from aitower.model_monitors.store import StoredPredictions
from aitower.predictions.window import MonitoredModel
from governance.approvals.support_approvals import As, add_policy
from model_monitors.support import log_window, make_model
from model_monitors.windows import T0, binary_window
from support import CTX, make_user, seed_units
from support_inventory import make_system

DAY = timedelta(days=1)
BIAS_GATE = """\
key: bias-before-deployment
name: High-risk models need a passing bias evaluation
gates: [deployment]
applies_to: {tiers: [high]}
requirements:
  - document: bias_evaluation
"""
SPEC = MonitorSpec("credit fairness", Schedule.daily, window_hours=24, sensitive=("gender",))


def _monitor(db: Database, model: MonitoredModel) -> uuid.UUID:
    store = StoredPredictions()
    with db.writing() as session:
        ref = references.create_from_window(
            session, CTX, store, model.id, "reference", T0, T0 + timedelta(hours=1)
        )
        return monitors.create_monitor(session, CTX, store, model.id, ref.id, SPEC, now=T0).id


def _findings(answer: dict[str, object]) -> list[str]:
    gate = answer["gate"]
    assert isinstance(gate, dict)
    return [f["message"] for f in gate["findings"]]


def test_a_failing_fairness_result_blocks_the_gate_and_a_passing_one_lets_it_pass(
    app: FastAPI, db: Database
) -> None:
    units = seed_units(db)
    add_policy(db, BIAS_GATE)
    system_id = make_system(
        db, units.unit_id, "Credit scorer", stage="development", risk_tier="high"
    )
    model = make_model(db, system_id, "credit")
    log_window(db, model, binary_window(3000, seed=1, start=T0), prefix="r")
    log_window(db, model, binary_window(3000, seed=2, bias=0.6, start=T0 + DAY), prefix="b")
    monitor_id = _monitor(db, model)
    unfair = run_now(db, monitor_id, T0 + DAY + timedelta(hours=2))
    assert unfair.status == "alert"  # the four-fifths rule is broken in this window

    name = make_user(db, Role.engineer)
    with time_machine.travel(T0 + DAY + timedelta(hours=3), tick=False):
        engineer = As(app, name)
        asked = engineer.post(
            f"/api/v1/systems/{system_id}/moves",
            {"target_stage": "deployment", "reason": "validated"},
        )
        assert asked.status_code == 202, asked.text
        request_id = asked.json()["request"]["id"]
        assert any("link a fairness monitor" in m for m in _findings(asked.json()["request"]))

        # The failing monitor's page, pasted as the bias evaluation, is judged as the monitor.
        link = f"http://aitower.example/monitoring/models/{model.id}/fairness?monitor={monitor_id}"
        attached = engineer.post(
            f"/api/v1/systems/{system_id}/evidence",
            {"kind": "bias_evaluation", "title": "Fairness results", "uri": link},
        )
        assert attached.status_code == 201, attached.text
        body = attached.json()
        assert body["object_type"] == "model_monitor" and body["object_id"] == str(monitor_id)
        assert body["judgement"]["passed"] is False
        assert body["judgement"]["value"] < 0.8

        request = engineer.get(f"/api/v1/approval-requests/{request_id}").json()
        assert request["status"] == "pending" and request["gate"]["verdict"] == "block"
        (message,) = _findings(request)
        assert "monitor 'credit fairness' fails: demographic parity ratio" in message
        assert f"{body['judgement']['value']:.2f} < 0.80" in message

    # The model is fixed: a fair window, and the monitor's newest result passes.
    log_window(db, model, binary_window(3000, seed=3, start=T0 + 2 * DAY), prefix="f")
    fair = run_now(db, monitor_id, T0 + 2 * DAY + timedelta(hours=2))
    assert fair.status == "ok"
    with time_machine.travel(T0 + 2 * DAY + timedelta(hours=3), tick=False):
        engineer = As(app, name)  # a day later: signed in again
        live = engineer.get(f"/api/v1/approval-requests/{request_id}").json()
        assert live["status"] == "pending" and live["gate"]["verdict"] == "pass"
        assert "proven by monitor 'credit fairness'" in _findings(live)[0]
        assert reevaluate_pending(db, T0 + 2 * DAY + timedelta(hours=3), "replica-a") == 1
        done = engineer.get(f"/api/v1/approval-requests/{request_id}").json()
        assert done["status"] == "completed"
        system = engineer.get(f"/api/v1/systems/{system_id}").json()
        assert system["stage"] == "deployment"


def test_a_monitor_result_older_than_30_days_no_longer_proves_it(
    app: FastAPI, db: Database
) -> None:
    units = seed_units(db)
    add_policy(db, BIAS_GATE)
    system_id = make_system(db, units.unit_id, "Scorer", stage="development", risk_tier="high")
    model = make_model(db, system_id, "credit")
    log_window(db, model, binary_window(3000, seed=1, start=T0), prefix="r")
    log_window(db, model, binary_window(3000, seed=3, start=T0 + DAY), prefix="f")
    monitor_id = _monitor(db, model)
    assert run_now(db, monitor_id, T0 + DAY + timedelta(hours=2)).status == "ok"
    with time_machine.travel(T0 + 40 * DAY, tick=False):
        engineer = As(app, make_user(db, Role.engineer))
        attached = engineer.post(
            f"/api/v1/systems/{system_id}/evidence",
            {
                "kind": "bias_evaluation",
                "object_type": "model_monitor",
                "object_id": str(monitor_id),
            },
        )
        assert attached.status_code == 201 and attached.json()["judgement"]["passed"] is True
        asked = engineer.post(
            f"/api/v1/systems/{system_id}/moves", {"target_stage": "deployment", "reason": "go"}
        ).json()
        assert asked["status"] == "pending"
        assert "is older than 30 days; run it again" in _findings(asked["request"])[0]


def test_an_object_of_another_system_or_a_kind_it_cannot_show_is_refused(
    app: FastAPI, db: Database
) -> None:
    units = seed_units(db)
    mine = make_system(db, units.unit_id, "Mine", stage="development", risk_tier="high")
    other = make_system(db, units.unit_id, "Other", stage="development", risk_tier="high")
    model = make_model(db, other, "credit")
    log_window(db, model, binary_window(3000, seed=1, start=T0), prefix="r")
    monitor_id = _monitor(db, model)
    engineer = As(app, make_user(db, Role.engineer))
    wrong_system = engineer.post(
        f"/api/v1/systems/{mine}/evidence",
        {"kind": "bias_evaluation", "object_type": "model_monitor", "object_id": str(monitor_id)},
    )
    assert wrong_system.status_code == 422
    assert wrong_system.json()["errors"][0]["field"] == "object_id"
    cannot = engineer.post(
        f"/api/v1/systems/{other}/evidence",
        {
            "kind": "performance_evaluation",
            "object_type": "model_monitor",
            "object_id": str(monitor_id),
        },
    )
    assert cannot.status_code == 422 and cannot.json()["errors"][0]["field"] == "kind"
    unknown = engineer.post(
        f"/api/v1/systems/{other}/evidence",
        {"kind": "bias_evaluation", "object_type": "spreadsheet", "object_id": str(monitor_id)},
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "object_type"
    listed = engineer.get(f"/api/v1/systems/{other}/evidence").json()
    assert listed["total"] == 0  # nothing half-written


OVERSIGHT_GATE = """\
key: oversight-before-deployment
name: High-risk systems need a current oversight plan
gates: [deployment]
applies_to: {tiers: [high]}
requirements:
  - document: human_oversight_plan
"""


def test_a_document_past_its_last_valid_day_no_longer_counts(app: FastAPI, db: Database) -> None:
    units = seed_units(db)
    add_policy(db, OVERSIGHT_GATE)
    system_id = make_system(db, units.unit_id, "Scorer", stage="development", risk_tier="high")
    name = make_user(db, Role.engineer)
    plan = {
        "kind": "human_oversight_plan",
        "title": "Oversight plan 2026",
        "uri": "DMS-4411",
        "valid_until": "2026-03-31",
    }
    with time_machine.travel(T0, tick=False):  # 2026-03-01
        engineer = As(app, name)
        past = engineer.post(
            f"/api/v1/systems/{system_id}/evidence", {**plan, "valid_until": "2026-02-28"}
        )
        assert past.status_code == 422 and past.json()["errors"][0]["field"] == "valid_until"
        assert engineer.post(f"/api/v1/systems/{system_id}/evidence", plan).status_code == 201
        gate = f"/api/v1/systems/{system_id}/gates/deployment"
        assert engineer.get(gate).json()["verdict"] == "pass"
    with time_machine.travel(T0 + 31 * DAY, tick=False):  # 2026-04-01: the plan has lapsed
        engineer = As(app, name)
        lapsed = engineer.get(gate).json()
        assert lapsed["verdict"] == "block"
        assert lapsed["findings"][0]["message"] == (
            "Blocked: high-risk systems need a human-oversight plan; the attached one has expired."
        )


MONITORING_GATE = """\
key: monitoring-before-deployment
name: Systems are watched before they go live
gates: [deployment]
requirements:
  - document: monitoring
"""


def test_an_llm_apps_alert_rule_is_its_monitoring_while_enabled_and_evaluated(
    app: FastAPI, db: Database
) -> None:
    units = seed_units(db)
    add_policy(db, MONITORING_GATE)
    bot = make_system(db, units.unit_id, "Support bot", stage="development")
    spec = RuleSpec(
        name="Error rate",
        metric="error_rate",
        comparator=Comparator.gt,
        threshold=0.1,
        window_minutes=5,
        min_samples=10,
        system_id=str(bot),
    )
    with db.writing() as session:
        rule_id = rules.create_rule(session, CTX, spec).id
    name = make_user(db, Role.engineer)
    gate = f"/api/v1/systems/{bot}/gates/deployment"
    with time_machine.travel(T0, tick=False):
        engineer = As(app, name)
        # Linked by the rule page's address, as someone would paste it.
        attached = engineer.post(
            f"/api/v1/systems/{bot}/evidence",
            {"kind": "monitoring", "title": "Alerting", "uri": f"/monitoring/alerts/{rule_id}"},
        )
        assert attached.status_code == 201 and attached.json()["object_type"] == "alert_rule"
        assert attached.json()["judgement"]["passed"] is False  # never evaluated yet
        assert "never evaluated" in engineer.get(gate).json()["findings"][0]["message"]
    evaluate_due_rules(db, T0 + timedelta(minutes=1), "replica-a")
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        engineer = As(app, name)
        assert engineer.get(gate).json()["verdict"] == "pass"
        with db.writing() as session:
            rules.update_rule(session, CTX, rule_id, {"enabled": False})
        disabled = engineer.get(gate).json()
        assert disabled["verdict"] == "block"
        assert "alert rule 'Error rate' fails: disabled" in disabled["findings"][0]["message"]
