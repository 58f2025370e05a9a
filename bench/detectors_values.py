"""Values for the detectors' benchmark corpus: valid by the rules of their issuers.

Each generator draws from ``random.Random`` (so the corpus is deterministic) and computes check
digits with python-stdnum, ``phonenumbers`` and hand-written formulas (Luhn, the GitHub
CRC32), so that a value is what its issuer would hand out, not what a detector accepts.
Formats vary as people write them (grouped, compact, with dashes).
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib

import phonenumbers
from stdnum import iban, luhn, verhoeff
from stdnum.es import dni
from stdnum.iso7064 import mod_11_10
from stdnum.it import codicefiscale
from stdnum.nl import bsn

UPPER, DIGITS = string.ascii_uppercase, string.digits
ALNUM = string.ascii_letters + string.digits
B62 = DIGITS + string.ascii_uppercase + string.ascii_lowercase
FIRST = ["jane", "omar", "li", "sofia", "lukas", "amelie", "marco", "ana", "pieter", "priya"]
LAST = ["doe", "haddad", "wang", "rossi", "schmidt", "dubois", "garcia", "jansen", "sharma"]
DOMAINS = ["example.com", "mail.de", "corp.io", "outlook.fr", "uni-bonn.de", "acme.co.uk"]


def pick(rng: random.Random, chars: str, n: int) -> str:
    return "".join(rng.choice(chars) for _ in range(n))


def email(rng: random.Random) -> str:
    sep = rng.choice([".", "_", ""])
    return f"{rng.choice(FIRST)}{sep}{rng.choice(LAST)}{rng.randint(0, 99) if rng.random() < 0.3 else ''}@{rng.choice(DOMAINS)}"


def phone(rng: random.Random) -> str:
    while True:  # a region's example number with its last 4 digits drawn, until valid
        region = rng.choice(["US", "GB", "DE", "FR", "IT", "ES", "NL", "IN"])
        kind = rng.choice([phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE])
        example = phonenumbers.example_number_for_type(region, kind)
        assert example is not None
        national = str(example.national_number)
        national = national[:-4] + pick(rng, DIGITS, 4)
        number = phonenumbers.parse(f"+{example.country_code}{national}", None)
        if phonenumbers.is_valid_number(number):
            break
    fmt = rng.choice(
        [phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.E164]
    )
    return phonenumbers.format_number(number, fmt)


CARD_PREFIXES = [("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15), ("6011", 16), ("3528", 16)]


def card(rng: random.Random) -> str:
    prefix, length = rng.choice(CARD_PREFIXES)
    body = prefix + pick(rng, DIGITS, length - len(prefix) - 1)
    number = body + luhn.calc_check_digit(body)
    style = rng.random()
    if style < 0.4 or length == 15:
        return number if style < 0.7 else f"{number[:4]} {number[4:10]} {number[10:]}"
    sep = " " if style < 0.8 else "-"
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


IBAN_BBAN = {"DE": "18n", "GB": "4a14n", "NL": "4a10n", "ES": "20n", "IT": "1a22n", "FR": "23n", "BE": "12n", "AT": "16n", "CH": "17n", "PL": "24n"}


def _bban(rng: random.Random, spec: str) -> str:
    out, number = "", ""
    for ch in spec:
        if ch.isdigit():
            number += ch
        else:
            out += pick(rng, UPPER if ch == "a" else DIGITS, int(number))
            number = ""
    return out


def iban_value(rng: random.Random) -> str:
    while True:
        country = rng.choice(list(IBAN_BBAN))
        bban = _bban(rng, IBAN_BBAN[country])
        value = country + iban.calc_check_digits(bban + country + "00") + bban
        if iban.is_valid(value):
            break
    if rng.random() < 0.5:
        return value
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def ipv4(rng: random.Random) -> str:
    first = rng.choice([rng.randint(1, 223), 10, 172, 192])
    return ".".join(str(x) for x in (first, rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254)))


def ipv6(rng: random.Random) -> str:
    groups = [f"{rng.randint(0, 0xFFFF):x}" for _ in range(8)]
    if rng.random() < 0.5:
        return "2001:db8::" + ":".join(groups[:3])
    return ":".join(groups)


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def birth_date(rng: random.Random) -> str:
    y, m, d = rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice([f"{d:02d}.{m:02d}.{y}", f"{y}-{m:02d}-{d:02d}", f"{m:02d}/{d:02d}/{y}", f"{MONTHS[m - 1]} {d}, {y}", f"{d} {MONTHS[m - 1]} {y}"])


def us_ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def uk_nino(rng: random.Random) -> str:
    first, second = "ABCEGHJKLMNOPRSTWXYZ", "ABCEGHJKLMNPRSTWXYZ"
    while True:
        prefix = rng.choice(first) + rng.choice(second)
        if prefix not in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            break
    digits = pick(rng, DIGITS, 6)
    suffix = rng.choice("ABCD")
    if rng.random() < 0.5:
        return f"{prefix}{digits}{suffix}"
    return f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"


def de_tax_id(rng: random.Random) -> str:
    digits = rng.sample(DIGITS, 9)
    while digits[0] == "0":
        rng.shuffle(digits)
    digits.insert(rng.randint(1, 9), rng.choice(digits))
    body = "".join(digits)
    value = body + mod_11_10.calc_check_digit(body)
    return value if rng.random() < 0.6 else f"{value[:2]} {value[2:5]} {value[5:8]} {value[8:]}"


def fr_nir(rng: random.Random) -> str:
    body = f"{rng.choice('12')}{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 95):02d}{rng.randint(1, 990):03d}{rng.randint(1, 999):03d}"
    key = 97 - int(body) % 97
    value = f"{body}{key:02d}"
    if rng.random() < 0.5:
        return value
    return f"{value[0]} {value[1:3]} {value[3:5]} {value[5:7]} {value[7:10]} {value[10:13]} {value[13:]}"


def it_codice_fiscale(rng: random.Random) -> str:
    day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
    body = pick(rng, "BCDFGLMNPRSTVZ", 6) + f"{rng.randint(40, 99):02d}" + rng.choice("ABCDEHLMPRST") + f"{day:02d}" + rng.choice("ABCDEFGHILMZ") + pick(rng, DIGITS, 3)
    return body + codicefiscale.calc_check_digit(body)


def es_dni(rng: random.Random) -> str:
    if rng.random() < 0.7:
        body = pick(rng, DIGITS, 8)
        return body + dni.calc_check_digit(body)
    lead = rng.choice("XYZ")
    body = pick(rng, DIGITS, 7)
    return lead + body + dni.calc_check_digit(str("XYZ".index(lead)) + body)


def nl_bsn(rng: random.Random) -> str:
    while True:
        value = pick(rng, DIGITS, 9)
        if value[0] != "0" and bsn.is_valid(value):
            return value


def in_aadhaar(rng: random.Random) -> str:
    body = rng.choice("23456789") + pick(rng, DIGITS, 10)
    value = body + verhoeff.calc_check_digit(body)
    return value if rng.random() < 0.4 else f"{value[:4]} {value[4:8]} {value[8:]}"


def in_pan(rng: random.Random) -> str:
    return pick(rng, UPPER, 3) + rng.choice("PCHFATBLJG") + pick(rng, UPPER, 1) + pick(rng, DIGITS, 4) + pick(rng, UPPER, 1)


def aws_access_key(rng: random.Random) -> str:
    return rng.choice(["AKIA", "ASIA"]) + pick(rng, UPPER + "234567", 16)


def aws_secret_key(rng: random.Random) -> str:
    return pick(rng, ALNUM + "/+", 40)


def github_token(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return f"github_pat_{pick(rng, ALNUM, 22)}_{pick(rng, ALNUM, 59)}"
    body = pick(rng, ALNUM, 30)
    crc, check = zlib.crc32(body.encode()), ""
    while crc:
        crc, r = divmod(crc, 62)
        check = B62[r] + check
    return rng.choice(["ghp_", "gho_", "ghs_"]) + body + check.rjust(6, "0")


def gitlab_token(rng: random.Random) -> str:
    return "glpat-" + pick(rng, ALNUM + "-_", 20)


def slack_token(rng: random.Random) -> str:
    return f"xoxb-{pick(rng, DIGITS, 12)}-{pick(rng, DIGITS, 13)}-{pick(rng, ALNUM, 24)}"


def stripe_key(rng: random.Random) -> str:
    return rng.choice(["sk_live_", "rk_live_", "sk_test_"]) + pick(rng, ALNUM, 24)


def openai_key(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "sk-proj-" + pick(rng, ALNUM + "-_", 74) + "T3BlbkFJ" + pick(rng, ALNUM + "-_", 74)
    return "sk-" + pick(rng, ALNUM, 20) + "T3BlbkFJ" + pick(rng, ALNUM, 20)


def anthropic_key(rng: random.Random) -> str:
    return "sk-ant-api03-" + pick(rng, ALNUM + "-_", 93) + "AA"


def google_api_key(rng: random.Random) -> str:
    return "AIza" + pick(rng, ALNUM + "-_", 35)


def azure_storage_key(rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(64)).decode()


def private_key(rng: random.Random) -> str:
    body = base64.b64encode(rng.randbytes(96)).decode()
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    kind = rng.choice(["RSA ", "EC ", "OPENSSH ", ""])
    return f"-----BEGIN {kind}PRIVATE KEY-----\n{lines}\n-----END {kind}PRIVATE KEY-----"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(rng: random.Random) -> str:
    header = _b64url(json.dumps({"alg": rng.choice(["HS256", "RS256"]), "typ": "JWT"}).encode())
    payload = _b64url(json.dumps({"sub": pick(rng, DIGITS, 8), "iat": rng.randint(1.6e9, 1.8e9)}).encode())
    return f"{header}.{payload}.{_b64url(rng.randbytes(32))}"


def password(rng: random.Random) -> str:
    return pick(rng, ALNUM, rng.randint(6, 10)) + rng.choice("!#%&*$") + pick(rng, DIGITS, 2)
