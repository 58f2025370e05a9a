"""90 days of predictions and late labels for the demo's three classic models.

Each model's history is generated with a story a Model Performance Analyst would recognise:

* **fraud-xgb** (binary: ``fraud`` / ``legit``): card transactions. From day 55 to day 75 a new
  fraud pattern arrives (online electronics, larger amounts, far from home): the features drift
  first, the model's scores no longer fit the new fraud, and its ROC AUC falls once the
  chargebacks (labels, 5 to 40 days late) come in.
* **credit-score-lr** (binary: ``approve`` / ``decline``): credit applications with sensitive
  attributes kept apart (``gender``, ``age_band``). The model approves young applicants far
  less often than their repayment warrants: a demographic-parity ratio near 0.6 by age band.
  Labels (would have repaid) arrive 30 to 60 days after the decision.
* **sales-forecast-gbm** (regression): weekly sales per store. In the last 20 days a price
  change shifts ``price_index``; the forecasts, trained before it, over-predict and the error
  grows. Actual sales arrive 7 days after each forecast.

Pure: a seeded ``numpy`` generator and a clock passed in; the same seed gives the same history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

DAYS = 90
SECONDS_PER_DAY = 86_400
NS = 1_000_000_000

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class DemoHistory:
    """One model's logged predictions as columns, with the labels known by ``now``."""

    system_name: str
    model_name: str
    version: str
    task: str  # a ``predictions.window.Task`` value
    classes: tuple[str, ...]
    prediction_ids: list[str]
    timestamps_ns: NDArray[np.int64]
    numeric: dict[str, Floats]
    categorical: dict[str, NDArray[np.str_]]
    sensitive: dict[str, NDArray[np.str_]]
    outputs: NDArray[np.str_] | Floats
    scores: Floats | None
    labels: NDArray[np.str_] | Floats
    labelled_at_ns: NDArray[np.int64]  # when the label arrived; -1: not known yet
    notes: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.prediction_ids)


def _times(rng: np.random.Generator, now: datetime, per_day: int) -> NDArray[np.int64]:
    """``per_day`` moments a day over the 90 days before ``now``, busier in the day-time."""
    end = int(now.timestamp()) * NS
    start = end - DAYS * SECONDS_PER_DAY * NS
    days = np.repeat(np.arange(DAYS), per_day)
    # Day-time weighted hours: a mixture peaking around 14:00 UTC.
    hours = np.clip(rng.normal(14.0, 4.0, days.size), 0.0, 23.99)
    seconds = days * SECONDS_PER_DAY + hours * 3600.0
    return np.sort(start + (seconds * NS).astype(np.int64))


def _day_of(times: NDArray[np.int64], now: datetime) -> Floats:
    """Fractional day index (0 = 90 days ago) of each time."""
    start = (int(now.timestamp()) - DAYS * SECONDS_PER_DAY) * NS
    return ((times - start) / (SECONDS_PER_DAY * NS)).astype(np.float64)


def _sigmoid(x: Floats) -> Floats:
    return 1.0 / (1.0 + np.exp(-x))


def _late(
    times: NDArray[np.int64],
    now: datetime,
    delay_days: Callable[[int], Floats],
) -> NDArray[np.int64]:
    """When each label arrives; -1 when that is after ``now`` (not known yet)."""
    arrive = times + (delay_days(times.size) * SECONDS_PER_DAY * NS).astype(np.int64)
    return np.where(arrive <= int(now.timestamp()) * NS, arrive, -1)


def _ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-{i:07d}" for i in range(count)]


def fraud_history(now: datetime, seed: int = 7, per_day: int = 600) -> DemoHistory:
    rng = np.random.default_rng(seed)
    times = _times(rng, now, per_day)
    n = times.size
    day = _day_of(times, now)
    episode = (day >= 55) & (day < 75)
    merchants = np.array(["grocery", "fuel", "restaurants", "travel", "electronics", "online"])
    usual = [0.3, 0.15, 0.2, 0.1, 0.1, 0.15]
    shifted = [0.2, 0.1, 0.15, 0.1, 0.2, 0.25]
    merchant = np.where(
        episode, rng.choice(merchants, n, p=shifted), rng.choice(merchants, n, p=usual)
    )
    amount = rng.lognormal(3.6, 0.9, n) * np.where(episode, 1.6, 1.0)
    distance = rng.lognormal(2.0, 1.1, n) * np.where(episode, 2.2, 1.0)
    card_present = np.where(rng.random(n) < np.where(episode, 0.45, 0.7), "yes", "no")
    hour = ((times // (3600 * NS)) % 24).astype(np.float64)
    txn_24h = rng.poisson(np.where(episode, 4.0, 3.0), n).astype(np.float64)
    online = (merchant == "online") | (merchant == "electronics")
    # What the model learnt: fraud is far from home, online, card not present, at night.
    learnt = (
        -9.0
        + 1.3 * np.log1p(distance)
        + 1.6 * online
        + 1.4 * (card_present == "no")
        + 1.2 * ((hour < 5) | (hour > 22))
        + 0.3 * txn_24h
    )
    # The new pattern: large purchases near home, which the model never saw as fraud.
    new_pattern = episode * (3.0 * (amount > 80.0) - 1.0 * np.log1p(distance) + 1.5)
    is_fraud = rng.random(n) < _sigmoid(learnt + new_pattern)
    score = _sigmoid(learnt + rng.normal(0.0, 0.3, n))
    return DemoHistory(
        "Fraud detection model",
        "fraud-xgb",
        "12",
        "binary_classification",
        ("fraud", "legit"),
        _ids("txn", n),
        times,
        {
            "amount": amount,
            "distance_km": distance,
            "hour": hour,
            "txn_count_24h": txn_24h,
        },
        {"merchant_category": merchant, "card_present": card_present},
        {},
        np.where(score >= 0.5, "fraud", "legit"),
        score,
        np.where(is_fraud, "fraud", "legit"),
        _late(times, now, lambda k: rng.uniform(5.0, 40.0, k)),
        ("drift from day 55 to 75: online electronics, larger amounts, far from home",),
    )


def credit_history(now: datetime, seed: int = 11, per_day: int = 250) -> DemoHistory:
    rng = np.random.default_rng(seed)
    times = _times(rng, now, per_day)
    n = times.size
    gender = rng.choice(np.array(["female", "male"]), n, p=[0.48, 0.52])
    age_band = rng.choice(np.array(["18-25", "26-40", "41-60", "60+"]), n, p=[0.2, 0.4, 0.3, 0.1])
    income = rng.lognormal(10.6, 0.45, n) * np.where(age_band == "18-25", 0.75, 1.0)
    debt_ratio = np.clip(rng.beta(2.0, 5.0, n), 0.0, 1.0)
    years_employed = np.clip(rng.gamma(2.0, 3.0, n), 0.0, 45.0)
    history_months = np.where(age_band == "18-25", rng.uniform(0, 60, n), rng.uniform(12, 300, n))
    purpose = rng.choice(
        np.array(["car", "home_improvement", "debt_consolidation", "education", "other"]), n
    )
    employment = rng.choice(np.array(["employed", "self_employed", "student", "retired"]), n)
    # Who would repay: income and a low debt ratio, nearly independent of age.
    merit = 0.9 * np.log(income / 30_000.0) - 3.0 * debt_ratio + 0.04 * years_employed
    would_repay = rng.random(n) < _sigmoid(1.2 + merit)
    # What the model does: it leans on credit-history length, which young applicants lack.
    score = _sigmoid(0.2 + merit + 0.012 * (history_months - 100) + rng.normal(0.0, 0.3, n))
    return DemoHistory(
        "Credit scoring model",
        "credit-score-lr",
        "0.3",
        "binary_classification",
        ("approve", "decline"),
        _ids("app", n),
        times,
        {
            "income": income,
            "debt_ratio": debt_ratio,
            "years_employed": years_employed,
            "credit_history_months": history_months,
        },
        {"purpose": purpose, "employment": employment},
        {"gender": gender, "age_band": age_band},
        np.where(score >= 0.5, "approve", "decline"),
        score,
        np.where(would_repay, "approve", "decline"),
        _late(times, now, lambda k: rng.uniform(30.0, 60.0, k)),
        ("approval rate of 18-25 year olds far below their repayment rate",),
    )


def sales_history(now: datetime, seed: int = 13, per_day: int = 60) -> DemoHistory:
    rng = np.random.default_rng(seed)
    times = _times(rng, now, per_day)
    n = times.size
    day = _day_of(times, now)
    repriced = day >= DAYS - 20
    region = rng.choice(np.array(["north", "south", "east", "west"]), n)
    promo = np.where(rng.random(n) < 0.25, "yes", "no")
    price_index = rng.normal(1.0, 0.05, n) + np.where(repriced, 0.18, 0.0)
    # A weekly cycle: a monitor's 7-day window holds whole cycles, so the season alone does not
    # read as drift (a 30-day cycle made every 7-day window "drift" from a 30-day reference).
    season = 1.0 + 0.15 * np.sin(2 * np.pi * day / 7.0)
    last_week = rng.normal(1000.0, 150.0, n) * season
    base = last_week * (1.0 + 0.3 * (promo == "yes"))
    actual = base * np.exp(-2.0 * (price_index - 1.0)) + rng.normal(0.0, 40.0, n)
    # Trained before the price change: it believed prices barely mattered.
    forecast = base * np.exp(-0.2 * (price_index - 1.0)) + rng.normal(0.0, 25.0, n)
    return DemoHistory(
        "Sales forecasting model",
        "sales-forecast-gbm",
        "7",
        "regression",
        (),
        _ids("fc", n),
        times,
        {"price_index": price_index, "season_index": season, "last_week_sales": last_week},
        {"region": region, "promo": promo},
        {},
        forecast,
        None,
        actual,
        _late(times, now, lambda k: np.full(k, 7.0)),
        ("prices raised 20 days ago: price_index drifts, forecasts overshoot",),
    )


def demo_histories(now: datetime, scale: float = 1.0) -> list[DemoHistory]:
    """The three models' histories; ``scale`` multiplies the daily volumes (tests use less)."""

    def volume(per_day: int) -> int:
        return max(4, round(per_day * scale))

    return [
        fraud_history(now, per_day=volume(600)),
        credit_history(now, per_day=volume(250)),
        sales_history(now, per_day=volume(60)),
    ]


def window_of_days(now: datetime, first: int, last: int) -> tuple[datetime, datetime]:
    """The ``[start, end)`` of days ``first`` to ``last`` (0 = 90 days ago), for references."""
    start = now - timedelta(days=DAYS)
    return start + timedelta(days=first), start + timedelta(days=last)
