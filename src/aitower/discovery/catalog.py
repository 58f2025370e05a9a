"""The catalog of AI services: a versioned data file shipped in the package (``data/catalog.yaml``).

Each entry says how to recognise a service in traffic (host suffixes, optional path prefixes,
a regular expression reading the model from a path) and on card statements (merchant
descriptors), what its vendor's terms say about data use, and the sanction status it starts
with. Loaded once with PyYAML, checked with pydantic
(a broken file fails loudly at first use, naming the entry), and cached. The organisation's
own entries live in the database (``catalog_service``) and are merged there.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aitower.discovery.expenses_match import normalise_merchant
from aitower.discovery.sanction import DEFAULT_STATUSES, SanctionStatus

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
HOST_RE = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$"
)


class Category(StrEnum):
    model_api = "model_api"
    chat_assistant = "chat_assistant"
    coding_assistant = "coding_assistant"
    meeting_assistant = "meeting_assistant"
    writing_assistant = "writing_assistant"
    image_video = "image_video"
    browser_ai = "browser_ai"
    other = "other"


class CatalogEntry(BaseModel):
    """One AI service and how to recognise it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str = Field(min_length=1, max_length=200)
    vendor: str = Field(min_length=1, max_length=200)
    category: Category
    hosts: tuple[str, ...] = Field(min_length=1, max_length=50)
    paths: tuple[str, ...] = ()
    model_from_path: str | None = None
    data_use: str = Field(default="", max_length=2000)
    # What the vendor's terms say for an individual sign-up; None: not established.
    trains_on_customer_data: bool | None = None
    default_sanction: SanctionStatus = SanctionStatus.under_review
    source: str = Field(pattern=r"^https?://\S+$", max_length=500)
    # Card statement descriptors naming the service (``OPENAI *CHATGPT SUBSCR``), kept
    # normalised (``expenses_match.normalise_merchant``); expense exports are matched by them.
    merchants: tuple[str, ...] = Field(default=(), max_length=50)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_RE.match(value):
            raise ValueError("lower-case letters, digits and '-', 2 to 64 characters")
        return value

    @field_validator("hosts")
    @classmethod
    def _hosts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        hosts = tuple(h.strip().lower().lstrip(".") for h in value)
        for host in hosts:
            if not HOST_RE.match(host):
                raise ValueError(f"{host!r} is not a domain name")
        return hosts

    @field_validator("paths")
    @classmethod
    def _paths(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for path in value:
            if not path.startswith("/") or len(path) > 200:
                raise ValueError(
                    f"{path!r}: a path prefix starts with '/' (200 characters at most)"
                )
        return value

    @field_validator("merchants")
    @classmethod
    def _merchants(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        found = tuple(normalise_merchant(m) for m in value)
        for raw, made in zip(value, found, strict=True):
            if not made or len(raw) > 100:
                raise ValueError(f"{raw!r}: a card descriptor of 1 to 100 letters or digits")
        return found

    @field_validator("model_from_path")
    @classmethod
    def _model_pattern(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        if "model" not in compiled.groupindex:
            raise ValueError("needs a named group 'model'")
        return value

    @model_validator(mode="after")
    def _default(self) -> CatalogEntry:
        if self.default_sanction not in DEFAULT_STATUSES:
            raise ValueError("default_sanction: sanctioned, unsanctioned or under_review")
        return self

    def model_in(self, path: str) -> str | None:
        """The model a request path names (``/model/<id>/invoke`` → ``<id>``), if it says."""
        if self.model_from_path is None:
            return None
        found = _compiled(self.model_from_path).search(path)
        return found.group("model") if found else None


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1, max_length=40)
    services: tuple[CatalogEntry, ...]

    @model_validator(mode="after")
    def _unique(self) -> Catalog:
        seen: set[str] = set()
        for entry in self.services:
            if entry.id in seen:
                raise ValueError(f"service id {entry.id!r} appears twice")
            seen.add(entry.id)
        return self

    def by_id(self) -> dict[str, CatalogEntry]:
        return {e.id: e for e in self.services}


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def parse_catalog(text: str) -> Catalog:
    """A catalog from YAML text; pydantic's ValidationError names the bad entry and field."""
    return Catalog.model_validate(yaml.safe_load(text))


@cache
def builtin_catalog() -> Catalog:
    """The shipped catalog, read and checked once per process."""
    text = resources.files("aitower.discovery").joinpath("data/catalog.yaml").read_text("utf-8")
    return parse_catalog(text)


@cache
def _entries() -> dict[str, CatalogEntry]:
    return builtin_catalog().by_id()


def builtin_entry(service_id: str) -> CatalogEntry | None:
    return _entries().get(service_id)


def patterns_of(
    entries: tuple[CatalogEntry, ...] | list[CatalogEntry],
) -> list[tuple[str, str, str]]:
    """(service id, host suffix, path prefix or "") for every host and path of each entry."""
    found: list[tuple[str, str, str]] = []
    for entry in entries:
        for host in entry.hosts:
            found.extend((entry.id, host, path) for path in entry.paths or ("",))
    return found


def catalog_patterns() -> list[tuple[str, str, str]]:
    """What the log matcher needs of the shipped catalog: (service id, host suffix, path prefix
    or ""). Organisation-added entries are added by ``catalog_service.all_patterns``."""
    return patterns_of(builtin_catalog().services)


def model_from_path(service_id: str, path: str) -> str | None:
    """The model named in a request ``path`` to a shipped service (Azure OpenAI deployments,
    Bedrock model ids, Vertex AI publisher models), or None."""
    entry = builtin_entry(service_id)
    return None if entry is None else entry.model_in(path)
