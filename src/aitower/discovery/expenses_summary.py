"""An expense export's charges matched to the catalog and summed per service and cardholder.
Pure.

One use per (service, cardholder): ``charges`` counts the rows with a positive amount (a
refund is not a purchase), ``amount_usd`` nets every row, refunds included, so a subscription
bought and refunded in the same file sums to 0. First and last seen are the first and last
charge dates. Charges no descriptor matches are summed as *unmatched*: spend that is not
(known) AI, shown so a reader can judge what the catalog may be missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from aitower.discovery.expenses_match import MerchantMatcher, normalise_merchant
from aitower.discovery.expenses_read import Charge


@dataclass(frozen=True, slots=True)
class MatchedCharge:
    charge: Charge
    service_id: str


@dataclass(frozen=True, slots=True)
class ExpenseUse:
    service_id: str
    cardholder: str
    department: str  # the first the cardholder's charges name
    charges: int
    amount_usd: float
    first_day: date
    last_day: date


@dataclass(frozen=True, slots=True)
class ExpenseSummary:
    matched: list[MatchedCharge]
    uses: list[ExpenseUse]
    unmatched_charges: int
    unmatched_usd: float
    top_unmatched: list[tuple[str, float]]  # normalised merchant, USD: the ten largest


def summarise(charges: list[Charge], matcher: MerchantMatcher) -> ExpenseSummary:
    matched: list[MatchedCharge] = []
    unmatched: dict[str, float] = {}
    for charge in charges:
        service_id = matcher.match(charge.merchant)
        if service_id is None:
            key = normalise_merchant(charge.merchant) or charge.merchant
            unmatched[key] = unmatched.get(key, 0.0) + charge.amount_usd
        else:
            matched.append(MatchedCharge(charge, service_id))
    top = sorted(unmatched.items(), key=lambda item: (-item[1], item[0]))[:10]
    unmatched_count = len(charges) - len(matched)
    return ExpenseSummary(matched, _uses(matched), unmatched_count,
                          round(sum(unmatched.values()), 6), top)  # fmt: skip


def _uses(matched: list[MatchedCharge]) -> list[ExpenseUse]:
    sums: dict[tuple[str, str], list[MatchedCharge]] = {}
    for m in matched:
        sums.setdefault((m.service_id, m.charge.cardholder), []).append(m)
    uses = []
    for (service_id, cardholder), found in sums.items():
        days = [m.charge.day for m in found]
        department = next((m.charge.department for m in found if m.charge.department), "")
        uses.append(
            ExpenseUse(
                service_id, cardholder, department,
                charges=sum(1 for m in found if m.charge.billed > 0),
                amount_usd=round(sum(m.charge.amount_usd for m in found), 6),
                first_day=min(days), last_day=max(days),
            )
        )  # fmt: skip
    return sorted(uses, key=lambda u: (u.service_id, u.cardholder))
