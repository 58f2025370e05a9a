"""Where a system's settings form returns after a save.

A settings form may be shown on its own page and on another tab of the system (the Security tab
shows the content settings and the review routing); it names that tab in a hidden ``back``
field. Only the tabs listed here are honoured, so the field cannot send anyone elsewhere.
"""

from __future__ import annotations

import uuid

RETURN_TABS = frozenset({"security"})


def saved_at(system_id: uuid.UUID, own_page: str, back: str | None) -> str:
    """The page to redirect to after saving: the tab named by ``back`` when it is one of ours,
    else the form's own page; with the notice that it was saved."""
    page = back if back in RETURN_TABS else own_page
    return f"/systems/{system_id}/{page}?notice=saved"
