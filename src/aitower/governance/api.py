"""REST routes of governance: policies, and the gates, evidence and approvals they drive."""

from __future__ import annotations

from fastapi import APIRouter

from aitower.governance import api_approvals, api_gaps, api_policies


def build_router() -> APIRouter:
    router = APIRouter()
    router.include_router(api_policies.build_router())
    router.include_router(api_approvals.build_router())
    router.include_router(api_gaps.build_router())
    return router
