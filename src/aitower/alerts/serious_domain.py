"""Serious incidents under the EU AI Act: the Art. 3(49) classification, the Art. 73 reporting
deadline, the reminders as it nears and the countdown shown on the incident.

Pure: datetimes in, datetimes out (``zoneinfo`` is the standard library's). Regulation (EU)
2024/1689:

* Art. 3(49) "serious incident": an incident or malfunctioning of an AI system that directly or
  indirectly leads to (a) the death of a person, or serious harm to a person's health; (b) a
  serious and irreversible disruption of the management or operation of critical
  infrastructure; (c) the infringement of obligations under Union law intended to protect
  fundamental rights; (d) serious harm to property or the environment.
* Art. 3(61) "widespread infringement" (harm, or likely harm, to the collective interests of
  individuals in at least two Member States other than the one where it arose, or with common
  features in at least three Member States).
* Art. 73(2): the report is made immediately after the causal link between the AI system and
  the serious incident (or its reasonable likelihood) is established, and in any event not later
  than 15 days after the provider or, where applicable, the deployer becomes aware of it.
* Art. 73(3): in the event of a widespread infringement or a serious incident under Art.
  3(49)(b), immediately, and not later than 2 days after becoming aware.
* Art. 73(4): in the event of the death of a person, immediately after a causal relationship is
  established or suspected, and not later than 10 days after becoming aware.

How days are counted (our reading, kept simple and on the safe side): a day is 24 hours of
elapsed time, so the deadline is the moment of awareness plus N x 24 h, stored in UTC. Across a
change of daylight-saving time the deadline's local clock time moves by an hour (awareness at
10:00 CEST, 2 days, is due at 09:00 CET), because the elapsed time is what counts. Regulation
(EEC, Euratom) No 1182/71 on periods and time limits would start a period in days on the day
after the event and end it at the end of its last day (Art. 3(1) and 3(2)(b)), moved to the next
working day when that is a Saturday, Sunday or public holiday (Art. 3(4)): always later than
ours. A report made by our deadline is therefore in time under either reading, and "immediately"
remains the first duty: the deadline is the outer limit, not a target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aitower.core.errors import InvalidInput

DAY = timedelta(hours=24)
GENERAL_DAYS = 15  # Art. 73(2)
DEATH_DAYS = 10  # Art. 73(4)
URGENT_DAYS = 2  # Art. 73(3): widespread infringement, or Art. 3(49)(b)
MAX_NOTE = 10_000


class Limb(StrEnum):
    """The points of Art. 3(49): what the incident led to."""

    health = "a"  # death of a person, or serious harm to a person's health
    critical_infrastructure = "b"  # serious and irreversible disruption of critical infrastructure
    fundamental_rights = "c"  # infringement of Union-law obligations protecting fundamental rights
    property_environment = "d"  # serious harm to property or the environment


LIMB_TEXT = {
    Limb.health: "the death of a person, or serious harm to a person's health",
    Limb.critical_infrastructure: (
        "a serious and irreversible disruption of the management or operation of critical "
        "infrastructure"
    ),
    Limb.fundamental_rights: (
        "the infringement of obligations under Union law intended to protect fundamental rights"
    ),
    Limb.property_environment: "serious harm to property or the environment",
}


class Reminder(StrEnum):
    """The notifications as the deadline nears, each sent once per deadline."""

    half_time = "half_time"  # half the time from awareness to the deadline has passed
    day_left = "day_left"  # 24 hours left
    overdue = "overdue"  # the deadline passed with no report


REMINDER_TEXT = {
    Reminder.half_time: "half the time to report has passed",
    Reminder.day_left: "24 hours left to report",
    Reminder.overdue: "the report is overdue",
}


@dataclass(frozen=True, slots=True)
class Classification:
    """A person's judgement of an incident against Art. 3(49); no limb means not serious."""

    limbs: frozenset[Limb]
    death: bool = False  # within limb (a): a person died (Art. 73(4))
    widespread: bool = False  # Art. 3(61)

    @property
    def serious(self) -> bool:
        return bool(self.limbs)


@dataclass(frozen=True, slots=True)
class Deadline:
    at: datetime  # UTC
    days: int
    paragraph: str  # the paragraph of Art. 73 that sets it
    reason: str


def classification(
    limbs: list[str] | tuple[str, ...], *, death: bool, widespread: bool
) -> Classification:
    """Check a classification as given (limb letters), or refuse naming the field."""
    found: set[Limb] = set()
    for letter in limbs:
        try:
            found.add(Limb(str(letter).strip().lower()))
        except ValueError:
            raise InvalidInput.on(
                "limbs", f"{letter!r} is not a point of Art. 3(49) (a-d)"
            ) from None
    if death and Limb.health not in found:
        raise InvalidInput.on("death", "a death is point (a) of Art. 3(49): choose it too")
    if widespread and not found:
        raise InvalidInput.on(
            "widespread",
            "Art. 73 reports serious incidents: choose the point(s) of Art. 3(49) it meets",
        )
    return Classification(frozenset(found), death=death, widespread=widespread)


def reporting_deadline(aware_at: datetime, found: Classification) -> Deadline | None:
    """The latest moment to report a serious incident to the market surveillance authority.

    Art. 73(2): not later than 15 days after awareness; Art. 73(3): 2 days for a widespread
    infringement (Art. 3(61)) or a serious incident under Art. 3(49)(b); Art. 73(4): 10 days in
    the event of a death. When several apply the strictest (earliest) wins. A day is 24 hours
    of elapsed time from the moment of awareness (see the module's docstring). None when the
    incident is not serious.
    """
    if not found.serious:
        return None
    if aware_at.tzinfo is None:
        raise ValueError("aware_at must be timezone-aware")
    start = aware_at.astimezone(UTC)
    options = [Deadline(start + GENERAL_DAYS * DAY, GENERAL_DAYS, "73(2)", "serious incident")]
    if found.death:
        options.append(Deadline(start + DEATH_DAYS * DAY, DEATH_DAYS, "73(4)", "death of a person"))
    if Limb.critical_infrastructure in found.limbs:
        reason = "serious and irreversible disruption of critical infrastructure"
        options.append(Deadline(start + URGENT_DAYS * DAY, URGENT_DAYS, "73(3)", reason))
    if found.widespread:
        options.append(
            Deadline(start + URGENT_DAYS * DAY, URGENT_DAYS, "73(3)", "widespread infringement")
        )
    return min(options, key=lambda d: d.days)


def zone(name: str, field: str = "time_zone") -> ZoneInfo:
    """An IANA time zone by name (``Europe/Berlin``), or refused naming ``field``."""
    name = name.strip() or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidInput.on(field, f"{name!r} is not a time zone (e.g. Europe/Berlin)") from None


def local_moment(moment: datetime, tz: ZoneInfo, field: str = "aware_at") -> datetime:
    """A moment entered on a wall clock in ``tz`` (naive), or with its own offset, as UTC.

    A wall-clock time that does not exist (the hour skipped when clocks go forward) is refused;
    one that occurs twice (the hour repeated when they go back) is taken at its first
    occurrence, the earlier instant, which gives the earlier, safer deadline.
    """
    try:
        if moment.tzinfo is not None:
            return moment.astimezone(UTC)
        placed = moment.replace(tzinfo=tz, fold=0)
        back = placed.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        found = placed.astimezone(UTC)
    except (OverflowError, ValueError):  # year 1 moved west of UTC, say
        raise InvalidInput.on(field, "must fall between 1970 and 2200") from None
    if back != moment:
        raise InvalidInput.on(field, f"{moment:%Y-%m-%d %H:%M} does not exist in {tz.key}")
    return found


def reminder_moments(aware_at: datetime, deadline: datetime) -> dict[Reminder, datetime]:
    """When each reminder falls due: half-way from awareness to the deadline, 24 h before it,
    and at it."""
    return {
        Reminder.half_time: aware_at + (deadline - aware_at) / 2,
        Reminder.day_left: deadline - DAY,
        Reminder.overdue: deadline,
    }


def due_reminders(
    aware_at: datetime, deadline: datetime, now: datetime, sent: set[Reminder]
) -> list[Reminder]:
    """The reminders whose moment has come and that were not sent yet, earliest first.

    The caller sends only the last (the most urgent) and records them all: a classification
    made late, when several moments have already passed, notifies once, not three times.
    """
    moments = reminder_moments(aware_at, deadline)
    due = [r for r in Reminder if moments[r] <= now and r not in sent]
    return sorted(due, key=lambda r: moments[r])


@dataclass(frozen=True, slots=True)
class Countdown:
    text: str  # "3 days 4 h left", "overdue by 5 h", "reported 2 days early"
    state: str  # ok | soon | overdue | reported | late
    seconds: int  # left (negative: overdue) or, once reported, margin to the deadline


def _span(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"


def countdown(deadline: datetime, now: datetime, reported_at: datetime | None) -> Countdown:
    """What the incident page says about the deadline at ``now``."""
    if reported_at is not None:
        margin = deadline - reported_at
        seconds = int(margin.total_seconds())
        if margin >= timedelta(0):
            return Countdown(f"reported {_span(margin)} before the deadline", "reported", seconds)
        return Countdown(f"reported {_span(margin)} after the deadline", "late", seconds)
    left = deadline - now
    seconds = int(left.total_seconds())
    if left < timedelta(0):  # at the deadline itself a report is still in time
        return Countdown(f"overdue by {_span(left)}", "overdue", seconds)
    return Countdown(f"{_span(left)} left", "soon" if left <= DAY else "ok", seconds)


def deadline_met(deadline: datetime, reported_at: datetime | None) -> bool | None:
    """Whether the report was sent in time; None while it has not been sent."""
    return None if reported_at is None else reported_at <= deadline


def clean_note(text: str, field: str = "note") -> str:
    text = text.strip()
    if len(text) > MAX_NOTE:
        raise InvalidInput.on(field, f"at most {MAX_NOTE} characters")
    return text
