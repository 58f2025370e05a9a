"""Pages of risk: the questionnaire, the register and the portfolio heat map."""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    return APIRouter()
