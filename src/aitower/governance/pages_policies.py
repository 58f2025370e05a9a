"""Pages of policies: list, editor with validation, evaluation preview, compliance."""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    return APIRouter()
