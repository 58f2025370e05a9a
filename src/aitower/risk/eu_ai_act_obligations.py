"""EU AI Act obligations and application dates as data (``eu_ai_act_obligations.yaml``). Pure.

Why data: the Act's obligations, who owes them and from when change with amendments (the 2026
"Digital Omnibus on AI" moved the high-risk dates) and are checked line by line against the
text, so each sits in one reviewable file with its article and source, not in code. This module
loads and checks that file once, then answers one question: given the facts the classification
established about a system and the organisation's roles, which obligations apply and from when,
under the original timeline (Art. 113 as published) and under the amended one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

DATA_FILE = "eu_ai_act_obligations.yaml"
ROLES: tuple[str, ...] = (
    "provider",
    "deployer",
    "importer",
    "distributor",
    "product_manufacturer",
    "gpai_provider",
)
ROLE_TITLES: dict[str, str] = {
    "provider": "Provider",
    "deployer": "Deployer",
    "importer": "Importer",
    "distributor": "Distributor",
    "product_manufacturer": "Product manufacturer",
    "gpai_provider": "Provider of a general-purpose AI model",
}
# The facts the classification establishes (eu_ai_act.facts); "when" in the data uses them.
FACTS: frozenset[str] = frozenset(
    {
        "prohibited_original",
        "prohibited_amended",
        "not_prohibited",
        "rbi_exception",
        "high_act",
        "annex_i_section_a",
        "section_b_only",
        "route_annex_iii",
        "route_annex_i",
        "register_eu_public",
        "register_eu_secure",
        "register_national",
        "public_service_deployer",
        "annex_iii_decisions",
        "fria",
        "exempted",
        "minimal",
        "gpai",
        "gpai_not_open_source",
        "gpai_systemic",
        "interacts_with_people",
        "generates_synthetic_content",
        "emotion_or_biometric_categorisation",
        "deep_fakes",
        "public_interest_text",
    }
)
# "high_risk" is resolved per system: Annex III dates when an Annex III route applies (the
# earlier ones), Annex I dates otherwise.
ROUTE_TRACKS = ("high_risk_annex_iii", "high_risk_annex_i")


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    title: str
    url: str
    verified: bool


@dataclass(frozen=True, slots=True)
class Track:
    key: str
    title: str
    article: str
    original: dt.date | None  # None: not in the Act as published
    amended: dt.date | None
    amended_source: Source
    note: str = ""


@dataclass(frozen=True, slots=True)
class Obligation:
    id: str
    article: str
    text: str
    roles: tuple[str, ...]
    when: tuple[str, ...]
    track: str
    source: Source

    @property
    def verified(self) -> bool:
        return self.source.verified


@dataclass(frozen=True, slots=True)
class Amendment:
    id: str
    article: str
    text: str
    source: Source


@dataclass(frozen=True, slots=True)
class Catalog:
    version: str
    sources: dict[str, Source]
    tracks: dict[str, Track]
    obligations: tuple[Obligation, ...]
    amendments: tuple[Amendment, ...]


@dataclass(frozen=True, slots=True)
class Duty:
    """An obligation as it applies to one system: for whom, and from when."""

    obligation: Obligation
    roles: tuple[str, ...]  # the organisation's roles that owe it
    track: Track

    @property
    def id(self) -> str:
        return self.obligation.id

    @property
    def article(self) -> str:
        return self.obligation.article

    @property
    def text(self) -> str:
        return self.obligation.text

    @property
    def original(self) -> dt.date | None:
        return self.track.original

    @property
    def amended(self) -> dt.date | None:
        return self.track.amended

    @property
    def amended_verified(self) -> bool:
        return self.track.amended_source.verified

    def line(self) -> str:
        return f"{self.text} ({self.article})"


def _source(sources: dict[str, Source], key: Any, where: str) -> Source:
    if key not in sources:
        raise ValueError(f"{where}: unknown source {key!r}")
    return sources[key]


def _date(value: Any, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    raise ValueError(f"{where}: {value!r} is not a date")


def _obligation(
    raw: dict[str, Any], sources: dict[str, Source], tracks: Collection[str]
) -> Obligation:
    where = f"obligation {raw.get('id')!r}"
    roles, when = tuple(raw["roles"]), tuple(raw["when"])
    if not roles or set(roles) - set(ROLES):
        raise ValueError(f"{where}: roles must be among {ROLES}")
    if not when or set(when) - FACTS:
        raise ValueError(f"{where}: unknown facts {sorted(set(when) - FACTS)}")
    if raw["track"] not in tracks and raw["track"] != "high_risk":
        raise ValueError(f"{where}: unknown track {raw['track']!r}")
    return Obligation(
        id=str(raw["id"]),
        article=str(raw["article"]),
        text=str(raw["text"]),
        roles=roles,
        when=when,
        track=str(raw["track"]),
        source=_source(sources, raw.get("source", "act"), where),
    )


def parse(document: dict[str, Any]) -> Catalog:
    """The catalog from the YAML document, refusing unknown roles, facts, tracks and sources
    and duplicate ids (a typo in the data must fail the tests, not drop an obligation)."""
    sources = {
        key: Source(key, str(s["title"]), str(s["url"]), bool(s["verified"]))
        for key, s in document["sources"].items()
    }
    tracks = {
        key: Track(
            key=key,
            title=str(t["title"]),
            article=str(t["article"]),
            original=_date(t["original"], key),
            amended=_date(t["amended"], key),
            amended_source=_source(sources, t["amended_source"], key),
            note=str(t.get("note", "")),
        )
        for key, t in document["tracks"].items()
    }
    obligations = tuple(_obligation(o, sources, tracks) for o in document["obligations"])
    amendments = tuple(
        Amendment(
            str(a["id"]), str(a["article"]), str(a["text"]), _source(sources, a["source"], a["id"])
        )
        for a in document["amendments"]
    )
    ids = [o.id for o in obligations] + [a.id for a in amendments]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate obligation or amendment ids")
    return Catalog(str(document["version"]), sources, tracks, obligations, amendments)


@cache
def catalog() -> Catalog:
    """The packaged catalog, loaded once."""
    text = resources.files("aitower.risk").joinpath(DATA_FILE).read_text("utf-8")
    return parse(yaml.safe_load(text))


def _track(obligation: Obligation, facts: Collection[str], tracks: dict[str, Track]) -> Track:
    if obligation.track != "high_risk":
        return tracks[obligation.track]
    route = "high_risk_annex_iii" if "route_annex_iii" in facts else "high_risk_annex_i"
    return tracks[route]


def duties(
    facts: Collection[str], roles: Iterable[str], data: Catalog | None = None
) -> tuple[Duty, ...]:
    """The obligations whose conditions all hold and that bind one of ``roles``, in the data's
    order, each with its application dates for this system."""
    found = data or catalog()
    mine = set(roles)
    result = []
    for obligation in found.obligations:
        owed = tuple(r for r in obligation.roles if r in mine)
        if owed and all(f in facts for f in obligation.when):
            result.append(Duty(obligation, owed, _track(obligation, facts, found.tracks)))
    return tuple(result)


def by_article(article: str, data: Catalog | None = None) -> tuple[Obligation, ...]:
    """Obligations citing ``article`` or one of its paragraphs ("Art. 26" finds "Art. 26(6)"),
    for crosswalks that map by article."""
    found = data or catalog()
    return tuple(
        o
        for o in found.obligations
        if o.article == article or o.article.startswith((f"{article}(", f"{article},"))
    )
