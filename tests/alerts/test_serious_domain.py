"""The Art. 73 reporting deadline, the Art. 3(49) classification, the reminders and the
countdown, on hand-computed cases.

Sources: Regulation (EU) 2024/1689, Art. 73(2) (15 days after awareness), Art. 73(3) (2 days:
widespread infringement, or a serious incident under Art. 3(49)(b)), Art. 73(4) (10 days: death
of a person). A day is 24 hours of elapsed time from the moment of awareness (docs/incidents.md
and the ``serious_domain`` docstring say why). Every expected moment below was computed by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aitower.alerts.serious_domain import (
    Classification,
    Limb,
    Reminder,
    classification,
    countdown,
    deadline_met,
    due_reminders,
    local_moment,
    reminder_moments,
    reporting_deadline,
    zone,
)
from aitower.core.errors import InvalidInput

AWARE = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)


def _deadline(limbs: str, *, death: bool = False, widespread: bool = False) -> tuple[datetime, str]:
    found = classification(list(limbs), death=death, widespread=widespread)
    d = reporting_deadline(AWARE, found)
    assert d is not None
    return d.at, d.paragraph


def test_general_serious_incident_15_days() -> None:
    # Art. 73(2): 2026-03-02 09:15 + 15 x 24 h = 2026-03-17 09:15.
    assert _deadline("a") == (datetime(2026, 3, 17, 9, 15, tzinfo=UTC), "73(2)")
    assert _deadline("c") == (datetime(2026, 3, 17, 9, 15, tzinfo=UTC), "73(2)")
    assert _deadline("d") == (datetime(2026, 3, 17, 9, 15, tzinfo=UTC), "73(2)")


def test_death_10_days() -> None:
    # Art. 73(4): + 10 x 24 h = 2026-03-12 09:15.
    assert _deadline("a", death=True) == (datetime(2026, 3, 12, 9, 15, tzinfo=UTC), "73(4)")


def test_critical_infrastructure_2_days() -> None:
    # Art. 73(3) for Art. 3(49)(b): + 48 h = 2026-03-04 09:15.
    assert _deadline("b") == (datetime(2026, 3, 4, 9, 15, tzinfo=UTC), "73(3)")


def test_widespread_infringement_2_days() -> None:
    # Art. 73(3) for a widespread infringement (Art. 3(61)).
    assert _deadline("c", widespread=True) == (datetime(2026, 3, 4, 9, 15, tzinfo=UTC), "73(3)")


@pytest.mark.parametrize(
    ("limbs", "death", "widespread", "expected"),
    [
        ("abd", True, False, datetime(2026, 3, 4, 9, 15, tzinfo=UTC)),  # (b) beats death
        ("acd", True, False, datetime(2026, 3, 12, 9, 15, tzinfo=UTC)),  # death beats 15 days
        ("ad", True, True, datetime(2026, 3, 4, 9, 15, tzinfo=UTC)),  # widespread beats death
        ("cd", False, False, datetime(2026, 3, 17, 9, 15, tzinfo=UTC)),  # only the general rule
    ],
)
def test_several_limbs_the_strictest_wins(
    limbs: str, death: bool, widespread: bool, expected: datetime
) -> None:
    assert _deadline(limbs, death=death, widespread=widespread)[0] == expected


def test_not_serious_has_no_deadline() -> None:
    assert reporting_deadline(AWARE, Classification(frozenset())) is None


def test_awareness_in_berlin_across_the_october_change() -> None:
    berlin = zone("Europe/Berlin")
    # 2026-10-24 10:00 in Berlin is CEST (UTC+2): 08:00 UTC.
    aware = local_moment(datetime(2026, 10, 24, 10, 0), berlin)
    assert aware == datetime(2026, 10, 24, 8, 0, tzinfo=UTC)
    # Clocks go back on 2026-10-25 (03:00 CEST -> 02:00 CET). 48 h later is 2026-10-26 08:00
    # UTC, which in Berlin is 09:00 CET (UTC+1): the elapsed time counts, not the wall clock.
    d = reporting_deadline(aware, classification(["b"], death=False, widespread=False))
    assert d is not None and d.at == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    local = d.at.astimezone(berlin)
    assert (local.hour, local.utcoffset()) == (9, timedelta(hours=1))
    # 15 days: 2026-11-08 08:00 UTC = 09:00 CET.
    d15 = reporting_deadline(aware, classification(["a"], death=False, widespread=False))
    assert d15 is not None and d15.at == datetime(2026, 11, 8, 8, 0, tzinfo=UTC)


def test_berlin_repeated_and_skipped_hours() -> None:
    berlin = zone("Europe/Berlin")
    # 02:30 on 2026-10-25 happens twice; the first (CEST, 00:30 UTC) is taken: the earlier,
    # safer deadline.
    repeated = local_moment(datetime(2026, 10, 25, 2, 30), berlin)
    assert repeated == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # 02:30 on 2026-03-29 never happens in Berlin (02:00 CET -> 03:00 CEST).
    with pytest.raises(InvalidInput) as refused:
        local_moment(datetime(2026, 3, 29, 2, 30), berlin)
    assert refused.value.issues[0].field == "aware_at"


def test_awareness_in_kolkata() -> None:
    # IST is UTC+05:30 all year: 2026-03-01 23:30 IST = 18:00 UTC; + 15 days = 2026-03-16
    # 18:00 UTC, 23:30 IST.
    kolkata = zone("Asia/Kolkata")
    aware = local_moment(datetime(2026, 3, 1, 23, 30), kolkata)
    assert aware == datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
    d = reporting_deadline(aware, classification(["d"], death=False, widespread=False))
    assert d is not None and d.at == datetime(2026, 3, 16, 18, 0, tzinfo=UTC)
    assert d.at.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%d %H:%M") == "16 23:30"


def test_moments_beyond_the_calendar_are_refused_not_crashed() -> None:
    for moment in (datetime(1, 1, 1), datetime.min.replace(tzinfo=ZoneInfo("Asia/Kolkata"))):
        with pytest.raises(InvalidInput) as refused:
            local_moment(moment, zone("Asia/Kolkata"))
        assert refused.value.issues[0].field == "aware_at"


def test_an_offset_given_with_the_moment_wins_over_the_zone() -> None:
    given = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert local_moment(given, zone("Europe/Berlin")) == datetime(2026, 3, 1, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("limbs", "death", "widespread", "field"),
    [
        (["e"], False, False, "limbs"),
        (["c"], True, False, "death"),  # a death is point (a)
        ([], False, True, "widespread"),  # Art. 73 reports serious incidents
    ],
)
def test_bad_classification_names_the_field(
    limbs: list[str], death: bool, widespread: bool, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        classification(limbs, death=death, widespread=widespread)
    assert refused.value.issues[0].field == field


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        zone("Mars/Olympus_Mons")
    assert refused.value.issues[0].field == "time_zone"


def test_reminder_moments() -> None:
    deadline = datetime(2026, 3, 17, 9, 15, tzinfo=UTC)
    moments = reminder_moments(AWARE, deadline)
    # Half of 15 days (7 days 12 h) after 2026-03-02 09:15 is 2026-03-09 21:15.
    assert moments[Reminder.half_time] == datetime(2026, 3, 9, 21, 15, tzinfo=UTC)
    assert moments[Reminder.day_left] == datetime(2026, 3, 16, 9, 15, tzinfo=UTC)
    assert moments[Reminder.overdue] == deadline


def test_due_reminders_once_each_and_in_order() -> None:
    deadline = datetime(2026, 3, 17, 9, 15, tzinfo=UTC)
    just_before = datetime(2026, 3, 9, 21, 14, tzinfo=UTC)
    assert due_reminders(AWARE, deadline, just_before, set()) == []
    half = datetime(2026, 3, 9, 21, 15, tzinfo=UTC)
    assert due_reminders(AWARE, deadline, half, set()) == [Reminder.half_time]
    assert due_reminders(AWARE, deadline, half, {Reminder.half_time}) == []
    late = datetime(2026, 3, 18, tzinfo=UTC)
    assert due_reminders(AWARE, deadline, late, set()) == list(Reminder)
    assert due_reminders(AWARE, deadline, late, {Reminder.half_time}) == [
        Reminder.day_left,
        Reminder.overdue,
    ]


def test_countdown_text_and_state() -> None:
    deadline = datetime(2026, 3, 17, 9, 15, tzinfo=UTC)
    c = countdown(deadline, datetime(2026, 3, 14, 7, 0, tzinfo=UTC), None)
    assert (c.text, c.state) == ("3 days 2 h left", "ok")
    c = countdown(deadline, datetime(2026, 3, 16, 20, 0, tzinfo=UTC), None)
    assert (c.text, c.state) == ("13 h 15 min left", "soon")
    assert countdown(deadline, deadline, None).text == "0 min left"  # "not later than"
    c = countdown(deadline, datetime(2026, 3, 17, 14, 45, tzinfo=UTC), None)
    assert (c.text, c.state, c.seconds) == ("overdue by 5 h 30 min", "overdue", -19800)
    early = datetime(2026, 3, 15, 9, 15, tzinfo=UTC)
    c = countdown(deadline, datetime(2026, 4, 1, tzinfo=UTC), early)
    assert (c.text, c.state) == ("reported 2 days 0 h before the deadline", "reported")
    late = datetime(2026, 3, 17, 10, 0, tzinfo=UTC)
    assert countdown(deadline, late, late).state == "late"
    assert deadline_met(deadline, early) is True
    assert deadline_met(deadline, late) is False
    assert deadline_met(deadline, None) is None
    assert deadline_met(deadline, deadline) is True  # "not later than": the last moment counts
    assert Limb("b") is Limb.critical_infrastructure
