"""Cells a spreadsheet will not run (OWASP, CSV injection). Pure.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written after a
quote, which spreadsheets show as text; reading a file back takes the quote off again, so an
export, edited and imported, round-trips.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: str) -> str:
    """The cell as written to a CSV file."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def as_written(cell: str) -> str:
    """A cell read back as the user meant it: the quote ``inert`` added removed."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell
