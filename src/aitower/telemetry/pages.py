"""Pages of the monitoring views (placeholder)."""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    return APIRouter(include_in_schema=False)
