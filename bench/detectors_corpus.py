"""The labelled corpus of the detectors' benchmark: prose with personal data, secrets and
look-alikes that are neither.

``corpus(n, seed)`` makes ``n`` documents of about 500 characters, deterministic for a seed.
Each document mixes neutral prose (support tickets, chat with an assistant, logs) with 0 to 3
labelled values (``detectors_values``: valid by their issuers' rules), written in sentences
that name them ("my IBAN is …") about half of the time and in sentences that don't ("send it
to …") otherwise, plus 0 to 2 hard negatives: numbers that fail their check, documented
example keys, UUIDs, git SHAs, versions, dates that are not birth dates. Labels are exact
character spans with aitower's type names. The templates were written before the benchmark
was run and were not changed after seeing either tool's results.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import detectors_values as v

PROSE = [
    "Thanks for the quick answer yesterday, the assistant solved most of it.",
    "The summary the model wrote was too long, so the user asked for a shorter one.",
    "We reviewed the onboarding flow with the team and agreed on the next steps.",
    "Please keep the tone friendly and avoid jargon when replying to customers.",
    "The deployment finished without errors and the dashboards look normal again.",
    "Could you translate the paragraph below into plain English for the newsletter?",
    "The meeting notes are attached; the action items are at the end of the page.",
    "I tried the new search feature and it found the right document on the first try.",
    "Der Kunde bittet um eine kurze Zusammenfassung des Vertrags bis Freitag.",
    "Le client souhaite recevoir la facture corrigée avant la fin du mois.",
    "La richiesta è stata inoltrata al reparto competente per una verifica.",
    "El asistente respondió correctamente pero tardó más de lo habitual.",
    "Latency went up around noon, then dropped back after the cache warmed.",
    "The retrieval step returned three passages and the answer cited two of them.",
    "Our policy says that answers must not include advice on medical dosage.",
    "Nobody could reproduce the issue on the staging system this morning.",
]

# (type, template): templates with a context word first, then neutral ones.
ENTITY: dict[str, tuple[Callable[[random.Random], str], list[str], list[str]]] = {
    "email": (v.email, ["My email is {v}.", "Contact: {v}"], ["Please forward it to {v} asap.", "cc {v} on the thread."]),
    "phone": (v.phone, ["You can call me on {v}.", "Phone: {v}", "Tel. {v}"], ["Reach Maria at {v} after five.", "{v} is the number on the form."]),
    "payment_card": (v.card, ["My credit card number is {v}.", "Card: {v}"], ["It was charged to {v} twice.", "Use {v} for the booking."]),
    "iban": (v.iban_value, ["IBAN: {v}", "Please transfer to account {v}."], ["Wire the deposit to {v} by Friday.", "Refund goes to {v}."]),
    "ip_address": (v.ipv4, ["Login from IP address {v} was blocked.", "server {v} timed out"], ["Requests from {v} spiked at noon.", "ping {v} returned nothing"]),
    "ipv6": (v.ipv6, ["The host address is {v}.", "client IP {v}"], ["Traffic came from {v} overnight."]),
    "date_of_birth": (v.birth_date, ["I was born on {v}.", "Date of birth: {v}", "DOB {v}", "Geburtsdatum: {v}"], ["Birthday: {v} (per the form)."]),
    "national_id.us_ssn": (v.us_ssn, ["My SSN is {v}.", "social security number {v}"], ["The form says {v} in box 3."]),
    "national_id.uk_nino": (v.uk_nino, ["National Insurance number: {v}", "NINO {v}"], ["Box 7 reads {v}."]),
    "national_id.de_tax_id": (v.de_tax_id, ["Meine Steuer-ID ist {v}.", "Steueridentifikationsnummer {v}"], ["Bitte {v} im Formular eintragen."]),
    "national_id.fr_nir": (v.fr_nir, ["Numéro de sécurité sociale : {v}", "NIR {v}"], ["Le numéro {v} figure sur la carte."]),
    "national_id.it_codice_fiscale": (v.it_codice_fiscale, ["Codice fiscale: {v}"], ["Intestato a {v} presso la filiale."]),
    "national_id.es_dni": (v.es_dni, ["Mi DNI es {v}.", "NIE {v}"], ["Titular: {v}, Madrid."]),
    "national_id.nl_bsn": (v.nl_bsn, ["Mijn BSN is {v}.", "burgerservicenummer {v}"], ["Nummer {v} staat op de pas."]),
    "national_id.in_aadhaar": (v.in_aadhaar, ["Aadhaar number {v}", "My Aadhaar is {v}."], ["Linked to {v} in the portal."]),
    "national_id.in_pan": (v.in_pan, ["PAN card {v}", "My PAN is {v}."], ["Filed under {v} last year."]),
    "secret.aws_access_key": (v.aws_access_key, ["aws_access_key_id = {v}", "AWS key {v}"], ["export KEY_ID={v}"]),
    "secret.aws_secret_key": (v.aws_secret_key, ["aws_secret_access_key = {v}", "AWS secret access key: {v}"], ["aws_secret_access_key={v}"]),
    "secret.github_token": (v.github_token, ["GITHUB_TOKEN={v}", "github token {v}"], ["git clone https://{v}@github.com/acme/app"]),
    "secret.gitlab_token": (v.gitlab_token, ["GitLab token: {v}"], ["curl --header 'PRIVATE-TOKEN: {v}' https://gitlab.example.com"]),
    "secret.slack_token": (v.slack_token, ["SLACK_BOT_TOKEN={v}"], ["the bot uses {v} for posting"]),
    "secret.stripe_key": (v.stripe_key, ["STRIPE_SECRET_KEY={v}"], ["stripe.api_key = '{v}'"]),
    "secret.openai_key": (v.openai_key, ["OPENAI_API_KEY={v}"], ["client = OpenAI(api_key=\"{v}\")"]),
    "secret.anthropic_key": (v.anthropic_key, ["ANTHROPIC_API_KEY={v}"], ["x-api-key: {v}"]),
    "secret.google_api_key": (v.google_api_key, ["GOOGLE_API_KEY={v}"], ["maps.js?key={v}&v=3"]),
    "secret.azure_storage_key": (v.azure_storage_key, ["DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={v};EndpointSuffix=core.windows.net"], ["AZURE_STORAGE_KEY={v}"]),
    "secret.private_key": (v.private_key, ["Here is the deploy key:\n{v}\n"], ["{v}\n"]),
    "secret.jwt": (v.jwt, ["Authorization: Bearer {v}"], ["session={v}; Path=/"]),
    "secret.generic_password_assignment": (v.password, ["password = {v}", "DB_PASSWORD={v}"], ["login with admin / {v} works"]),
}
TYPE_OF = {"ipv6": "ip_address"}



def _failing(r: random.Random, make: Callable[[random.Random], str], ok: Callable[[str], bool]) -> str:
    """A value from ``make`` that its check rejects (a look-alike, never a valid value)."""
    while True:
        value = make(r)
        if not ok(value):
            return value


def _not_luhn(r: random.Random) -> str:
    return _failing(r, lambda q: q.choice("3456") + v.pick(q, v.DIGITS, 15), v.luhn.is_valid)


def _not_iban(r: random.Random) -> str:
    return _failing(r, lambda q: "DE" + v.pick(q, v.DIGITS, 20), v.iban.is_valid)


NEGATIVES: list[Callable[[random.Random], str]] = [
    lambda r: f"Order {_not_luhn(r)} shipped today.",
    lambda r: f"Invoice {r.randint(100000000, 999999999)} is due next week.",
    lambda r: f"Reference {_not_iban(r)} was rejected by the bank.",
    lambda r: "aws_access_key_id = AKIAIOSFODNN7EXAMPLE (from the AWS docs)",
    lambda r: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    lambda r: "Set OPENAI_API_KEY=sk-your-key-here before running the script.",
    lambda r: f"Request id {r.randbytes(16).hex()[:8]}-{r.randbytes(2).hex()}-4{r.randbytes(2).hex()[1:]}-a{r.randbytes(2).hex()[1:]}-{r.randbytes(6).hex()}",
    lambda r: f"Fixed in commit {r.randbytes(20).hex()}.",
    lambda r: f"Upgrade to version {r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 30)}.{r.randint(0, 99)} first.",
    lambda r: f"The meeting is on {r.randint(1, 28):02d}.{r.randint(1, 12):02d}.{r.randint(2020, 2025)} at {r.randint(8, 17)}:30.",
    lambda r: f"Total: EUR {r.randint(1, 99)},{r.randint(100, 999)}.{r.randint(10, 99)} incl. VAT.",
    lambda r: f"Tracking number {v.pick(r, v.DIGITS, 12)} via DHL.",
    lambda r: f"Postcode {r.randint(10000, 99999)}, building {r.randint(1, 40)}.",
    lambda r: "password = ********",
]


@dataclass
class Document:
    text: str
    labels: list[tuple[int, int, str]] = field(default_factory=list)


def _document(rng: random.Random, target: int) -> Document:
    doc = Document("")
    pieces: list[tuple[str, str | None]] = []
    kinds = list(ENTITY)
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        kind = rng.choice(kinds)
        make, worded, plain = ENTITY[kind]
        template = rng.choice(worded if rng.random() < 0.5 else plain)
        pieces.append((template, TYPE_OF.get(kind, kind) + "\x00" + make(rng)))
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        pieces.append((rng.choice(NEGATIVES)(rng), None))
    while sum(len(p[0]) for p in pieces) < target:
        pieces.append((rng.choice(PROSE), None))
    rng.shuffle(pieces)
    for template, value in pieces:
        if doc.text:
            doc.text += rng.choice([" ", " ", "\n"])
        if value is None:
            doc.text += template
            continue
        kind, raw = value.split("\x00", 1)
        before, after = template.split("{v}")
        start = len(doc.text) + len(before)
        doc.text += before + raw + after
        doc.labels.append((start, start + len(raw), kind))
    return doc


def corpus(n: int = 2000, seed: int = 16, target: int = 480) -> list[Document]:
    """``n`` labelled documents of about ``target`` + one sentence characters."""
    rng = random.Random(seed)
    return [_document(rng, target) for _ in range(n)]
