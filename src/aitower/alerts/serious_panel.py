"""What the incident page shows of EU AI Act Art. 73: the classification, the countdown to the
reporting deadline (in UTC and on the clock of the zone awareness was entered in), and the
values its forms start from (the stored ones, or those a refused form sent back)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import available_timezones

from sqlalchemy.orm import Session

from aitower.alerts.permissions import AlertPermission
from aitower.alerts.serious import SeriousView, get_serious
from aitower.alerts.serious_domain import LIMB_TEXT, Countdown, Limb
from aitower.core.access.principal import Principal

COMMON_ZONES = ("UTC", "Europe/Berlin", "Europe/Paris", "Europe/London", "Asia/Kolkata")


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """The IANA zones the time-zone field suggests (the common ones first)."""
    rest = sorted(available_timezones() - set(COMMON_ZONES))
    return (*COMMON_ZONES, *rest)


@dataclass(frozen=True, slots=True)
class SeriousPanel:
    view: SeriousView | None
    countdown: Countdown | None
    aware_local: datetime | None
    deadline_local: datetime | None
    can_classify: bool
    form: dict[str, object]
    limbs: tuple[tuple[str, str], ...]  # (letter, what Art. 3(49) says)
    zones: tuple[str, ...]


def _form(view: SeriousView | None, given: dict[str, object] | None) -> dict[str, object]:
    if given is not None:
        return given
    if view is None:
        return {"limbs": [], "time_zone": "UTC", "aware_at": "", "note": ""}
    return {
        "limbs": [limb.value for limb in view.limbs],
        "death": view.death,
        "widespread": view.widespread,
        "note": view.note,
        "time_zone": view.aware_time_zone,
        "aware_at": view.local(view.aware_at).strftime("%Y-%m-%dT%H:%M"),
    }


def serious_panel(
    session: Session,
    principal: Principal,
    incident_id: uuid.UUID,
    now: datetime,
    form: dict[str, object] | None = None,
) -> SeriousPanel:
    view = get_serious(session, principal, incident_id)
    deadline = None if view is None else view.deadline
    return SeriousPanel(
        view=view,
        countdown=None if view is None else view.countdown(now),
        aware_local=None if view is None else view.local(view.aware_at),
        deadline_local=None if view is None or deadline is None else view.local(deadline.at),
        can_classify=principal.can(AlertPermission.incidents_classify),
        form=_form(view, form),
        limbs=tuple((limb.value, LIMB_TEXT[limb]) for limb in Limb),
        zones=zone_names() if principal.can(AlertPermission.incidents_classify) else (),
    )
