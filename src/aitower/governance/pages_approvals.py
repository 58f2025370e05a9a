"""Pages of gates, evidence, approvals inbox and system history."""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    return APIRouter()
