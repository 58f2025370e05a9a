"""REST routes of risk: EU AI Act assessments and the risk register."""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    return APIRouter()
