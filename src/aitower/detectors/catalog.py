"""Every detection type aitower knows, once: its name, category, title and what it catches.

Callers (the scan's ``types`` filter, redaction's labels, the pages that list findings, the
policy a system sets per type) read names from here, so a type is added in one place. The
names ``injection`` and ``injection.*`` are reserved for the prompt-injection detector.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from aitower.detectors.detection import Category

_P = Category.personal_data
_S = Category.secret


@dataclass(frozen=True, slots=True)
class DetectionType:
    """One kind of finding. ``label`` is what a dropped value becomes: ``[EMAIL]``."""

    name: str
    category: Category
    title: str
    description: str

    @property
    def label(self) -> str:
        return self.title.upper()


RESERVED_PREFIXES = ("injection",)

TYPES: tuple[DetectionType, ...] = (
    DetectionType("email", _P, "Email", "An email address (local part, @, a domain with a TLD)."),
    DetectionType("phone", _P, "Phone", "A phone number that is valid in its numbering plan."),
    DetectionType("payment_card", _P, "Payment card", "A 13 to 19 digit card number passing Luhn."),
    DetectionType("iban", _P, "IBAN", "An international bank account number (mod-97 check)."),
    DetectionType("ip_address", _P, "IP address", "An IPv4 or IPv6 address."),
    DetectionType("date_of_birth", _P, "Date of birth", "A date said to be a birth date."),
    DetectionType(
        "national_id.us_ssn", _P, "US SSN", "A US Social Security number in its valid ranges."
    ),
    DetectionType(
        "national_id.uk_nino", _P, "UK NINO", "A UK National Insurance number (AB123456C)."
    ),
    DetectionType(
        "national_id.de_tax_id", _P, "DE tax ID", "A German Steuer-IdNr (11 digits, mod 11,10)."
    ),
    DetectionType(
        "national_id.fr_nir", _P, "FR NIR", "A French social security number (NIR, mod-97 key)."
    ),
    DetectionType(
        "national_id.it_codice_fiscale", _P, "IT codice fiscale", "An Italian fiscal code."
    ),
    DetectionType("national_id.es_dni", _P, "ES DNI", "A Spanish DNI or NIE with its letter."),
    DetectionType("national_id.nl_bsn", _P, "NL BSN", "A Dutch BSN passing the 11-test."),
    DetectionType(
        "national_id.in_aadhaar", _P, "IN Aadhaar", "An Indian Aadhaar number (Verhoeff)."
    ),
    DetectionType("national_id.in_pan", _P, "IN PAN", "An Indian Permanent Account Number."),
    DetectionType(
        "secret.aws_access_key", _S, "AWS access key", "An AWS access key id (AKIA…, ASIA…)."
    ),
    DetectionType(
        "secret.aws_secret_key",
        _S,
        "AWS secret key",
        "A 40-character AWS secret access key next to words that name it.",
    ),
    DetectionType(
        "secret.github_token", _S, "GitHub token", "A GitHub token (ghp_, gho_, github_pat_ …)."
    ),
    DetectionType("secret.gitlab_token", _S, "GitLab token", "A GitLab token (glpat- …)."),
    DetectionType(
        "secret.slack_token", _S, "Slack token", "A Slack token (xoxb- …) or webhook URL."
    ),
    DetectionType("secret.stripe_key", _S, "Stripe key", "A Stripe secret or restricted key."),
    DetectionType("secret.openai_key", _S, "OpenAI key", "An OpenAI API key (sk-, sk-proj-)."),
    DetectionType("secret.anthropic_key", _S, "Anthropic key", "An Anthropic key (sk-ant-)."),
    DetectionType("secret.google_api_key", _S, "Google API key", "A Google API key (AIza…)."),
    DetectionType(
        "secret.azure_storage_key",
        _S,
        "Azure storage key",
        "An Azure storage account key, alone next to its name or in a connection string.",
    ),
    DetectionType("secret.private_key", _S, "Private key", "A PEM or OpenSSH private key block."),
    DetectionType("secret.jwt", _S, "JWT", "A JSON Web Token (three base64url parts)."),
    DetectionType(
        "secret.generic_password_assignment",
        _S,
        "Password",
        "A value assigned to password, passwd, secret or token in text or config.",
    ),
)

_BY_NAME = MappingProxyType({t.name: t for t in TYPES})
CATEGORY_OF = MappingProxyType({t.name: t.category for t in TYPES})


def get(name: str) -> DetectionType:
    """The type called ``name``; ``KeyError`` for a name nobody defined."""
    return _BY_NAME[name]


def is_reserved(name: str) -> bool:
    """Whether ``name`` belongs to a detector defined elsewhere (``injection``, ``injection.*``)."""
    return any(name == p or name.startswith(p + ".") for p in RESERVED_PREFIXES)
