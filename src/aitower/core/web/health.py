"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from aitower.core.db.migrate import schema_state
from aitower.core.web.deps import DbDep
from aitower.core.web.problems import problem


def build_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="The process is alive")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="The database answers and its schema is current")
    def readyz(db: DbDep) -> JSONResponse:
        try:
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            state = schema_state(db.engine)
        except Exception as exc:  # any database failure means not ready
            return problem(503, f"database unreachable: {type(exc).__name__}")
        if not state.up_to_date:
            return problem(503, state.explain())
        return JSONResponse({"status": "ready", "database": db.dialect, "schema": state.head})

    return router
