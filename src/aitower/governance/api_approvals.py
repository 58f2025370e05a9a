"""REST routes of evidence, lifecycle moves and approvals."""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    return APIRouter()
