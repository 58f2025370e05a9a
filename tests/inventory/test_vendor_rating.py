"""The vendor risk rating: worst rule wins, one plain sentence per rule."""

from __future__ import annotations

from datetime import date, timedelta

from aitower.inventory.vendor_rating import RatingLevel, VendorTerms, rate_vendor

TODAY = date(2026, 6, 1)
GOOD = VendorTerms(
    dpa_signed=True,
    soc2_until=TODAY + timedelta(days=365),
    trains_on_customer_data=False,
    data_residency="EU",
)


def rate(terms: VendorTerms, personal: bool = False) -> tuple[RatingLevel, tuple[str, ...]]:
    rating = rate_vendor(terms, TODAY, processes_personal_data=personal)
    return rating.level, rating.reasons


def test_a_well_documented_vendor_is_low_without_reasons() -> None:
    assert rate(GOOD, personal=True) == (RatingLevel.low, ())


def test_training_on_customer_data_is_high_and_unknown_is_medium() -> None:
    assert (
        rate(VendorTerms(**{**_fields(GOOD), "trains_on_customer_data": True}))[0]
        is RatingLevel.high
    )
    level, reasons = rate(VendorTerms(**{**_fields(GOOD), "trains_on_customer_data": None}))
    assert level is RatingLevel.medium
    assert reasons == ("Has not said whether it trains its models on customer data.",)


def test_personal_data_without_dpa_is_critical() -> None:
    terms = VendorTerms(**{**_fields(GOOD), "dpa_signed": False})
    assert rate(terms, personal=False)[0] is RatingLevel.low
    level, reasons = rate(terms, personal=True)
    assert level is RatingLevel.critical
    assert any("data processing agreement" in r for r in reasons)


def test_attestations_expired_missing_or_expiring() -> None:
    expired = VendorTerms(**{**_fields(GOOD), "soc2_until": TODAY - timedelta(days=1)})
    level, reasons = rate(expired)
    assert level is RatingLevel.high
    assert "expired" in reasons[0]
    soon = VendorTerms(**{**_fields(GOOD), "soc2_until": TODAY + timedelta(days=30)})
    assert rate(soon)[0] is RatingLevel.medium
    # One attestation valid for long is enough, whatever the other does.
    both = VendorTerms(**{**_fields(soon), "iso27001_until": TODAY + timedelta(days=400)})
    assert rate(both)[0] is RatingLevel.low


def test_ended_contract_matters_only_while_in_use() -> None:
    ended = VendorTerms(**{**_fields(GOOD), "contract_end": TODAY - timedelta(days=10)})
    assert rate(ended)[0] is RatingLevel.low
    level, _ = rate(VendorTerms(**{**_fields(ended), "in_use": True}))
    assert level is RatingLevel.high


def test_unknown_residency_is_a_low_level_reason() -> None:
    level, reasons = rate(VendorTerms(**{**_fields(GOOD), "data_residency": ""}))
    assert level is RatingLevel.low
    assert reasons == ("Data residency is unknown.",)


def _fields(terms: VendorTerms) -> dict[str, object]:
    return {name: getattr(terms, name) for name in VendorTerms.__slots__}
