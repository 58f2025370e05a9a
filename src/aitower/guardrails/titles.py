"""How a detection type is named to a reader: its title from the detectors' catalogue."""

from __future__ import annotations

import functools


@functools.cache
def _titles() -> dict[str, str]:
    try:
        from aitower.detectors.catalog import TYPES
    except ImportError:  # the catalogue lands with the detectors
        return {}
    return {t.name: t.title for t in TYPES}


def type_title(name: str) -> str:
    """The catalogue's title ("IBAN"), or the name made readable for a type it does not know
    (a finding stored by an older version of the detectors)."""
    return _titles().get(name) or name.replace("secret.", "").replace("_", " ")
