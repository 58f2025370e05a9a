"""Optimisation advice: what an item of advice is, how items are ranked, and the two kinds read
from the spend ledger (idle licences, the same capability bought twice). Pure: plain values in,
``Advice`` out; the kinds read from telemetry are in ``advice_models``.

Every item carries an estimated saving per month in USD, a confidence, and its evidence: the
numbers it rests on (``evidence``, for the API), the same in sentences (``facts``, for people),
a small chart where one helps (``Chart``, drawn as SVG by the page) and links (added by the
service, which knows what the reader may open). Items are ranked by saving, largest first.

A month is 30.4375 days (365.25 / 12) wherever a cost over some days becomes a monthly one.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

DAYS_PER_MONTH = 365.25 / 12

# Idle licences: advised when at least this many seats, and this share of the seats, are idle.
MIN_IDLE_SEATS = 1
MIN_IDLE_SHARE = 0.10


class AdviceKind(StrEnum):
    cheaper_model = "cheaper_model"
    cache = "cache"
    prompt_growth = "prompt_growth"
    idle_licences = "idle_licences"
    duplicate = "duplicate"


KIND_TITLES = {
    AdviceKind.cheaper_model: "Cheaper model, comparable quality",
    AdviceKind.cache: "Prompt caching",
    AdviceKind.prompt_growth: "Prompt growth",
    AdviceKind.idle_licences: "Idle licences",
    AdviceKind.duplicate: "Same capability bought twice",
}


class Confidence(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


@dataclass(frozen=True, slots=True)
class Link:
    """A page the evidence points at; ``permission`` is the value a reader needs to open it."""

    label: str
    href: str
    permission: str


@dataclass(frozen=True, slots=True)
class Chart:
    """A small chart of the evidence: bars (``(label, value)`` points) or lines over weeks
    (``(iso date, value)`` points; a series named with a trailing ``(fit)`` is dashed)."""

    kind: str  # "bars" | "lines"
    title: str
    series: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Advice:
    kind: AdviceKind
    title: str
    monthly_saving: float  # USD, estimated
    confidence: Confidence
    summary: str
    evidence: dict[str, float | int | str | None]
    facts: tuple[str, ...]
    system_id: uuid.UUID | None = None
    unit_ids: tuple[uuid.UUID, ...] = ()
    chart: Chart | None = None
    links: tuple[Link, ...] = field(default_factory=tuple)


def ranked(items: Iterable[Advice]) -> list[Advice]:
    """Largest estimated saving first; ties by kind, then title, so the order is stable."""
    return sorted(items, key=lambda a: (-a.monthly_saving, a.kind.value, a.title))


def monthly(amount: float, days: float) -> float:
    """``amount`` spent over ``days`` days, per month."""
    return amount / max(days, 1.0) * DAYS_PER_MONTH


@dataclass(frozen=True, slots=True)
class Licence:
    """A licence record of the ledger: seats paid for and in use over [day_start, day_end)."""

    vendor: str
    service: str
    amount: float  # USD for the period
    day_start: date
    day_end: date  # exclusive
    seats: int
    seats_in_use: int
    system_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    system_name: str = ""

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.vendor, self.service) if p) or "licence"

    @property
    def per_seat_month(self) -> float:
        return monthly(self.amount, (self.day_end - self.day_start).days) / self.seats


def idle_licences(licences: Iterable[Licence]) -> list[Advice]:
    """Seats paid for without an active user: saving = idle seats × price per seat per month.

    Only records with seats > 0 and seats in use known; advised when idle seats ≥
    ``MIN_IDLE_SEATS`` and ≥ ``MIN_IDLE_SHARE`` of the seats. Confidence is high: both numbers
    are on the bill's record (the count of users in use as the import gave it)."""
    found: list[Advice] = []
    for lic in licences:
        if lic.seats <= 0 or lic.seats_in_use < 0 or lic.day_end <= lic.day_start:
            continue
        idle = lic.seats - min(lic.seats_in_use, lic.seats)
        if idle < MIN_IDLE_SEATS or idle / lic.seats < MIN_IDLE_SHARE:
            continue
        per_seat = lic.per_seat_month
        saving = idle * per_seat
        found.append(
            Advice(
                kind=AdviceKind.idle_licences,
                title=f"{idle} idle seats of {lic.name}",
                monthly_saving=saving,
                confidence=Confidence.high,
                summary=(
                    f"{lic.seats_in_use} of {lic.seats} seats are in use; cutting the "
                    f"{idle} idle seats saves about ${saving:,.0f} a month."
                ),
                evidence={
                    "seats": lic.seats,
                    "seats_in_use": lic.seats_in_use,
                    "idle_seats": idle,
                    "price_per_seat_month": round(per_seat, 4),
                    "period_start": lic.day_start.isoformat(),
                    "period_end": lic.day_end.isoformat(),
                    "period_amount": round(lic.amount, 2),
                },
                facts=(
                    f"Ledger: {lic.seats} seats for ${lic.amount:,.2f} from "
                    f"{lic.day_start.isoformat()} to {lic.day_end.isoformat()} (exclusive).",
                    f"Price per seat: ${per_seat:,.2f} a month.",
                    f"Seats in use: {lic.seats_in_use} ({lic.seats_in_use / lic.seats:.0%}).",
                ),
                system_id=lic.system_id,
                unit_ids=() if lic.unit_id is None else (lic.unit_id,),
                chart=Chart(
                    "bars",
                    "Seats",
                    (("seats", (("paid for", lic.seats), ("in use", lic.seats_in_use))),),
                ),
            )
        )
    return found


# What a purchase is for, from words in its vendor, service or description (lower case). The
# first capability with a matching word wins; purchases matching none are not compared.
CAPABILITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "coding assistant",
        (
            "copilot for business",
            "github copilot",
            "cursor",
            "codeium",
            "windsurf",
            "tabnine",
            "codewhisperer",
            "q developer",
            "code assist",
            "jetbrains ai",
        ),
    ),
    (
        "chat assistant",
        (
            "chatgpt",
            "claude for work",
            "claude team",
            "claude enterprise",
            "gemini for workspace",
            "gemini enterprise",
            "microsoft 365 copilot",
            "m365 copilot",
            "copilot chat",
        ),
    ),
    ("transcription", ("otter", "fireflies", "whisper", "transcri")),
    ("writing assistant", ("grammarly", "jasper", "writer.com", "copy.ai")),
    ("image generation", ("midjourney", "dall-e", "firefly", "stable diffusion")),
)


def capability_of(*texts: str) -> str | None:
    """The capability a purchase is for (``CAPABILITIES``), or None."""
    text = " ".join(texts).lower()
    for capability, words in CAPABILITIES:
        if any(w in text for w in words):
            return capability
    return None


@dataclass(frozen=True, slots=True)
class Purchase:
    """A service bought from the ledger (licences, invoices), over a window, per unit."""

    capability: str
    vendor: str
    service: str
    unit_id: uuid.UUID | None
    unit_name: str
    monthly_cost: float
    seats: int | None = None
    seats_in_use: int | None = None

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.vendor, self.service) if p)


def _consolidation_saving(keep: Purchase, others: Sequence[Purchase]) -> float | None:
    """Others' cost less their users' seats at ``keep``'s price per seat; None if unknown."""
    if not keep.seats or any(o.seats_in_use is None for o in others):
        return None
    per_seat = keep.monthly_cost / keep.seats
    return max(0.0, sum(o.monthly_cost - (o.seats_in_use or 0) * per_seat for o in others))


def duplicates(purchases: Iterable[Purchase]) -> list[Advice]:
    """Two or more different services bought for the same capability: one item per capability
    with the combined cost. Saving, when every other purchase's seats in use are known: moving
    their users to the largest purchase at its price per seat (confidence medium); otherwise no
    estimate (0, confidence low): the price of a consolidated contract is not known here."""
    groups: dict[str, list[Purchase]] = defaultdict(list)
    for p in purchases:
        groups[p.capability].append(p)
    found: list[Advice] = []
    for capability, group in sorted(groups.items()):
        if len({(p.vendor.lower(), p.service.lower()) for p in group}) < 2:
            continue
        group.sort(key=lambda p: -p.monthly_cost)
        keep, others = group[0], group[1:]
        saving = _consolidation_saving(keep, others)
        combined = sum(p.monthly_cost for p in group)
        names = ", ".join(f"{p.name} ({p.unit_name or 'organisation'})" for p in group)
        found.append(
            Advice(
                kind=AdviceKind.duplicate,
                title=f"{len(group)} {capability} services",
                monthly_saving=saving or 0.0,
                confidence=Confidence.low if saving is None else Confidence.medium,
                summary=f"{names} cost ${combined:,.0f} a month together.",
                evidence={
                    "capability": capability,
                    "purchases": len(group),
                    "combined_monthly_cost": round(combined, 2),
                    "largest": keep.name,
                },
                facts=tuple(
                    f"{p.name} for {p.unit_name or 'the organisation'}: "
                    f"${p.monthly_cost:,.2f} a month"
                    + ("" if p.seats is None else f", {p.seats} seats")
                    + ("" if p.seats_in_use is None else f", {p.seats_in_use} in use")
                    for p in group
                )
                + (
                    ("Saving not estimated: seats in use are not known for every purchase.",)
                    if saving is None
                    else (f"Saving if their users moved to {keep.name} at its price per seat.",)
                ),
                unit_ids=tuple(sorted({p.unit_id for p in group if p.unit_id}, key=str)),
                chart=Chart(
                    "bars",
                    "Monthly cost",
                    (("cost", tuple((p.name, round(p.monthly_cost, 2)) for p in group)),),
                    "USD",
                ),
            )
        )
    return found
