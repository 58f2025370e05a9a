"""The heat-map colour scale: sequential or diverging fills and the text colour on them.

Kept apart because these are the only colours the charts compute themselves (every other
colour comes from classes in ``app.css``), and they must stay in step with ``--accent`` and
``--bad`` there.
"""

from __future__ import annotations

# Sequential scale (low → high) and the negative end of the diverging scale (Tableau-like
# blues and reds, matching --accent and --bad in app.css).
LOW_RGB = (238, 241, 251)
HIGH_RGB = (54, 79, 199)
NEG_RGB = (201, 42, 42)
MID_RGB = (248, 249, 250)
# Missing cells are unfilled with a dashed outline (app.css), never a colour a value could have.
EMPTY_FILL = "none"


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    t = min(1.0, max(0.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def heat_rgb(value: float, lo: float, hi: float) -> tuple[int, int, int]:
    """The cell colour: sequential light → blue over ``[lo, hi]``; when the range spans zero,
    diverging red ← white → blue with white at zero, so sign is visible at a glance."""
    if lo < 0 < hi:
        if value >= 0:
            return _mix(MID_RGB, HIGH_RGB, value / hi)
        return _mix(MID_RGB, NEG_RGB, value / lo)
    if hi == lo:
        return _mix(LOW_RGB, HIGH_RGB, 0.5)
    return _mix(LOW_RGB, HIGH_RGB, (value - lo) / (hi - lo))


def heat_colour(value: float, lo: float, hi: float) -> str:
    return hex_colour(heat_rgb(value, lo, hi))


def is_dark(rgb: tuple[int, int, int]) -> bool:
    """Whether white text reads better than dark text on this fill (relative luminance, sRGB)."""
    luminance = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255
    return luminance < 0.55
