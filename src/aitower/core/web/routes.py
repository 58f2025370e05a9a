"""Which permission guards each route: read from the routes' dependencies, not kept by hand.

Used by the permission-matrix test and to generate docs/permissions.md, so both follow the
code itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

try:  # FastAPI ≥ 0.160 keeps included routers lazily; this flattens them with their prefixes.
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover - older FastAPI copies routes into app.routes
    iter_route_contexts = None  # type: ignore[assignment]

from aitower.core.access.roles import Permission
from aitower.core.web.deps import Guard


@dataclass(frozen=True, slots=True, order=True)
class RouteAccess:
    path: str
    method: str
    guarded: bool  # needs a logged-in principal
    permission: Permission | None  # and this permission (None: any logged-in principal)

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


def _guards(dependant: Dependant) -> Iterator[Guard]:
    for dep in dependant.dependencies:
        if isinstance(dep.call, Guard):
            yield dep.call
        yield from _guards(dep)


def _api_routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """(full path, route) for every API route, however the FastAPI version stores them."""
    if iter_route_contexts is None:
        for route in app.routes:
            if isinstance(route, APIRoute):
                yield route.path, route
        return
    for context in iter_route_contexts(app.routes):
        original: Any = context.original_route
        if isinstance(original, APIRoute):
            yield str(context.path), original


def route_access(app: FastAPI) -> list[RouteAccess]:
    """Every API route and page with its guard; mounts (static files) are public by nature."""
    found: list[RouteAccess] = []
    for path, route in _api_routes(app):
        guards = list(_guards(route.dependant))
        permissions = {g.permission for g in guards if g.permission is not None}
        assert len(permissions) <= 1, f"{path} has several permission guards"
        permission = next(iter(permissions), None)
        for method in sorted(route.methods or ()):
            found.append(RouteAccess(path, method, bool(guards), permission))
    return sorted(found)
