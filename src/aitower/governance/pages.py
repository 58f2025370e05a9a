"""Pages of governance: policies, compliance, gates, evidence and the approvals inbox."""

from __future__ import annotations

from fastapi import APIRouter

from aitower.governance import pages_approvals, pages_gaps, pages_policies


def build_router() -> APIRouter:
    router = APIRouter()
    router.include_router(pages_policies.build_router())
    router.include_router(pages_approvals.build_router())
    router.include_router(pages_gaps.build_router())
    return router
