"""A framework as data: a named, versioned, sourced tree of items (functions, clauses, controls).

One document shape serves the frameworks aitower ships (NIST AI RMF 1.0, ISO/IEC 42001:2023
Annex A, in ``data/``) and those an organisation imports (its own standard, a sector code): the
same parser checks both, so a packaged catalog cannot drift from the documented schema
(``docs/frameworks.md``). A bad document is refused with the path of the offending value
(``items[3].parent``), as policies are. This module is pure: no storage, no web.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from aitower.core.errors import InvalidInput

# Framework ids appear in URLs and in crosswalk references ("nist-ai-rmf-1.0:GOVERN 1.1").
FRAMEWORK_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# Item ids are as the framework writes them ("GOVERN 1.1", "A.6.2.6", "Art. 9"); a colon would
# make a crosswalk reference ambiguous, and line breaks have no place in an identifier.
ITEM_ID = re.compile(r"^[^\s:][^:\r\n\t]{0,62}[^\s:]$|^[^\s:]$")
KIND = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
# A crosswalk reference: "framework:item", e.g. "nist-ai-rmf-1.0:GOVERN 2.1" or "eu-ai-act:Art. 9".
REFERENCE = re.compile(r"^([a-z0-9][a-z0-9._-]{1,63}):(\S(?:.{0,62}\S)?)$")
MAX_ITEMS = 5000
MAX_MAPS = 50
MAX_SOURCE_CHARS = 2_000_000

_TOP = ("id", "name", "version", "source", "description", "items")
_SOURCE = ("document", "url", "publisher", "license")
_ITEM = ("id", "title", "text", "parent", "kind", "source", "maps_to")
_LIMITS = {
    "name": 200,
    "version": 40,
    "description": 2000,
    "document": 500,
    "url": 500,
    "publisher": 200,
    "license": 500,
    "title": 300,
    "text": 5000,
    "kind": 32,
    "item_source": 300,
}


@dataclass(frozen=True, slots=True)
class Source:
    """Where a framework's wording comes from: the document, and who may reuse it how."""

    document: str
    url: str = ""
    publisher: str = ""
    license: str = ""


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    title: str
    text: str
    parent: str | None
    kind: str
    source: str  # where in the document, e.g. "NIST AI 100-1, Table 1"
    # Crosswalk of an imported item to shipped ones ("nist-ai-rmf-1.0:GOVERN 2.1"), by its author.
    maps_to: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The title, or the text cut at its first sentence when the item has no title."""
        if self.title:
            return self.title
        head = self.text.split(". ", 1)[0]
        return head if len(head) <= 160 else head[:157] + "…"


@dataclass(frozen=True, slots=True)
class Node:
    item: Item
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Framework:
    id: str
    name: str
    version: str
    source: Source
    description: str
    items: tuple[Item, ...]
    builtin: bool = False
    _index: Mapping[str, Item] = field(default_factory=dict, compare=False, repr=False)

    def item(self, item_id: str) -> Item | None:
        return self._index.get(item_id)

    def children(self, parent: str | None) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.parent == parent)

    def counts(self) -> dict[str, int]:
        """Items per kind, kinds in the order they first appear (functions before categories)."""
        found: dict[str, int] = {}
        for i in self.items:
            found[i.kind] = found.get(i.kind, 0) + 1
        return found

    def tree(self) -> tuple[Node, ...]:
        """The items as a forest, each level in document order."""
        below: dict[str | None, list[Item]] = {}
        for i in self.items:
            below.setdefault(i.parent, []).append(i)

        def grow(item: Item) -> Node:
            return Node(item, tuple(grow(c) for c in below.get(item.id, ())))

        return tuple(grow(root) for root in below.get(None, ()))

    def to_document(self) -> dict[str, Any]:
        """The canonical document (what is stored, and what parses back to this framework)."""
        source = {k: getattr(self.source, k) for k in _SOURCE if getattr(self.source, k)}
        items = []
        for i in self.items:
            entry: dict[str, Any] = {"id": i.id}
            for key in ("title", "text", "parent", "kind", "source"):
                value = getattr(i, key)
                if value:
                    entry[key] = value
            if i.maps_to:
                entry["maps_to"] = list(i.maps_to)
            items.append(entry)
        doc: dict[str, Any] = {"id": self.id, "name": self.name, "version": self.version}
        doc["source"] = source
        if self.description:
            doc["description"] = self.description
        doc["items"] = items
        return doc


def parse_framework(source: str, *, builtin: bool = False) -> Framework:
    """A framework from its YAML text; YAML errors name the line, schema errors the field."""
    if len(source) > MAX_SOURCE_CHARS:
        raise InvalidInput.on("source", f"at most {MAX_SOURCE_CHARS} characters")
    try:
        document = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise InvalidInput.on("source", f"{where}{problem}") from None
    return framework_from_document(document, builtin=builtin)


def framework_from_document(document: Any, *, builtin: bool = False) -> Framework:
    """A framework from its parsed document (a mapping), checked field by field."""
    if not isinstance(document, Mapping):
        raise InvalidInput.on("source", "a framework is a YAML mapping with id, name, items ...")
    _no_unknown(document, _TOP, "")
    framework_id = _required_text(document, "id", "id", 64)
    if not FRAMEWORK_ID.match(framework_id):
        raise InvalidInput.on(
            "id", "2 to 64 lowercase letters, digits, '.', '_' or '-', starting with one of a-z0-9"
        )
    _refuse_number(document.get("version"), "version")
    items = _items(document.get("items"))
    return Framework(
        id=framework_id,
        name=_required_text(document, "name", "name", _LIMITS["name"]),
        version=_required_text(document, "version", "version", _LIMITS["version"]),
        source=_source(document.get("source")),
        description=_optional_text(document, "description", "description", _LIMITS["description"]),
        items=items,
        builtin=builtin,
        _index={i.id: i for i in items},
    )


def _refuse_number(value: Any, path: str) -> None:
    # YAML reads 1.10 as the number 1.1: guessing the text back would change the identifier.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise InvalidInput.on(path, f'quote it, as YAML reads {value} as a number: "{value}"')


def _no_unknown(mapping: Mapping[Any, Any], allowed: tuple[str, ...], prefix: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise InvalidInput.on(
                f"{prefix}{key}", f"unknown field; expected one of {', '.join(allowed)}"
            )


def _required_text(mapping: Mapping[Any, Any], key: str, path: str, limit: int) -> str:
    if mapping.get(key) is None:
        raise InvalidInput.on(path, "required")
    text = _optional_text(mapping, key, path, limit)
    if not text:
        raise InvalidInput.on(path, "must not be empty")
    return text


def _optional_text(mapping: Mapping[Any, Any], key: str, path: str, limit: int) -> str:
    value = mapping.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput.on(path, "must be a string")
    value = value.strip()
    if len(value) > limit:
        raise InvalidInput.on(path, f"at most {limit} characters")
    if "\x00" in value:
        raise InvalidInput.on(path, "must not contain NUL")
    return value


def _source(value: Any) -> Source:
    if value is None:
        raise InvalidInput.on("source", "required: where the framework comes from (document)")
    if not isinstance(value, Mapping):
        raise InvalidInput.on("source", "a mapping with document and optionally url, publisher")
    _no_unknown(value, _SOURCE, "source.")
    url = _optional_text(value, "url", "source.url", _LIMITS["url"])
    if url and not url.startswith(("https://", "http://")):
        raise InvalidInput.on("source.url", "an http(s) address")
    return Source(
        document=_required_text(value, "document", "source.document", _LIMITS["document"]),
        url=url,
        publisher=_optional_text(value, "publisher", "source.publisher", _LIMITS["publisher"]),
        license=_optional_text(value, "license", "source.license", _LIMITS["license"]),
    )


def _items(value: Any) -> tuple[Item, ...]:
    if value is None:
        raise InvalidInput.on("items", "required: the framework's items")
    if not isinstance(value, list) or not value:
        raise InvalidInput.on("items", "a non-empty list of items")
    if len(value) > MAX_ITEMS:
        raise InvalidInput.on("items", f"at most {MAX_ITEMS} items")
    items: list[Item] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(value):
        item = _item(raw, f"items[{n}]")
        if item.id in seen:
            raise InvalidInput.on(
                f"items[{n}].id", f"duplicate id {item.id!r} (also items[{seen[item.id]}])"
            )
        seen[item.id] = n
        items.append(item)
    _check_parents(items, seen)
    return tuple(items)


def _item(raw: Any, path: str) -> Item:
    if not isinstance(raw, Mapping):
        raise InvalidInput.on(path, "an item is a mapping with id and title or text")
    _no_unknown(raw, _ITEM, f"{path}.")
    _refuse_number(raw.get("id"), f"{path}.id")
    item_id = _required_text(raw, "id", f"{path}.id", 64)
    if not ITEM_ID.match(item_id):
        raise InvalidInput.on(f"{path}.id", "1 to 64 characters, no ':', tab or line break")
    title = _optional_text(raw, "title", f"{path}.title", _LIMITS["title"])
    text = _optional_text(raw, "text", f"{path}.text", _LIMITS["text"])
    if not title and not text:
        raise InvalidInput.on(f"{path}.title", "an item needs a title, a text or both")
    kind = _optional_text(raw, "kind", f"{path}.kind", _LIMITS["kind"]) or "item"
    if not KIND.match(kind):
        raise InvalidInput.on(f"{path}.kind", "a lowercase word such as control or clause")
    parent = _optional_text(raw, "parent", f"{path}.parent", 64) or None
    where = _optional_text(raw, "source", f"{path}.source", _LIMITS["item_source"])
    return Item(item_id, title, text, parent, kind, where, _maps_to(raw.get("maps_to"), path))


def _maps_to(value: Any, path: str) -> tuple[str, ...]:
    """The item's crosswalk references, well-formed; whether they exist is the caller's check."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InvalidInput.on(f"{path}.maps_to", "a list of references such as 'eu-ai-act:Art. 9'")
    if len(value) > MAX_MAPS:
        raise InvalidInput.on(f"{path}.maps_to", f"at most {MAX_MAPS} references")
    found: list[str] = []
    for n, ref in enumerate(value):
        if not isinstance(ref, str) or not REFERENCE.match(" ".join(ref.split())):
            raise InvalidInput.on(
                f"{path}.maps_to[{n}]", "framework:item, e.g. 'nist-ai-rmf-1.0:GOVERN 2.1'"
            )
        if " ".join(ref.split()) not in found:
            found.append(" ".join(ref.split()))
    return tuple(found)


def _check_parents(items: list[Item], position: Mapping[str, int]) -> None:
    by_id = {i.id: i for i in items}
    for n, item in enumerate(items):
        if item.parent is None:
            continue
        if item.parent not in by_id:
            raise InvalidInput.on(
                f"items[{n}].parent", f"no item with id {item.parent!r} in this framework"
            )
        # Walk up: a chain longer than the item count has come back on itself.
        seen = {item.id}
        up = by_id[item.parent]
        while True:
            if up.id in seen:
                raise InvalidInput.on(
                    f"items[{n}].parent",
                    f"{item.id!r} would be its own ancestor (through items[{position[up.id]}])",
                )
            seen.add(up.id)
            if up.parent is None:
                break
            up = by_id[up.parent]
