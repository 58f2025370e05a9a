"""What a capability brings, declared once: the ``Slice`` the composition root plugs in.

Each capability (inventory, governance, telemetry …) exposes one ``Slice`` in its
``slice.py``; ``aitower.app`` lists them in order and builds the web app, the CLI, the demo,
the Overview, ``/metrics`` and the background pass from that list. The core defines the shape
and never imports a capability: adding one is a new folder plus one line in that list.

The order of the list is the order of dependence (a capability after those it uses): tables
are created, routers included, CLI groups added, demo contributors run and background jobs
run in it. Navigation items carry their own ``rank``, as the bar reads in the order people
work, not in the order of dependence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import typer
from fastapi import APIRouter, FastAPI
from sqlalchemy.orm import Session

from aitower.core.access.roles import Permission
from aitower.core.background import BackgroundJob
from aitower.core.demo.organisation import DemoContributor
from aitower.core.evidence import EvidenceSource
from aitower.core.settings import Settings
from aitower.core.web.navigation import NavItem
from aitower.core.web.overview_panels import AttentionSource, OverviewSource

RouterFactory = Callable[[Settings], APIRouter]
"""Builds one router from the settings (most ignore them)."""
CliRegistrar = Callable[[typer.Typer], None]
"""Adds a capability's commands or groups to the root ``aitower`` command."""
PrometheusSource = Callable[[Session], list[str]]
"""Lines of the Prometheus text format that join ``/metrics``."""
BodyLimit = tuple[str, Callable[[Settings], int]]
"""A path prefix and the largest request body it accepts (e.g. OTLP's own limit)."""


@dataclass(frozen=True, slots=True)
class Slice:
    """Everything one capability plugs into the app; every field but ``name`` is optional."""

    name: str
    tables: tuple[ModuleType, ...] = ()  # modules of SQLAlchemy models on ``core.db.base.Base``
    permissions: tuple[type[Permission], ...] = ()
    api_routers: tuple[RouterFactory, ...] = ()  # mounted under /api/v1
    routers: tuple[RouterFactory, ...] = ()  # mounted at the root: pages, OTLP, /metrics
    navigation: tuple[NavItem, ...] = ()
    cli: tuple[CliRegistrar, ...] = ()
    demo: tuple[DemoContributor, ...] = ()
    overview: tuple[OverviewSource, ...] = ()
    attention: tuple[AttentionSource, ...] = ()  # on the Overview and on Monitoring
    prometheus: tuple[PrometheusSource, ...] = ()
    jobs: tuple[BackgroundJob, ...] = ()
    body_limits: tuple[BodyLimit, ...] = ()
    # API paths whose JSON strings may hold NUL (elsewhere refused, 422): the capability keeps
    # such text as U+FFFD, as telemetry does with what end users typed (feedback comments).
    nul_tolerant: tuple[str, ...] = ()
    # Live objects (monitors, evaluations) that gates judge as evidence (``core.evidence``).
    evidence_sources: tuple[EvidenceSource, ...] = ()
    on_startup: tuple[Callable[[FastAPI], None], ...] = ()  # servers of its own (OTLP/gRPC)
    on_shutdown: tuple[Callable[[FastAPI], None], ...] = ()
