"""How a cost is written on every page: dollars with enough significant digits to tell a
non-zero cost from zero.

A per-call LLM cost is often a few millionths of a dollar; a fixed ``%.4f`` shows it as
``$0.0000``, as if the call were free. The rule: amounts of a dollar or more get cents and
thousands separators (``$1,234.56``); smaller ones get three significant digits, and at least
cents (``$0.42``, ``$0.0042``, ``$0.00000123``); zero is ``$0.00``. One Jinja filter
(``usd``, registered in ``core.web.templating``) so every template agrees.
"""

from __future__ import annotations

import math

SIGNIFICANT = 3


def format_usd(value: float | None) -> str:
    """``value`` dollars as text; ``—`` when there is no value."""
    if value is None or math.isnan(value):
        return "—"
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if amount == 0:
        return "$0.00"
    if amount >= 1:
        return f"{sign}${amount:,.2f}"
    # Decimals that keep SIGNIFICANT digits: 0.0042 has its first digit at the 3rd decimal.
    decimals = max(2, SIGNIFICANT - 1 - math.floor(math.log10(amount)))
    text = f"{amount:.{decimals}f}".rstrip("0")
    whole, _, fraction = text.partition(".")
    return f"{sign}${whole}.{fraction.ljust(2, '0')}"
