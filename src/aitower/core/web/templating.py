"""Jinja2 templates (autoescaped) from every slice's ``templates`` folder, and page rendering."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from aitower import __version__
from aitower.core.access.principal import Principal
from aitower.core.access.roles import permission_named
from aitower.core.web.deps import csrf_token
from aitower.core.web.highlight import highlight
from aitower.core.web.money import format_usd
from aitower.core.web.navigation import CORE_NAVIGATION, visible_navigation

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def template_dirs() -> list[Path]:
    """``templates`` folders of every slice, core first (a slice may not override the shell)."""
    return sorted(PACKAGE_ROOT.glob("**/templates"), key=lambda p: (p.parts[-2] != "web", str(p)))


def build_templates() -> Jinja2Templates:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs()]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.filters["usd"] = format_usd  # every cost on every page
    env.filters["highlight"] = highlight  # a searched text marked in escaped content
    return Jinja2Templates(env=env)


def may_for(principal: Principal | None) -> Callable[[str], bool]:
    """``may("channels.read")`` in a template: whether the page's reader holds a permission,
    so a page shows a link only to those who can follow it (no link to a 403 page)."""

    def may(value: str) -> bool:
        return principal is not None and principal.can(permission_named(value))

    return may


def render(
    request: Request,
    template: str,
    principal: Principal | None,
    *,
    status_code: int = 200,
    section: str | None = None,
    **context: Any,
) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    # The app's whole bar (``create_app`` assembles it from the capabilities).
    navigation = getattr(request.app.state, "navigation", CORE_NAVIGATION)
    base = {
        "principal": principal,
        "navigation": [] if principal is None else visible_navigation(principal, navigation),
        "section": section,
        "csrf_token": csrf_token(request),
        "may": may_for(principal),
    }
    return templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )
