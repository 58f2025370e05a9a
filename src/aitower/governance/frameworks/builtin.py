"""The frameworks and crosswalks aitower ships, read once from the package's ``data`` folder.

They are versioned with the code (a new edition of a standard is a new file and a release),
never stored in the database, so no import can overwrite them. Pure: files and parsing only.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from aitower.governance.frameworks.catalog import Framework, parse_framework
from aitower.governance.frameworks.crosswalk import (
    EU_AI_ACT,
    Crosswalks,
    crosswalks_from_document,
    dangling,
)

CATALOG_FILES = ("nist-ai-rmf-1.0.yaml", "iso-iec-42001-2023.yaml")
CROSSWALK_FILE = "crosswalks.yaml"
# Ids no custom framework may take: the shipped catalogs and the article namespace of the
# crosswalks (the EU AI Act's obligations live in aitower.risk).
RESERVED_IDS = frozenset({EU_AI_ACT})


def _data(name: str) -> str:
    return (
        resources.files("aitower.governance.frameworks")
        .joinpath("data", name)
        .read_text(encoding="utf-8")
    )


@cache
def builtin_frameworks() -> tuple[Framework, ...]:
    """NIST AI RMF 1.0 and ISO/IEC 42001:2023 Annex A, parsed by the custom-framework parser."""
    return tuple(parse_framework(_data(name), builtin=True) for name in CATALOG_FILES)


def builtin_framework(framework_id: str) -> Framework | None:
    return next((f for f in builtin_frameworks() if f.id == framework_id), None)


def reserved_ids() -> frozenset[str]:
    return RESERVED_IDS | {f.id for f in builtin_frameworks()}


@cache
def builtin_crosswalks() -> Crosswalks:
    """The crosswalk links, refused at load if any names an item the catalogs do not hold."""
    found = crosswalks_from_document(yaml.safe_load(_data(CROSSWALK_FILE)))
    missing = dangling(found, {f.id: [i.id for i in f.items] for f in builtin_frameworks()})
    if missing:
        raise ValueError(f"crosswalks.yaml names items no catalog holds: {missing}")
    return found
