"""How a detection type is named to a reader: its title from the detectors' catalogue."""

from __future__ import annotations

from aitower.detectors import catalog


def type_title(name: str) -> str:
    """The catalogue's title ("IBAN"), or the name made readable for a type it does not know
    (a finding stored by an older or newer version of the detectors)."""
    try:
        return catalog.get(name).title
    except KeyError:
        return name.replace("secret.", "").replace("national_id.", "").replace("_", " ")
