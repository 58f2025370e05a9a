"""The risk of a discovered AI service's use: a score from 0 to 100 with its reasons (pure).

Four factors add up (their maxima sum to 100), each stated as a reason when it counts:

=====================================  ======================================================
factor                                 points
=====================================  ======================================================
approval of the service for the unit   blocked or unsanctioned 40, under review 25,
                                       not in the catalog 30, sanctioned 0; an integration
                                       no registered system claims at least 30
the vendor's data use                  trains on customer data 25, not established 10,
                                       no training 0
upload volume (bytes sent)             ≥ 100 MB 20, ≥ 10 MB 15, ≥ 1 MB 10, ≥ 100 kB 5
a unit that handles sensitive data     15
=====================================  ======================================================

Approval weighs most because an unapproved tool has had no review of its terms at all; code
calling a model API, or telemetry from a service, that no registered system claims has had no
review as a system either, even when the API itself is sanctioned (it still needs an owner, a
risk class and the gates), so it counts at least as much as an uncatalogued service; what
the vendor does with data comes next, then how much left the network (logs count bytes sent,
not content), then where it came from: a unit running systems on confidential or restricted
data, or personal data (``inventory``'s data classification of its systems).
"""

from __future__ import annotations

from dataclasses import dataclass

from aitower.discovery.sanction import SanctionStatus

MB = 1_000_000
UPLOAD_TIERS: tuple[tuple[int, int], ...] = (
    (100 * MB, 20),
    (10 * MB, 15),
    (1 * MB, 10),
    (100_000, 5),
)
APPROVAL_POINTS = {
    SanctionStatus.blocked: 40,
    SanctionStatus.unsanctioned: 40,
    SanctionStatus.under_review: 25,
    SanctionStatus.sanctioned: 0,
}
UNCATALOGUED_POINTS = 30
UNREGISTERED_POINTS = 30
TRAINS_POINTS = 25
UNKNOWN_TERMS_POINTS = 10
SENSITIVE_UNIT_POINTS = 15


@dataclass(frozen=True, slots=True)
class RiskInput:
    sanction: SanctionStatus | None  # None: the service is not in the catalog
    trains_on_customer_data: bool | None  # None: not established
    bytes_sent: int
    sensitive_unit: bool
    unregistered: bool = False  # code or telemetry no registered system claims


@dataclass(frozen=True, slots=True)
class RiskReason:
    factor: str  # approval | data_use | upload | sensitive_unit
    points: int
    text: str


@dataclass(frozen=True, slots=True)
class RiskScore:
    score: int
    reasons: tuple[RiskReason, ...]


def _approval(sanction: SanctionStatus | None, unregistered: bool) -> RiskReason | None:
    service = _service_approval(sanction)
    if unregistered and (service is None or service.points < UNREGISTERED_POINTS):
        return RiskReason("approval", UNREGISTERED_POINTS, "no registered system claims it")
    return service


def _service_approval(sanction: SanctionStatus | None) -> RiskReason | None:
    if sanction is None:
        return RiskReason("approval", UNCATALOGUED_POINTS, "not in the catalog: never reviewed")
    points = APPROVAL_POINTS[sanction]
    if not points:
        return None
    text = {
        SanctionStatus.blocked: "blocked by policy",
        SanctionStatus.unsanctioned: "unapproved tool",
        SanctionStatus.under_review: "approval under review",
    }[sanction]
    return RiskReason("approval", points, text)


def _data_use(trains: bool | None) -> RiskReason | None:
    if trains is None:
        return RiskReason("data_use", UNKNOWN_TERMS_POINTS, "vendor's data use not established")
    if trains:
        return RiskReason("data_use", TRAINS_POINTS, "vendor trains on customer data")
    return None


def upload_points(bytes_sent: int) -> int:
    """Points for the volume sent: the highest tier ``bytes_sent`` reaches (0 below 100 kB)."""
    return next((points for floor, points in UPLOAD_TIERS if bytes_sent >= floor), 0)


def _upload(bytes_sent: int) -> RiskReason | None:
    points = upload_points(bytes_sent)
    if not points:
        return None
    return RiskReason("upload", points, f"{bytes_sent / MB:.1f} MB sent")


def risk_score(given: RiskInput) -> RiskScore:
    """The score (0–100) and the reasons that make it up, largest first."""
    reasons = [
        r
        for r in (
            _approval(given.sanction, given.unregistered),
            _data_use(given.trains_on_customer_data),
            _upload(max(given.bytes_sent, 0)),
            RiskReason("sensitive_unit", SENSITIVE_UNIT_POINTS, "unit handles sensitive data")
            if given.sensitive_unit
            else None,
        )
        if r is not None
    ]
    reasons.sort(key=lambda r: -r.points)
    return RiskScore(min(sum(r.points for r in reasons), 100), tuple(reasons))
