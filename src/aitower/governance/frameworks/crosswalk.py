"""Crosswalks as data: which items of one framework answer an item of another, and who says so.

A link joins two references (``framework:item``) and names its source: NIST's published AI RMF
to ISO/IEC 42001 crosswalk, or ``aitower`` where the mapping is our own reading (the EU AI Act
articles). Links are read both ways: an article shows its NIST subcategories and ISO controls,
and a control shows the articles and subcategories that lead to it. Pure: no storage, no web.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

EU_AI_ACT = "eu-ai-act"
NIST_AI_RMF = "nist-ai-rmf-1.0"
ISO_42001 = "iso-iec-42001-2023"
# An article of Regulation (EU) 2024/1689 as aitower cites it: "Art. 9", "Art. 26".
ARTICLE = re.compile(r"^Art\. [1-9][0-9]{0,2}$")


@dataclass(frozen=True, slots=True, order=True)
class Ref:
    framework: str
    item: str

    def __str__(self) -> str:
        return f"{self.framework}:{self.item}"


@dataclass(frozen=True, slots=True)
class Link:
    """``origin`` maps to ``target`` on the word of ``source`` (a key of ``Crosswalks.sources``)."""

    origin: Ref
    target: Ref
    source: str

    def seen_from(self, ref: Ref) -> Link:
        """The link oriented so that ``ref`` is its origin (links are read both ways)."""
        return self if self.origin == ref else Link(self.target, self.origin, self.source)


@dataclass(frozen=True, slots=True)
class Article:
    article: str
    title: str
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CrosswalkSource:
    key: str
    document: str
    url: str


@dataclass(frozen=True, slots=True)
class Crosswalks:
    links: tuple[Link, ...]
    articles: Mapping[str, Article]  # "Art. 9" -> its heading and the roles it binds
    sources: Mapping[str, CrosswalkSource]

    def related(self, ref: Ref) -> tuple[Link, ...]:
        """Every link touching ``ref``, oriented from it, ordered by framework then item."""
        found = {link.seen_from(ref) for link in self.links if ref in (link.origin, link.target)}
        return tuple(sorted(found, key=lambda k: (k.target.framework, _natural(k.target.item))))


def _natural(item: str) -> tuple[Any, ...]:
    """Sort "A.6.2.10" after "A.6.2.9" and "MEASURE 2.10" after "MEASURE 2.9"."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", item))


def crosswalks_from_document(document: Mapping[str, Any]) -> Crosswalks:
    """The packaged crosswalk file as links; malformed data raises ValueError (a packaging bug)."""
    sources = {
        key: CrosswalkSource(key, " ".join(str(v["document"]).split()), str(v.get("url", "")))
        for key, v in document["sources"].items()
    }
    links: list[Link] = []
    nist_to_iso = document["nist_to_iso"]
    for subcategory, controls in nist_to_iso["links"].items():
        origin = Ref(NIST_AI_RMF, str(subcategory))
        links.extend(Link(origin, Ref(ISO_42001, str(c)), nist_to_iso["source"]) for c in controls)
    eu = document["eu_ai_act"]
    articles: dict[str, Article] = {}
    for entry in eu["articles"]:
        name = str(entry["article"])
        if not ARTICLE.match(name) or name in articles:
            raise ValueError(f"crosswalk: bad or repeated article {name!r}")
        articles[name] = Article(name, str(entry["title"]), tuple(entry["roles"]))
        source = str(entry.get("source", eu["source"]))
        origin = Ref(EU_AI_ACT, name)
        links.extend(Link(origin, Ref(NIST_AI_RMF, str(s)), source) for s in entry["nist"])
        links.extend(Link(origin, Ref(ISO_42001, str(c)), source) for c in entry["iso"])
    unknown = {link.source for link in links} - set(sources)
    if unknown:
        raise ValueError(f"crosswalk: links cite unknown sources {sorted(unknown)}")
    return Crosswalks(tuple(links), articles, sources)


def dangling(crosswalks: Crosswalks, known: Mapping[str, Iterable[str]]) -> list[str]:
    """References no catalog holds (``known``: framework id -> its item ids); empty when sound."""
    ids = {framework: set(items) for framework, items in known.items()}
    ids[EU_AI_ACT] = set(crosswalks.articles)
    missing = []
    for link in crosswalks.links:
        for ref in (link.origin, link.target):
            if ref.item not in ids.get(ref.framework, set()):
                missing.append(str(ref))
    return sorted(set(missing))
