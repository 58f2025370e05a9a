"""How risky depending on a vendor is, from the facts on its record: pure, explained in sentences.

The rating is the worst level any rule gives; every rule that fired adds a plain sentence, so
the UI and the API can say *why* a vendor is rated as it is, not just the colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

EXPIRY_WARNING = timedelta(days=90)


class RatingLevel(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"

    @property
    def rank(self) -> int:
        return list(RatingLevel).index(self)


@dataclass(frozen=True, slots=True)
class VendorTerms:
    """What the rating reads of a vendor; ``in_use``: some system still depends on it."""

    dpa_signed: bool = False
    soc2_until: date | None = None
    iso27001_until: date | None = None
    trains_on_customer_data: bool | None = None
    data_residency: str = ""
    contract_end: date | None = None
    in_use: bool = False


@dataclass(frozen=True, slots=True)
class VendorRating:
    level: RatingLevel
    reasons: tuple[str, ...]


def _attestation_reasons(terms: VendorTerms, today: date) -> list[tuple[RatingLevel, str]]:
    dated = [("SOC 2", terms.soc2_until), ("ISO/IEC 27001", terms.iso27001_until)]
    valid = [(name, until) for name, until in dated if until is not None and until >= today]
    if not valid:
        expired = [f"{name} expired on {until}" for name, until in dated if until is not None]
        detail = f" ({'; '.join(expired)})" if expired else ""
        return [(RatingLevel.high, f"No valid SOC 2 or ISO/IEC 27001 attestation{detail}.")]
    if all(until - today <= EXPIRY_WARNING for _, until in valid):
        soonest = min(valid, key=lambda v: v[1])
        return [(RatingLevel.medium, f"{soonest[0]} attestation expires on {soonest[1]}.")]
    return []


def rate_vendor(facts: VendorTerms, today: date, *, processes_personal_data: bool) -> VendorRating:
    """The worst level of the rules that apply, with one sentence per rule."""
    found: list[tuple[RatingLevel, str]] = []
    if facts.trains_on_customer_data is True:
        found.append((RatingLevel.high, "Trains its models on customer data."))
    elif facts.trains_on_customer_data is None:
        found.append(
            (RatingLevel.medium, "Has not said whether it trains its models on customer data.")
        )
    if processes_personal_data and not facts.dpa_signed:
        found.append(
            (
                RatingLevel.critical,
                "Used for personal data without a signed data processing agreement.",
            )
        )
    found += _attestation_reasons(facts, today)
    if facts.contract_end is not None and facts.contract_end < today and facts.in_use:
        found.append(
            (
                RatingLevel.high,
                f"The contract ended on {facts.contract_end} but systems still use it.",
            )
        )
    if not facts.data_residency.strip():
        found.append((RatingLevel.low, "Data residency is unknown."))
    level = max((lvl for lvl, _ in found), key=lambda lvl: lvl.rank, default=RatingLevel.low)
    return VendorRating(level, tuple(reason for _, reason in found))
