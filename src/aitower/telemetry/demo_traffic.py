"""Thirty days of believable LLM traffic for the demo's three applications, generated, not stored.

The volume of each hour follows office hours (a morning and an afternoon peak, a lunch dip,
quiet nights) and the week (employees' tools go quiet at weekends, the customer chatbot less
so). Three stories are written into it, relative to ``now`` so the demo never goes stale:

- a latency incident: five days ago from 10:00 to 16:00 UTC the chatbot's provider is about
  twice as slow and times out more often (its p95 doubles, its errors burst);
- a cost spike: ten days ago at 09:00 UTC marketing moves from ``gemini-2.5-flash`` to
  ``gemini-2.5-pro``, and its cost per request jumps several-fold;
- an unpriced model: the knowledge assistant rewrites queries with an in-house fine-tuned model
  that no price catalog knows;
- a leak: four and two days ago, in the afternoon, the knowledge assistant repeats customers'
  IBANs and (the second time) a GitHub token in its answers (``demo_leak``).

User feedback (thumbs up/down, some with a comment) comes out beside the spans, for a share
of traces; the feedback turns sour during the incident. Deterministic for a seed and ``now``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aitower.telemetry.demo_leak import EPISODES, afternoon, github_token, leak_answer, leak_into
from aitower.telemetry.demo_shapes import (
    CHATBOT,
    KNOWLEDGE,
    MARKETING,
    MS,
    OK,
    Moment,
    TraceBuilder,
    build_chatbot,
    build_knowledge,
    build_marketing,
)
from aitower.telemetry.records import Attributes, DecodedSpan

DEFAULT_SEED = 42
DEFAULT_DAYS = 30
HOUR_NS = 3_600_000_000_000

# Relative volume per UTC hour of a working day (mean 1): office hours in Europe.
OFFICE_HOURS = (
    0.12,
    0.08,
    0.06,
    0.06,
    0.08,
    0.15,
    0.35,
    0.8,
    1.55,
    2.05,
    2.2,
    1.95,
    1.45,
    1.75,
    2.1,
    2.0,
    1.7,
    1.2,
    0.8,
    0.55,
    0.4,
    0.3,
    0.2,
    0.15,
)
_MEAN = sum(OFFICE_HOURS) / 24


@dataclass(frozen=True, slots=True)
class DemoApp:
    """One instrumented application: its service name, volume and trace shape."""

    service_name: str
    traces_per_day: float  # on an average working day at scale 1
    weekend: float  # Saturday and Sunday volume relative to a working day
    users: int  # how many distinct users send its requests
    user_prefix: str
    feedback_share: float  # share of traces whose user gives a thumbs up or down
    build: Callable[[TraceBuilder, int, Moment], list[DecodedSpan]]


APPS: tuple[DemoApp, ...] = (
    DemoApp(CHATBOT, 640, 0.45, 900, "cust-", 0.06, build_chatbot),
    DemoApp(KNOWLEDGE, 250, 0.08, 180, "emp-", 0.05, build_knowledge),
    DemoApp(MARKETING, 70, 0.05, 12, "mkt-", 0.15, build_marketing),
)
APP_BY_SERVICE = {app.service_name: app for app in APPS}
DEMO_SERVICES = tuple(app.service_name for app in APPS)

COMMENTS_UP = ("Quick and correct, thanks!", "Solved it.", "Exactly what I needed.", "")
COMMENTS_DOWN = (
    "Took forever to answer.",
    "Wrong order number.",
    "Did not answer my question.",
    "Too generic, I had to ask an agent.",
    "",
)


@dataclass(frozen=True, slots=True)
class DemoTimeline:
    """When the demo's stories happen, relative to ``now`` (UTC)."""

    now: datetime
    start: datetime
    incident_start: datetime
    incident_end: datetime
    model_change: datetime

    @classmethod
    def ending(cls, now: datetime, days: int = DEFAULT_DAYS) -> DemoTimeline:
        now = now.astimezone(UTC)
        incident = (now - timedelta(days=5)).replace(hour=10, minute=0, second=0, microsecond=0)
        change = (now - timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0)
        return cls(now, now - timedelta(days=days), incident, incident + timedelta(hours=6), change)

    def moment(self, service_name: str, at: datetime) -> Moment:
        """The conditions a trace of ``service_name`` starting at ``at`` meets."""
        if service_name == CHATBOT and self.incident_start <= at < self.incident_end:
            return Moment(slowdown=2.1, error_rate=0.08)
        return Moment(marketing_premium=service_name == MARKETING and at >= self.model_change)


@dataclass(frozen=True, slots=True)
class DemoFeedback:
    """A user's thumbs up (1) or down (0) on a trace, to store as a feedback score."""

    service_name: str
    trace_id: str
    span_id: str  # the root span the user rated
    score: float
    label: str  # "up" | "down"
    comment: str
    created_at: datetime


@dataclass(slots=True)
class DemoTraffic:
    spans: list[DecodedSpan]
    feedback: list[DemoFeedback]

    @property
    def traces(self) -> int:
        return sum(1 for s in self.spans if s.parent_span_id is None)


def expected_traces(app: DemoApp, hour: datetime, scale: float) -> float:
    """Mean number of traces ``app`` starts in the hour beginning at ``hour`` (UTC)."""
    weekday = app.weekend if hour.weekday() >= 5 else 1.0
    return app.traces_per_day / 24 * OFFICE_HOURS[hour.hour] / _MEAN * weekday * scale


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw: Knuth's product method for small means, a rounded normal for large."""
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def resource(app: DemoApp) -> Attributes:
    return {
        "service.name": app.service_name,
        "service.version": "2.4.1",
        "deployment.environment.name": "prod",
        "telemetry.sdk.name": "opentelemetry",
        "telemetry.sdk.language": "python",
    }


def identity(app: DemoApp, rng: random.Random, session: str) -> Attributes:
    """Who sent the request: the ids instrumentations put on the root and the LLM calls."""
    user = f"{app.user_prefix}{rng.randrange(app.users):04d}"
    return {"user.id": user, "session.id": session, "gen_ai.conversation.id": session}


def build_trace(
    app: DemoApp, rng: random.Random, start: datetime, timeline: DemoTimeline, session: str
) -> list[DecodedSpan]:
    """One trace of ``app`` starting at ``start``, in the conditions of that moment."""
    builder = TraceBuilder(rng, resource(app), identity(app, rng, session))
    start_ns = int(start.timestamp() * 1e6) * 1000
    return app.build(builder, start_ns, timeline.moment(app.service_name, start))


def feedback_for(
    app: DemoApp, rng: random.Random, trace: list[DecodedSpan], timeline: DemoTimeline
) -> DemoFeedback | None:
    """Some users rate the answer: mostly up, down when it failed or was slow."""
    if rng.random() >= app.feedback_share:
        return None
    root = trace[0]
    seconds = (root.end_unix_nano - root.start_unix_nano) / 1e9
    happy = 0.2 if root.status_code != OK else 0.88 if seconds < 3 else 0.5 if seconds < 6 else 0.3
    up = rng.random() < happy
    comment = rng.choice(COMMENTS_UP if up else COMMENTS_DOWN)
    at = datetime.fromtimestamp(root.end_unix_nano / 1e9, UTC) + timedelta(
        seconds=rng.uniform(5, 120)
    )
    return DemoFeedback(
        app.service_name,
        root.trace_id,
        root.span_id,
        1.0 if up else 0.0,
        "up" if up else "down",
        comment,
        min(at, timeline.now),
    )


def hours(timeline: DemoTimeline) -> Iterator[datetime]:
    hour = timeline.start.replace(minute=0, second=0, microsecond=0)
    while hour < timeline.now:
        yield hour
        hour += timedelta(hours=1)


def app_traffic(
    app: DemoApp, timeline: DemoTimeline, scale: float, seed: int, out: DemoTraffic
) -> None:
    """Every trace of ``app`` in the timeline, hour by hour, ending before ``now``."""
    rng = random.Random(f"{seed}:{app.service_name}")  # noqa: S311 (simulation, not secrets)
    for hour in hours(timeline):
        count = poisson(rng, expected_traces(app, hour, scale))
        starts = sorted(hour + timedelta(seconds=rng.uniform(0, 3600)) for _ in range(count))
        session = ""
        for start in starts:
            if not session or rng.random() < 0.4:  # a session holds 2.5 requests on average
                session = f"{app.service_name}-{rng.getrandbits(48):012x}"
            trace = build_trace(app, rng, start, timeline, session)
            if start < timeline.start or trace[0].end_unix_nano > timeline.now.timestamp() * 1e9:
                continue
            out.spans.extend(trace)
            rated = feedback_for(app, rng, trace, timeline)
            if rated is not None:
                out.feedback.append(rated)


def leak_episode(timeline: DemoTimeline, seed: int, out: DemoTraffic) -> None:
    """The knowledge assistant's leaking answers (``demo_leak``), a few traces each afternoon,
    whatever the scale: the security specialist's journey needs them on any demo."""
    app = APP_BY_SERVICE[KNOWLEDGE]
    rng = random.Random(f"{seed}:leak")  # noqa: S311 (simulation, not secrets)
    for days_ago, count, with_token in EPISODES:
        start = afternoon(timeline.now, days_ago)
        if start < timeline.start:
            continue
        made, token = 0, github_token(rng) if with_token else None
        while made < count:
            start += timedelta(minutes=rng.uniform(4, 20))
            session = f"{app.service_name}-{rng.getrandbits(48):012x}"
            trace = build_trace(app, rng, start, timeline, session)
            if leak_into(trace, leak_answer(rng, token)):
                out.spans.extend(trace)
                made += 1


def generate_traffic(
    now: datetime,
    *,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    days: int = DEFAULT_DAYS,
) -> DemoTraffic:
    """``days`` of traffic of the demo's apps ending at ``now``; ``scale`` multiplies volume
    (1.0 is about 90,000 spans in 23,500 traces; tests use 0.01)."""
    timeline = DemoTimeline.ending(now, days)
    traffic = DemoTraffic([], [])
    for app in APPS:
        app_traffic(app, timeline, scale, seed, traffic)
    leak_episode(timeline, seed, traffic)
    return traffic


def live_trace(app: DemoApp, rng: random.Random, now: datetime, session: str) -> list[DecodedSpan]:
    """A trace starting now, shaped like the history (``aitower demo --live``)."""
    timeline = DemoTimeline(now, now, now, now, now - timedelta(days=1))
    return build_trace(app, rng, now, timeline, session)


__all__ = [
    "APPS",
    "DEMO_SERVICES",
    "MS",
    "DemoApp",
    "DemoFeedback",
    "DemoTimeline",
    "DemoTraffic",
    "expected_traces",
    "generate_traffic",
    "live_trace",
]
