"""The lifecycle of an AI system and the moves allowed between its stages, defined once.

planning → development → deployment → monitoring → optimization → retirement → retired.
A system may go back to an earlier working stage (a failed deployment returns to development,
an optimisation round returns to deployment), and any working stage may enter retirement.
``retired`` is terminal.
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    planning = "planning"
    development = "development"
    deployment = "deployment"
    monitoring = "monitoring"
    optimization = "optimization"
    retirement = "retirement"
    retired = "retired"

    @property
    def order(self) -> int:
        return _STAGE_ORDER[self]


# Looked up, not searched: policy evaluation asks for the order of a stage ~25 times per system.
_STAGE_ORDER: dict[Stage, int] = {stage: i for i, stage in enumerate(Stage)}


_WORKING = (
    Stage.planning,
    Stage.development,
    Stage.deployment,
    Stage.monitoring,
    Stage.optimization,
)

ALLOWED_MOVES: dict[Stage, frozenset[Stage]] = {
    Stage.planning: frozenset({Stage.development, Stage.retirement}),
    Stage.development: frozenset({Stage.deployment, Stage.planning, Stage.retirement}),
    Stage.deployment: frozenset({Stage.monitoring, Stage.development, Stage.retirement}),
    Stage.monitoring: frozenset({Stage.optimization, Stage.development, Stage.retirement}),
    Stage.optimization: frozenset({Stage.deployment, Stage.monitoring, Stage.retirement}),
    Stage.retirement: frozenset({Stage.retired, *_WORKING[2:4]}),
    Stage.retired: frozenset(),
}

# Stages in which a system runs in production: policies gating "deployment" guard entry to them.
PRODUCTION_STAGES = frozenset({Stage.deployment, Stage.monitoring, Stage.optimization})


def can_move(source: Stage, target: Stage) -> bool:
    return target in ALLOWED_MOVES[source]


def allowed_targets(source: Stage) -> list[Stage]:
    """Targets in lifecycle order, for forms and error messages."""
    return sorted(ALLOWED_MOVES[source], key=lambda s: s.order)
