"""Personal data in free text: emails, phones, payment cards, IBANs, IP addresses, birth dates.

Each finder picks candidates with a compiled pattern and keeps those a check confirms (Luhn,
ISO 13616 mod-97, the phone numbering plans of ``phonenumbers``, ``ipaddress``), so that
numbers that merely look right (an order number, a version string) stay out. Context words
before a candidate raise the confidence; a birth date needs them to be reported at all.
National identity numbers live in ``national_ids``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator

from aitower.detectors import catalog, dates, national_ids, phones
from aitower.detectors.context import before, near, words
from aitower.detectors.detection import Category, Detection

_PD = Category.personal_data
_CHECKED = frozenset({"payment_card", "iban", "email"}) | {
    t.name for t in catalog.TYPES if t.name.startswith("national_id.")
}
_CLUSTER = re.compile(r"\d[\dA-Z \-./()]*")
_LEFT, _RIGHT = 12, 3

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-]|[.,]\d)")
_CARD_WORDS = words(
    r"card",
    r"credit",
    r"debit",
    r"visa",
    r"master ?card",
    r"amex",
    r"\bcc\b",
    r"karte",
    r"kreditkarte",
    r"carte",
    r"tarjeta",
    r"carta",
    r"kaart",
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,32}\b")
_IBAN_WORDS = words(r"iban", r"account", r"konto", r"compte", r"cuenta", r"conto", r"rekening")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_IP_WORDS = words(r"\bip\b", r"address", r"adresse", r"host", r"server", r"client", r"from")
_VERSION_WORDS = words(r"version\s*$", r"\bv(?:er)?\.?\s*$", r"release\s*$", r"build\s*$")

# Issuer prefixes (ISO/IEC 7812 ranges as the networks publish them), longest match first.
# with the lengths each network issues.
_BRANDS: tuple[tuple[str, tuple[str, ...], tuple[int, ...]], ...] = (
    ("American Express", ("34", "37"), (15,)),
    ("Visa", ("4",), (13, 16, 19)),
    (
        "Mastercard",
        tuple(str(p) for p in range(51, 56)) + tuple(str(p) for p in range(22, 28)),
        (16,),
    ),
    ("Discover", ("6011", "65", "644", "645", "646", "647", "648", "649"), (16, 17, 18, 19)),
    ("JCB", ("35",), (16, 17, 18, 19)),
    ("Diners Club", ("300", "301", "302", "303", "304", "305", "36", "38"), (14, 15, 16, 19)),
    ("UnionPay", ("62",), (16, 17, 18, 19)),
    ("Maestro", ("50", "56", "57", "58", "63", "67"), tuple(range(12, 20))),
)


def detect(text: str) -> list[Detection]:
    """Every piece of personal data found in ``text`` (overlaps left to ``scan``).

    Numbers are looked for only in windows around runs of digits (``windows``), so that the
    cost of a text grows with the numbers in it, not its length."""
    found: list[Detection] = list(find_emails(text)) if "@" in text else []
    spans = windows(text)
    if not spans:
        return found
    for lo, hi in spans:
        for finder in _FINDERS:
            found.extend(finder(text, lo, hi))
    found.extend(find_ipv6(text))
    found.extend(dates.find_birth_dates(text))
    # Phones last: a digit run already known as a card, IBAN or id is not parsed again.
    taken = [(d.start, d.end) for d in found if d.confidence >= 0.5 and d.type in _CHECKED]
    for lo, hi in spans:
        found.extend(phones.find(text, taken, lo, hi))
    return found


def windows(text: str) -> list[tuple[int, int]]:
    """Where numbers are: each run of digits (with the separators and capitals that ids,
    IBANs and formatted numbers mix in), widened by ``_LEFT`` characters for what may lead
    ("+", "(", "GB82", a codice fiscale's six letters) and ``_RIGHT`` for what the patterns
    look at after it; overlapping windows merged. Empty for a text without digits."""
    spans: list[tuple[int, int]] = []
    for m in _CLUSTER.finditer(text):
        lo, hi = max(0, m.start() - _LEFT), min(len(text), m.end() + _RIGHT)
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def find_emails(text: str) -> Iterator[Detection]:
    if "@" not in text:
        return
    for m in _EMAIL.finditer(text):
        yield Detection("email", _PD, m.start(), m.end(), 0.95, "local part @ domain with a TLD")


def card_brand(digits: str) -> str | None:
    """The card network whose prefix and length the number has, or ``None``."""
    for brand, prefixes, lengths in _BRANDS:
        if digits.startswith(prefixes) and len(digits) in lengths:
            return brand
    return None


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check of ISO/IEC 7812-1."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def find_cards(text: str, lo: int = 0, hi: int | None = None) -> Iterator[Detection]:
    for m in _CARD.finditer(text, lo, len(text) if hi is None else hi):
        raw = m.group()
        if " " in raw and "-" in raw:
            continue  # mixed separators: a list of numbers, not one card
        digits = raw.replace(" ", "").replace("-", "")
        if not 13 <= len(digits) <= 19 or len(set(digits)) < 2 or not luhn_ok(digits):
            continue
        brand = card_brand(digits)
        context = near(text, m.start(), m.end(), _CARD_WORDS)
        if brand is None:
            confidence, why = (0.6 if context else 0.3), "passing Luhn, no known issuer prefix"
        else:
            confidence, why = (0.97 if context else 0.85), f"passing Luhn, {brand} prefix"
        reason = f"{len(digits)} digits {why}" + (", next to card words" if context else "")
        yield Detection("payment_card", _PD, m.start(), m.end(), confidence, reason)


def _iban_ok(candidate: str) -> bool:
    from stdnum import iban  # imported here: its country table loads on first use

    return bool(iban.is_valid(candidate))


def find_ibans(text: str, lo: int = 0, hi: int | None = None) -> Iterator[Detection]:
    for m in _IBAN.finditer(text, lo, len(text) if hi is None else hi):
        raw = m.group()
        # The pattern may run into a following word ("… 3000 BIC"): shorten at spaces.
        cuts = [len(raw)] + [i for i in range(len(raw) - 1, 14, -1) if raw[i] == " "]
        for cut in cuts:
            compact = raw[:cut].replace(" ", "")
            if len(compact) >= 15 and _iban_ok(compact):
                context = before(text, m.start(), _IBAN_WORDS)
                reason = f"IBAN with a valid mod-97 check ({compact[:2]})"
                confidence = 0.99 if context else 0.95
                yield Detection("iban", _PD, m.start(), m.start() + cut, confidence, reason)
                break


def find_ipv4(text: str, lo: int = 0, hi: int | None = None) -> Iterator[Detection]:
    for m in _IPV4.finditer(text, lo, len(text) if hi is None else hi):
        parts = m.group().split(".")
        if any(len(p) > 1 and p[0] == "0" for p in parts) or any(int(p) > 255 for p in parts):
            continue
        tail = text[max(0, m.start() - 12) : m.start()]
        if _VERSION_WORDS.search(tail):
            continue  # "version 1.2.3.4" is a version, not an address
        context = before(text, m.start(), _IP_WORDS)
        reason = "IPv4 address with valid octets" + (", next to address words" if context else "")
        yield Detection("ip_address", _PD, m.start(), m.end(), 0.9 if context else 0.75, reason)


def find_ipv6(text: str) -> Iterator[Detection]:
    if "::" not in text and text.count(":") < 7:
        return
    for m in _IPV6.finditer(text):
        raw = m.group()
        if len(raw) < 6 or raw.count(":") < 2:
            continue
        try:
            ipaddress.IPv6Address(raw)
        except ValueError:
            continue
        yield Detection("ip_address", _PD, m.start(), m.end(), 0.85, "IPv6 address")


_FINDERS: tuple[Callable[[str, int, int], Iterator[Detection]], ...] = (
    find_cards,
    find_ibans,
    find_ipv4,
    national_ids.find,
)
