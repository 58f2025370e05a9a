"""Which permission guards each route: read from the routes' dependencies, not kept by hand.

Used by the permission-matrix test and to generate docs/permissions.md, so both follow the
code itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Mount, Route, compile_path

from aitower.core.access.roles import Permission
from aitower.core.web.deps import Guard

try:  # FastAPI ≥ 0.160 keeps included routers lazily; this flattens them with their prefixes.
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover - older FastAPI copies routes into app.routes
    iter_route_contexts = None  # type: ignore[assignment]


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


def _as_served(routes: Iterable[BaseRoute]) -> Iterator[tuple[BaseRoute, Any]]:
    """(declared route, route as served): only the latter has an included route's full path
    and the dependencies its router adds."""
    if iter_route_contexts is None:  # pragma: no cover - older FastAPI
        for route in routes:
            yield route, route
        return
    for context in iter_route_contexts(list(routes)):
        yield context.original_route, context


def _methods(methods: Iterable[str] | None) -> list[str]:
    chosen = set(methods or {"GET"})
    if "GET" in chosen:
        chosen.discard("HEAD")  # Starlette answers HEAD for every GET route
    return sorted(chosen)


def route_access(routes: Iterable[BaseRoute], prefix: str = "") -> list[RouteAccess]:
    """Every route (``app.routes``) with its guard, one row per method.

    Static mounts and plain Starlette routes (the OpenAPI document) have no guard of ours in
    front of them: they are listed as public, so a test can hold the public list to account.
    """
    found: list[RouteAccess] = []
    for declared, served in _as_served(routes):
        path = prefix + str(served.path)
        if isinstance(declared, APIRoute):
            guards = list(_guards(served.dependant))
            permissions = {g.permission for g in guards if g.permission is not None}
            assert len(permissions) <= 1, f"{path} has several permission guards"
            permission = next(iter(permissions), None)
            found += [
                RouteAccess(path, m, bool(guards), permission) for m in _methods(served.methods)
            ]
        elif isinstance(declared, Mount):
            if declared.routes:
                found += route_access(declared.routes, path)
            else:
                found.append(RouteAccess(f"{path}/{{path}}", "GET", False, None))
        elif isinstance(declared, Route):
            found += [RouteAccess(path, m, False, None) for m in _methods(declared.methods)]
    return sorted(found)


def allowed_methods(routes: Iterable[BaseRoute], path: str) -> list[str]:
    """The methods of every route on ``path``: a 405's ``Allow`` (Starlette names only the
    first route's, so a GET page with a POST form beside it said ``GET``)."""
    methods: set[str] = set()
    for declared, served in _as_served(routes):
        if isinstance(declared, APIRoute | Route):
            pattern, _, _ = compile_path(str(served.path))
            if pattern.match(path):
                methods.update(_methods(served.methods))
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)
