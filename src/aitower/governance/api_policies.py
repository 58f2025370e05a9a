"""REST routes of policies: versions, validation, evaluation, compliance."""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    return APIRouter()
