"""National ids: the official example numbers (stdnum's doctests, the agencies' specimens)."""

from __future__ import annotations

import pytest

from aitower.detectors.scan import scan


def found(text: str, min_confidence: float = 0.5) -> list[tuple[str, str]]:
    return [(d.type, text[d.start : d.end]) for d in scan(text, min_confidence=min_confidence)]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("SSN 536-90-4399 on file", "us_ssn", "536-90-4399"),
        ("her social security number is 536904399.", "us_ssn", "536904399"),
        ("NINO AB123456C on the payslip", "uk_nino", "AB123456C"),
        ("Steuer-ID: 36 574 261 809", "de_tax_id", "36 574 261 809"),
        ("numéro de sécurité sociale 2 95 10 99 126 111 93", "fr_nir", "2 95 10 99 126 111 93"),
        ("codice fiscale RCCMNL83S18D969H", "it_codice_fiscale", "RCCMNL83S18D969H"),
        ("DNI 54362315K", "es_dni", "54362315K"),
        ("NIE X2482300W", "es_dni", "X2482300W"),
        ("BSN 111222333", "nl_bsn", "111222333"),
        ("Aadhaar 2341 2341 2346", "in_aadhaar", "2341 2341 2346"),
        ("PAN ACUPA7085R", "in_pan", "ACUPA7085R"),
    ],
)
def test_official_examples_are_found(text: str, kind: str, value: str) -> None:
    assert found(text) == [(f"national_id.{kind}", value)]


def test_ssn_outside_its_ranges_is_not_found() -> None:
    assert found("SSN 666-12-3456 and 000-12-3456 and 900-12-3456", 0.0) == []
    assert found("SSN 078-05-1120", 0.0) == []  # the Woolworth wallet card, blacklisted


def test_weak_checks_need_words() -> None:
    # 111222333 passes the BSN 11-test, 36574261809 the IdNr check: not enough alone.
    assert found("ticket 111222333 closed") == []
    assert found("ticket 36574261809 closed") == []


def test_wrong_check_letters_are_not_found() -> None:
    assert found("DNI 54362315A, NIE X2482300A, CF RCCMNL83S18D969A", 0.0) == []


def test_nino_never_prefixes() -> None:
    assert found("ref GB123456A and BG123456A", 0.0) == []


def test_context_raises_confidence() -> None:
    (bare,) = scan("ref 2 95 10 99 126 111 93")
    (worded,) = scan("NIR 2 95 10 99 126 111 93")
    assert worded.confidence > bare.confidence
