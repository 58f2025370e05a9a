"""Worker processes for concurrency tests: ``python -m support_workers URL WORKER COUNT``.

Each creates COUNT business units through the real service, one transaction each, so several
processes race to extend the audit chain.
"""

from __future__ import annotations

import sys

from aitower.core.access import service
from aitower.core.access.principal import cli_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database


def main(url: str, worker: str, count: int) -> None:
    db = Database(url)
    ctx = ChangeContext(cli_principal(f"worker-{worker}"))
    for i in range(count):
        with db.writing() as session:
            service.create_unit(session, ctx, f"W{worker} unit {i}")
    db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
