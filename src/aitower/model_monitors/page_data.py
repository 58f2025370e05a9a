"""What the model monitoring pages show, gathered from the services (no HTML, no SQL here).

* ``models_overview``: every monitored model the principal sees, each with its headline
  (``Headline``): the newest result's status, drift share, performance, fairness ratio, label
  coverage and worst signal. A model with several monitors shows its most alarming one.
* ``model_page``: one model, its monitors, the chosen monitor's newest result and history.
* ``fairness_result``: the newest result that could judge fairness (labels are needed for the
  true- and false-positive rates, so for a model whose labels come weeks late it is older
  than the newest result; the page says from which window it is).

Headline performance (``headline_metric``): ROC AUC for binary models, accuracy for multiclass,
RMSE for regression. The measured value is shown when at least half of the window's rows are
labelled; below that, the CBPE estimate when there is one (marked as an estimate), else the
measured value from the few labelled rows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.errors import NotFound
from aitower.model_monitors import monitors, page_queries, results
from aitower.model_monitors.model_metrics import BY_NAME
from aitower.model_monitors.monitors import MonitorView
from aitower.model_monitors.page_queries import KnownFairness
from aitower.model_monitors.results import PortfolioEntry, ResultPoint, ResultView
from aitower.predictions import reading
from aitower.predictions import service as predictions
from aitower.predictions.service import ModelSummary
from aitower.predictions.window import Task
from aitower.statistics.quality.fairness import FOUR_FIFTHS

HISTORY_POINTS = 400
# A measured or estimated value (or a fairness ratio) from fewer rows is left out of charts
# and headlines: an ROC AUC of 5 labelled rows, an estimate from one unlabelled row, a ratio
# where the smallest groups dropped out as too small to judge are noise, not a trend.
MIN_ROWS = 100
COVERAGE_DAYS = 90
HEADLINE = {Task.binary: "roc_auc", Task.multiclass: "accuracy", Task.regression: "rmse"}
TITLES = {
    "drift_share": "drift share",
    "roc_auc": "ROC AUC",
    "accuracy": "accuracy",
    "precision": "precision",
    "recall": "recall",
    "f1": "F1",
    "log_loss": "log loss",
    "rmse": "RMSE",
    "mae": "MAE",
    "mape": "MAPE",
    "r2": "R²",
    "demographic_parity_ratio": "demographic parity ratio",
    "demographic_parity_difference": "demographic parity difference",
    "equalized_odds_difference": "equalized odds difference",
}


def metric_title(name: str) -> str:
    base = name.removeprefix("estimated_")
    title = TITLES.get(base, base.replace("_", " "))
    return f"{title} (estimated)" if name.startswith("estimated_") else title


@dataclass(frozen=True, slots=True)
class Figure:
    """One headline number: which metric, its value, from how many rows, if an estimate."""

    metric: str
    value: float
    rows: int
    estimated: bool = False

    @property
    def title(self) -> str:
        return metric_title(self.metric)


def measured_value(point: ResultPoint, metric: str) -> float | None:
    """``metric`` measured in ``point`` if at least ``MIN_ROWS`` labelled rows are behind it."""
    value = point.summary.get(metric)
    return None if value is None or point.labelled_rows < MIN_ROWS else float(value)


def fairness_value(point: ResultPoint, metric: str) -> float | None:
    """A fairness figure of ``point`` if at least ``MIN_ROWS`` rows, and at least half of the
    window, are behind it (``page_queries.latest_fairness`` applies the same rule): the rows
    ``alert_metrics`` declares behind it (every row for demographic parity, the labelled ones
    for equalized odds)."""
    value = point.summary.get(metric)
    if BY_NAME[metric].samples == "labelled_rows":
        rows = point.labelled_rows
    else:
        rows = int(point.summary.get(BY_NAME[metric].samples) or 0)
    enough = rows >= MIN_ROWS and rows * 2 >= point.rows
    return None if value is None or not enough else float(value)


def estimated_value(point: ResultPoint, metric: str) -> float | None:
    """The CBPE estimate of ``metric`` if at least ``MIN_ROWS`` unlabelled rows are behind it."""
    value = point.summary.get(f"estimated_{metric}")
    rows = point.summary.get("estimated_rows") or 0
    return None if value is None or rows < MIN_ROWS else float(value)


def headline_metric(task: Task, point: ResultPoint) -> Figure | None:
    """The model's headline performance in ``point`` (see the module docstring for the rule)."""
    name = HEADLINE[task]
    measured = point.summary.get(name)
    estimated = estimated_value(point, name)
    mostly_labelled = point.rows > 0 and point.labelled_rows * 2 >= point.rows
    if measured is not None and (mostly_labelled or estimated is None):
        return Figure(name, float(measured), point.labelled_rows)
    if estimated is not None:
        rows = int(point.summary.get("estimated_rows") or 0)
        return Figure(f"estimated_{name}", estimated, rows, estimated=True)
    return None


def describe_signal(signal: dict[str, Any] | None) -> str:
    """ "demographic parity ratio 0.05 under 0.8" - the worst signal as a sentence."""
    if not signal:
        return ""
    metric = str(signal.get("metric", ""))
    value, limit = signal.get("value"), signal.get("limit")
    if value is None or limit is None:
        return metric_title(metric)
    word = "over" if float(value) > float(limit) else "under"
    return f"{metric_title(metric)} {float(value):.3g} {word} {float(limit):.3g}"


@dataclass(frozen=True, slots=True)
class Headline:
    """A model's state at a glance, from its (chosen) monitor's newest result."""

    status: str  # alert | ok | error | empty | none (no monitor or no result yet)
    run_at: datetime | None
    result_id: uuid.UUID | None
    drift_share: float | None
    drifted: int | None
    judged: int | None
    performance: Figure | None
    fairness_ratio: float | None
    window_rows: int
    window_labelled: int
    worst: str
    # The newest demographic parity ratio known, when the newest result has none (no labels).
    known_fairness: KnownFairness | None = None

    @property
    def window_coverage(self) -> float | None:
        return self.window_labelled / self.window_rows if self.window_rows else None


def headline(
    task: Task,
    point: ResultPoint | None,
    worst: dict[str, Any] | None,
    known: KnownFairness | None = None,
) -> Headline:
    if point is None:
        return Headline("none", None, None, None, None, None, None, None, 0, 0, "")
    s = point.summary

    def whole(name: str) -> int | None:
        value = s.get(name)
        return None if value is None else int(value)

    return Headline(
        status=point.status,
        run_at=point.run_at,
        result_id=point.id,
        drift_share=s.get("drift_share"),
        drifted=whole("drifted_features"),
        judged=whole("judged_features"),
        performance=headline_metric(task, point),
        fairness_ratio=fairness_value(point, "demographic_parity_ratio"),
        window_rows=point.rows,
        window_labelled=point.labelled_rows,
        worst=describe_signal(worst),
        known_fairness=known if fairness_value(point, "demographic_parity_ratio") is None else None,
    )


@dataclass(frozen=True, slots=True)
class ModelRow:
    """A row of the Models page: the model, its most alarming monitor and its headline."""

    model: ModelSummary
    monitor: PortfolioEntry | None
    monitors: int
    headline: Headline


STATUS_ORDER = {"alert": 0, "error": 1, "ok": 2, "empty": 3, "none": 4}


def models_overview(
    session: Session, principal: Principal, system_id: uuid.UUID | None = None
) -> list[ModelRow]:
    """Every model the principal sees (of one system when given), alerting ones first."""
    chosen = None if system_id is None else str(system_id)
    models = predictions.list_models(session, principal, chosen)
    by_model: dict[uuid.UUID, list[PortfolioEntry]] = {}
    for entry in results.portfolio(session, principal):  # alerting first already
        by_model.setdefault(entry.model_id, []).append(entry)
    firsts = [entries[0].monitor_id for entries in by_model.values()]
    known = page_queries.latest_fairness(session, firsts, MIN_ROWS)
    rows = []
    for summary in models:
        entries = by_model.get(summary.model.id, [])
        first = entries[0] if entries else None
        line = headline(
            summary.model.task,
            None if first is None else first.latest,
            None if first is None else first.worst_signal,
            None if first is None else known.get(first.monitor_id),
        )
        rows.append(ModelRow(summary, first, len(entries), line))
    rows.sort(key=lambda r: (STATUS_ORDER.get(r.headline.status, 5), r.model.system_name))
    return rows


@dataclass(frozen=True, slots=True)
class ModelPage:
    """One model's monitoring: its monitors, the chosen one's newest result and history."""

    summary: ModelSummary
    monitors: list[MonitorView]
    monitor: MonitorView | None
    latest: ResultView | None
    history: list[ResultPoint]
    headline: Headline

    @property
    def task(self) -> Task:
        return self.summary.model.task


def _history(session: Session, principal: Principal, monitor_id: uuid.UUID) -> list[ResultPoint]:
    """The monitor's newest ``HISTORY_POINTS`` results, oldest first."""
    points, total = results.result_series(session, principal, monitor_id, limit=HISTORY_POINTS)
    if total <= HISTORY_POINTS:
        return points
    offset = total - HISTORY_POINTS
    return results.result_series(
        session, principal, monitor_id, limit=HISTORY_POINTS, offset=offset
    )[0]


def model_page(
    session: Session,
    principal: Principal,
    model_id: uuid.UUID,
    monitor_id: uuid.UUID | None = None,
) -> ModelPage:
    """The model (NotFound unless the principal sees its system) and its chosen monitor:
    ``monitor_id`` when given (it must watch this model), else its first monitor."""
    summary = predictions.get_model(session, principal, model_id)
    found, _ = monitors.list_monitors(session, principal, model_id=model_id, limit=100)
    monitor = found[0] if found else None
    if monitor_id is not None:
        matching = [m for m in found if m.id == monitor_id]
        if not matching:
            raise NotFound(f"no monitor {monitor_id} of this model")
        monitor = matching[0]
    if monitor is None:
        return ModelPage(summary, found, None, None, [], headline(summary.model.task, None, None))
    latest = results.latest_result(session, principal, monitor.id)
    history = _history(session, principal, monitor.id)
    point = None if latest is None else latest.point
    worst = None if point is None else results.worst_signal(point.signals)
    known = page_queries.latest_fairness(session, [monitor.id], MIN_ROWS).get(monitor.id)
    line = headline(summary.model.task, point, worst, known)
    return ModelPage(summary, found, monitor, latest, history, line)


def fairness_result(session: Session, principal: Principal, page: ModelPage) -> ResultView | None:
    """The newest result of the page's monitor that judged fairness on at least ``MIN_ROWS``
    labelled rows, if any."""
    if page.monitor is None:
        return None
    if page.latest is not None and page.headline.fairness_ratio is not None:
        return page.latest
    known = page.headline.known_fairness
    return None if known is None else results.get_result(session, principal, known.result_id)


def label_coverage(
    session: Session, summary: ModelSummary, now: datetime, days: int = COVERAGE_DAYS
) -> list[reading.CoveragePoint]:
    """Per day of the last ``days``: predictions, labelled share and label delay (the caller
    has already checked the principal sees the model: ``summary`` came from the service)."""
    start = (now - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    return reading.label_coverage(session, summary.model.id, start, now, "day")


@dataclass(frozen=True, slots=True)
class ModelCounts:
    """The Overview's model tiles: monitored models, alerting ones, and those whose newest
    known demographic parity ratio fails the four-fifths rule."""

    models: int
    alerting: int
    unfair: int


def known_ratio(h: Headline) -> float | None:
    if h.fairness_ratio is not None:
        return h.fairness_ratio
    return None if h.known_fairness is None else h.known_fairness.ratio


def model_counts(session: Session, principal: Principal) -> ModelCounts:
    rows = models_overview(session, principal)
    ratios = [known_ratio(row.headline) for row in rows]
    return ModelCounts(
        models=len(rows),
        alerting=sum(1 for row in rows if row.headline.status == "alert"),
        unfair=sum(1 for r in ratios if r is not None and r < FOUR_FIFTHS),
    )
