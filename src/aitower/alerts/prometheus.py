"""Notification health for ``/metrics``: deliveries by status, shared by all replicas."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.alerts.tables import NotificationDeliveryRow

STATUSES = ("pending", "sent", "failed")


def notification_lines(session: Session) -> list[str]:
    counts = dict(
        session.execute(
            select(NotificationDeliveryRow.status, func.count()).group_by(
                NotificationDeliveryRow.status
            )
        ).all()
    )
    lines = [
        "# HELP aitower_notifications Notification deliveries by status (failed: gave up)",
        "# TYPE aitower_notifications gauge",
    ]
    lines += [f'aitower_notifications{{status="{s}"}} {int(counts.get(s, 0))}' for s in STATUSES]
    return lines
