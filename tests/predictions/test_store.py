"""The prediction store on SQLite and PostgreSQL: logged batches come back as a window's columns,
labels join by id whenever they arrive, retries are idempotent, refused input stores nothing."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest

from aitower.core.db.engine import Database
from aitower.core.errors import InvalidInput
from aitower.predictions import reading
from aitower.predictions.service import ModelKey
from aitower.predictions.window import FeatureKind, Task
from predictions.support_predictions import T0, label, log, new_system, rows
from support_inventory import audit_count

KEY = ModelKey("fraud-detector", "fraud", "1")
CLASSES = ["fraud", "ok"]


@pytest.fixture
def system(db: Database) -> None:
    new_system(db)


def window(db: Database, model_id, hours: float = 1000):  # type: ignore[no-untyped-def]
    with db.reading() as session:
        return reading.load_window(session, model_id, T0, T0 + timedelta(hours=hours))


@pytest.mark.usefixtures("system")
def test_batch_round_trip_into_window_columns(db: Database) -> None:
    result = log(db, KEY, rows(10), classes=CLASSES)
    assert result.registered and result.stored.stored == 10
    model = result.model
    assert model.task is Task.binary and model.classes == ("fraud", "ok")
    assert model.features == {"amount": FeatureKind.numeric, "country": FeatureKind.categorical}
    data = window(db, model.id)
    assert len(data) == 10 and data.labelled_count == 0
    assert data.prediction_ids.tolist() == [f"p{i}" for i in range(10)]
    assert data.features["amount"].tolist() == [float(i) for i in range(10)]  # type: ignore[union-attr]
    country = data.features["country"]
    assert [country.categories[c] for c in country.codes.tolist()] == ["DE", "FR"] * 5  # type: ignore[union-attr]
    assert data.outputs.tolist() == ["fraud" if i % 3 == 0 else "ok" for i in range(10)]
    assert data.scores is not None and data.scores.tolist() == [(i % 10) / 10 for i in range(10)]
    expected_ts = [int((T0 + timedelta(minutes=i)).timestamp()) * 10**9 for i in range(10)]
    assert data.timestamps.tolist() == expected_ts
    assert all(v is None for v in data.labels.tolist())
    assert np.isnan(data.label_delays_s).all()


@pytest.mark.usefixtures("system")
def test_window_bounds_are_start_inclusive_end_exclusive(db: Database) -> None:
    model = log(db, KEY, rows(10), classes=CLASSES).model
    with db.reading() as session:
        data = reading.load_window(
            session, model.id, T0 + timedelta(minutes=2), T0 + timedelta(minutes=5)
        )
    assert data.prediction_ids.tolist() == ["p2", "p3", "p4"]


@pytest.mark.usefixtures("system")
def test_categories_merge_across_batches_and_nan_inf_are_kept(db: Database) -> None:
    first = rows(2)
    second = rows(3, start=2)
    second[0]["features"] = {"amount": math.inf, "country": "IT"}
    second[1]["features"] = {"amount": None}  # missing numeric and categorical
    second[2]["features"] = {"amount": "NaN", "country": "FR"}
    model = log(db, KEY, first, classes=CLASSES).model
    log(db, KEY, second)
    data = window(db, model.id)
    amount = data.features["amount"]
    assert isinstance(amount, np.ndarray)
    assert amount[:3].tolist() == [0.0, 1.0, math.inf]
    assert np.isnan(amount[3:]).all()
    country = data.features["country"]
    names = [None if c < 0 else country.categories[c] for c in country.codes.tolist()]  # type: ignore[union-attr]
    assert names == ["DE", "FR", "IT", None, "FR"]


@pytest.mark.usefixtures("system")
def test_labels_join_whether_they_arrive_after_or_before_their_prediction(db: Database) -> None:
    model = log(db, KEY, rows(4), classes=CLASSES).model
    early = label(
        db,
        KEY,
        [
            {
                "prediction_id": "p5",
                "label": "fraud",
                "labelled_at": (T0 + timedelta(days=2)).isoformat(),
            }
        ],
    )
    assert (early.stored, early.joined, early.unknown, early.unknown_ids) == (1, 0, 1, ["p5"])
    late = label(
        db,
        KEY,
        [
            {
                "prediction_id": "p1",
                "label": "fraud",
                "labelled_at": (T0 + timedelta(hours=1, minutes=1)).isoformat(),
            }
        ],
    )
    assert (late.joined, late.unknown) == (1, 0)
    joined = log(db, KEY, rows(2, start=4))
    assert joined.stored.labels_joined == 1
    data = window(db, model.id)
    assert data.labels.tolist() == [None, "fraud", None, None, None, "fraud"]
    assert data.labelled.tolist() == [False, True, False, False, False, True]
    assert data.label_delays_s[1] == 3600.0
    assert data.label_delays_s[5] == 2 * 86_400 - 5 * 60


@pytest.mark.usefixtures("system")
def test_a_label_sent_again_replaces_the_earlier_one(db: Database) -> None:
    model = log(db, KEY, rows(2), classes=CLASSES).model
    label(db, KEY, [{"prediction_id": "p0", "label": "ok"}])
    again = label(db, KEY, [{"prediction_id": "p0", "label": "fraud"}])
    assert (again.stored, again.replaced) == (0, 1)
    assert window(db, model.id).labels.tolist() == ["fraud", None]


@pytest.mark.usefixtures("system")
def test_resent_prediction_ids_are_skipped_and_reported(db: Database) -> None:
    model = log(db, KEY, rows(3), classes=CLASSES).model
    retry = log(db, KEY, rows(5))
    assert (retry.stored.stored, retry.stored.duplicates) == (2, 3)
    assert retry.stored.duplicate_ids == ["p0", "p1", "p2"]
    assert len(window(db, model.id)) == 5


@pytest.mark.usefixtures("system")
def test_the_same_id_twice_in_one_request_refuses_it_all(db: Database) -> None:
    batch = rows(3)
    batch[2]["prediction_id"] = "p0"
    before = audit_count(db)
    with pytest.raises(InvalidInput) as caught:
        log(db, KEY, batch, classes=CLASSES)
    assert caught.value.issues[0].field == "rows[3].prediction_id"
    assert "also on row 1" in caught.value.issues[0].reason
    assert audit_count(db) == before  # not even the model was registered


@pytest.mark.usefixtures("system")
def test_bad_rows_are_numbered_and_nothing_is_stored(db: Database) -> None:
    model = log(db, KEY, rows(2), classes=CLASSES).model
    batch = rows(4, start=2)
    batch[0]["features"]["amount"] = "twelve"
    batch[1]["timestamp"] = "1970-01-02T00:00:00Z"
    batch[2]["output"] = "maybe"
    batch[3]["score"] = 1.5
    with pytest.raises(InvalidInput) as caught:
        log(db, KEY, batch)
    fields = [issue.field for issue in caught.value.issues]
    assert fields == [
        "rows[1].features.amount",
        "rows[2].timestamp",
        "rows[3].output",
        "rows[4].score",
    ]
    assert "4 of 4 rows refused" in caught.value.detail
    assert len(window(db, model.id)) == 2


@pytest.mark.usefixtures("system")
def test_a_new_feature_after_the_first_log_is_refused_by_name(db: Database) -> None:
    log(db, KEY, rows(2), classes=CLASSES)
    batch = rows(1, start=2)
    batch[0]["features"]["age"] = 40
    with pytest.raises(InvalidInput) as caught:
        log(db, KEY, batch)
    assert caught.value.issues[0].field == "features.age"


@pytest.mark.usefixtures("system")
def test_task_is_inferred_only_when_unambiguous(db: Database) -> None:
    with pytest.raises(InvalidInput) as caught:
        log(db, KEY, rows(3))  # two string classes: which one is positive?
    assert caught.value.issues[0].field == "task"
    regression = [dict(r, output=r["features"]["amount"] + 0.5, score=None) for r in rows(3)]
    made = log(db, ModelKey("fraud-detector", "amount", "1"), regression).model
    assert made.task is Task.regression
    flags = [dict(r, output=bool(i % 2)) for i, r in enumerate(rows(3))]
    made = log(db, ModelKey("fraud-detector", "flag", "1"), flags).model
    assert (made.task, made.classes) == (Task.binary, ("True", "False"))


@pytest.mark.usefixtures("system")
def test_regression_labels_and_label_coverage(db: Database) -> None:
    batch = [
        dict(r, output=float(i) + 0.5, score=None) for i, r in enumerate(rows(4, seconds=43_200))
    ]
    model = log(db, KEY, batch).model
    label(
        db,
        KEY,
        [
            {
                "prediction_id": "p0",
                "label": 1.25,
                "labelled_at": (T0 + timedelta(hours=1)).isoformat(),
            },
            {
                "prediction_id": "p1",
                "label": 2,
                "labelled_at": (T0 + timedelta(hours=15)).isoformat(),
            },
            {
                "prediction_id": "p2",
                "label": 3,
                "labelled_at": (T0 + timedelta(days=2)).isoformat(),
            },
        ],
    )
    data = window(db, model.id)
    assert data.outputs.tolist() == [0.5, 1.5, 2.5, 3.5]
    assert data.labels[:3].tolist() == [1.25, 2.0, 3.0] and math.isnan(data.labels[3])
    with db.reading() as session:
        points = reading.label_coverage(session, model.id, T0, T0 + timedelta(days=3))
    assert [(p.predictions, p.labelled) for p in points] == [(2, 2), (2, 1), (0, 0)]
    assert points[0].median_delay_s == pytest.approx((3600 + 3 * 3600) / 2)
    assert points[0].p90_delay_s == pytest.approx(3600 + 0.9 * 2 * 3600)
    assert points[1].labelled_share == 0.5 and points[2].labelled_share is None


@pytest.mark.usefixtures("system")
def test_times_keep_microseconds_and_label_delays_are_exact(db: Database) -> None:
    batch = rows(2)
    batch[1]["timestamp"] = "2026-10-01T00:00:00.123456+02:00"  # 2026-09-30T22:00:00.123456Z
    model = log(db, KEY, batch, classes=CLASSES).model
    label(
        db,
        KEY,
        [{"prediction_id": "p1", "label": "ok", "labelled_at": "2026-10-01T00:00:00.654321Z"}],
    )
    with db.reading() as session:
        data = reading.load_window(
            session, model.id, T0 - timedelta(hours=3), T0 + timedelta(hours=1)
        )
    assert data.timestamps.tolist()[1] == (int(T0.timestamp()) - 7200) * 10**9 + 123_456_000
    assert data.label_delays_s[1] == pytest.approx(7200 + 0.530865, abs=1e-9)
