"""Personal data detectors: values that must be found, and look-alikes that must not."""

from __future__ import annotations

import pytest

from aitower.detectors.pii import card_brand, luhn_ok
from aitower.detectors.scan import scan


def found(text: str, min_confidence: float = 0.5) -> list[tuple[str, str]]:
    return [(d.type, text[d.start : d.end]) for d in scan(text, min_confidence=min_confidence)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("write to jane.doe@corp.example.org today", "jane.doe@corp.example.org"),
        ("contact: a+b@mail.co.uk.", "a+b@mail.co.uk"),
    ],
)
def test_emails(text: str, value: str) -> None:
    assert found(text) == [("email", value)]


@pytest.mark.parametrize(
    "iban",
    [
        "DE89370400440532013000",
        "GB82WEST12345698765432",
        "DE89 3704 0044 0532 0130 00",
        "FR1420041010050500013M02606",
        "NL91ABNA0417164300",
    ],
)
def test_ibans_with_a_valid_check_are_found(iban: str) -> None:
    text = f"Please pay to {iban} by Friday."
    assert found(text) == [("iban", iban)]


def test_iban_stops_before_a_following_word() -> None:
    text = "IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX"
    (d,) = scan(text)
    assert (d.type, text[d.start : d.end]) == ("iban", "DE89 3704 0044 0532 0130 00")
    assert "mod-97" in d.reason and "(DE)" in d.reason


def test_iban_failing_mod_97_is_not_found() -> None:
    assert found("Please pay to DE89370400440532013001 by Friday.") == []
    assert found("ref GB82WEST12345698765433") == []


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4111111111111111", "Visa"),
        ("4111 1111 1111 1111", "Visa"),
        ("5555-5555-5555-4444", "Mastercard"),
        ("378282246310005", "American Express"),
        ("6011111111111117", "Discover"),
    ],
)
def test_test_cards_are_found_with_their_brand(number: str, brand: str) -> None:
    (d,) = scan(f"charged {number} yesterday")
    assert d.type == "payment_card"
    assert brand in d.reason and "Luhn" in d.reason


def test_luhn_and_brands_by_hand() -> None:
    assert luhn_ok("79927398713")  # the textbook example
    assert not luhn_ok("79927398710")
    assert card_brand("2221000000000009") == "Mastercard"
    assert card_brand("9999") is None


def test_sixteen_digits_failing_luhn_are_not_a_card() -> None:
    assert found("order 4111111111111112 shipped", min_confidence=0.0) == []
    assert found("tracking 1234567890123456", min_confidence=0.0) == []


def test_card_words_raise_confidence() -> None:
    (bare,) = scan("ref 4111111111111111 ok")
    (worded,) = scan("credit card 4111111111111111 ok")
    assert worded.confidence > bare.confidence


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("call +49 30 901820 today", "+49 30 901820"),
        ("phone: (415) 555-2671 or", "(415) 555-2671"),
        ("Tel. 030 901820 ab 9 Uhr", "030 901820"),
        ("ring 0044 20 7946 0958 please", "0044 20 7946 0958"),
    ],
)
def test_phones(text: str, value: str) -> None:
    assert found(text) == [("phone", value)]


def test_nine_digit_invoice_number_is_not_a_phone_nor_an_id() -> None:
    assert found("invoice 123456789 is due", min_confidence=0.0) == []
    assert found("order number 612345678 was sent") == []


def test_ipv4_and_ipv6() -> None:
    assert found("request from 192.168.1.20 failed") == [("ip_address", "192.168.1.20")]
    assert found("host 2001:db8::8a2e:370:7334 up") == [("ip_address", "2001:db8::8a2e:370:7334")]


@pytest.mark.parametrize(
    "text",
    [
        "upgrade to version 1.2.3.4 now",
        "released v2.10.0.1 today",
        "octets 256.1.1.1 are invalid",
        "the meeting is at 10:30:00",
        "uuid 123e4567-e89b-12d3-a456-426614174000",
        "commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904",
    ],
)
def test_look_alikes_of_addresses_are_not_found(text: str) -> None:
    assert found(text, min_confidence=0.0) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("She was born on 12.03.1985 in Lyon.", "12.03.1985"),
        ("DOB: 1985-03-12", "1985-03-12"),
        ("date of birth March 12, 1985", "March 12, 1985"),
        ("geboren am 3. Mai 1990 in Köln", "3. Mai 1990"),
        ("née le 4 juillet 1971", "4 juillet 1971"),
    ],
)
def test_birth_dates_in_context(text: str, value: str) -> None:
    assert found(text) == [("date_of_birth", value)]


def test_dates_without_birth_words_are_not_birth_dates() -> None:
    assert found("The invoice of 12.03.1985 was paid on 1985-04-01.", 0.0) == []


def test_birth_word_belongs_to_the_nearest_number() -> None:
    assert found("born 12.03.1985, meeting on 14.03.2024") == [("date_of_birth", "12.03.1985")]


def test_prose_without_digits_finds_nothing() -> None:
    assert scan("The assistant answered politely and the user thanked it. " * 30) == []
