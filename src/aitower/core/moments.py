"""Times that aitower accepts from outside: 1970 to 2200, as UTC.

Predictions are stored as nanoseconds since 1970 in 64 bits (1677 to 2262) and rollups are
bucketed from 1970, so a time outside the range cannot be stored or compared; a year 1500 in a
query once surfaced as a 500. Every time a user gives, in a query or a body, is checked here
and refused with its field named.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime

from aitower.core.errors import InvalidInput

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
OUT_OF_RANGE = "must fall between 1970 and 2200"


def utc_moment(moment: datetime, field: str) -> datetime:
    """A given time as UTC (naive means UTC), refused outside 1970-2200 with ``field`` named."""
    try:
        found = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (OverflowError, ValueError):
        found = None
    if found is None or not EPOCH <= found <= LATEST:
        raise InvalidInput.on(field, OUT_OF_RANGE)
    return found


def _in_range(moment: datetime) -> datetime:
    try:
        utc_moment(moment, "")
    except InvalidInput:
        raise ValueError(OUT_OF_RANGE) from None
    return moment


# For request models and query parameters: the validation error names the field (422).
Moment = Annotated[datetime, AfterValidator(_in_range)]
AwareMoment = Annotated[AwareDatetime, AfterValidator(_in_range)]
