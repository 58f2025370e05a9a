"""scan(): thresholds, the types filter, overlaps and order."""

from __future__ import annotations

import pytest

from aitower.detectors import catalog
from aitower.detectors.detection import Category, Detection
from aitower.detectors.scan import resolve_overlaps, scan, scan_many

TEXT = "Mail jane@corp.io, IBAN DE89370400440532013000, key AKIA2E3MNCXDRWQ5QHZE."


def test_sorted_by_start_with_categories() -> None:
    found = scan(TEXT)
    assert [d.type for d in found] == ["email", "iban", "secret.aws_access_key"]
    assert [d.category for d in found] == [
        Category.personal_data,
        Category.personal_data,
        Category.secret,
    ]
    assert all(d.reason for d in found)


def test_types_filter_and_unknown_names() -> None:
    assert [d.type for d in scan(TEXT, types={"iban"})] == ["iban"]
    assert scan(TEXT, types={"injection"}) == []  # reserved for the injection detector
    with pytest.raises(ValueError, match="nope"):
        scan(TEXT, types={"nope"})


def test_min_confidence() -> None:
    assert scan("AKIAIOSFODNN7EXAMPLE") == []
    assert len(scan("AKIAIOSFODNN7EXAMPLE", min_confidence=0.0)) == 1


def test_overlaps_keep_the_more_specific_then_more_confident() -> None:
    pd, s = Category.personal_data, Category.secret
    phone = Detection("phone", pd, 0, 10, 0.95, "")
    card = Detection("payment_card", pd, 0, 16, 0.85, "")
    key = Detection("secret.jwt", s, 5, 30, 0.6, "")
    apart = Detection("email", pd, 40, 50, 0.9, "")
    assert resolve_overlaps([phone, card, apart]) == [card, apart]
    assert resolve_overlaps([phone, card, key, apart]) == [key, apart]


def test_scan_many() -> None:
    assert [len(r) for r in scan_many([TEXT, "nothing here"])] == [3, 0]


def test_catalog() -> None:
    names = [t.name for t in catalog.TYPES]
    assert len(names) == len(set(names))
    assert catalog.get("iban").label == "IBAN"
    assert catalog.CATEGORY_OF["secret.jwt"] is Category.secret
    assert not any(catalog.is_reserved(n) for n in names)
    assert catalog.is_reserved("injection.jailbreak")
