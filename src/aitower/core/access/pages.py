"""UI pages of access: administration of users, business units and API keys; one's account.

Each page lives in its own module (``pages_users``, ``pages_units``, ``pages_keys``); this one
joins them and adds ``/admin``, which opens the first admin page the principal may read, so an
engineer (API keys, but not users) has a way in.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import RedirectResponse, Response

from aitower.core.access import pages_account, pages_keys, pages_units, pages_users
from aitower.core.access.pages_shared import admin_tabs
from aitower.core.errors import Forbidden
from aitower.core.web.deps import LoggedIn

# Where /admin leads: the page each role most likely came for, users before keys before units.
LANDING_ORDER = ("users", "api-keys", "units")


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/admin")
    def admin_home(principal: LoggedIn) -> Response:
        tabs = {tab.key: tab for tab in admin_tabs(principal)}
        for key in LANDING_ORDER:
            if key in tabs:
                return RedirectResponse(tabs[key].path, status_code=303)
        raise Forbidden(f"your role ({principal.role.value}) has no administration page")

    router.include_router(pages_users.build_router())
    router.include_router(pages_units.build_router())
    router.include_router(pages_keys.build_router())
    router.include_router(pages_account.build_router())
    return router
