"""The demo organisation assembled from every capability, and ``aitower demo``.

The foundation's contributors (units, users, a key) run first, then each capability's, in the
order of ``aitower.app.CAPABILITIES``. ``aitower demo`` creates (or completes) the demo from
the command line, or streams live demo traffic to a running server (``--live``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer
from rich.console import Console

from aitower.app import CAPABILITIES
from aitower.core.access.cli_shared import local_url, read_password
from aitower.core.audit.service import ChangeContext
from aitower.core.cli.context import (
    clean_errors,
    cli_context,
    console,
    database,
    fail,
    settings,
)
from aitower.core.db.engine import Database
from aitower.core.demo import loader
from aitower.core.demo.loader import (
    FOUNDATION_CONTRIBUTORS,
    LIVE_KEY_NAME,
    choose_password,
    load_history_with_progress,
    make_live_key,
    print_summary,
)
from aitower.core.demo.organisation import (
    DEMO_PASSWORD_ENV,
    DemoContributor,
    DemoOrganisation,
    DemoPassword,
)
from aitower.core.settings import Settings
from aitower.core.slice import Slice

DEFAULT_LIVE_URL = "http://127.0.0.1:8000"


def demo_contributors(capabilities: Sequence[Slice] = CAPABILITIES) -> tuple[DemoContributor, ...]:
    """The foundation's contributors, then each capability's, in the list's order."""
    return (
        *FOUNDATION_CONTRIBUTORS,
        *(contribute for capability in capabilities for contribute in capability.demo),
    )


DEMO_CONTRIBUTORS = demo_contributors()


def load_demo(
    db: Database,
    ctx: ChangeContext,
    password: DemoPassword,
    *,
    only_if_empty: bool = False,
    contributors: Sequence[DemoContributor] = DEMO_CONTRIBUTORS,
) -> DemoOrganisation | None:
    """The whole demo organisation (``core.demo.loader.load_demo`` with every contributor)."""
    return loader.load_demo(
        db, ctx, password, only_if_empty=only_if_empty, contributors=contributors
    )


def load_demo_if_empty(
    db: Database,
    console: Console,
    *,
    settings: Settings | None = None,
    url: str | None = None,
) -> DemoOrganisation | None:
    """``serve --demo``: the whole demo into a database without users; says how to log in."""
    return loader.load_demo_if_empty(db, console, DEMO_CONTRIBUTORS, settings=settings, url=url)


def register(app: typer.Typer) -> None:
    """Add ``aitower demo`` to the root command."""
    app.command("demo")(demo)


@clean_errors
def demo(
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help=f"Read the demo users' password from stdin (else {DEMO_PASSWORD_ENV}, else the "
            "well-known 'aitower-demo' in dev mode, else a random one printed once).",
        ),
    ] = False,
    live: Annotated[
        bool,
        typer.Option(
            "--live",
            help="Instead of loading, stream new demo traces to a running server's OTLP "
            "endpoint with the OpenTelemetry SDK, until Ctrl-C.",
        ),
    ] = False,
    url: Annotated[str, typer.Option(help="--live: the server's base URL.")] = DEFAULT_LIVE_URL,
    api_key: Annotated[
        str | None,
        typer.Option(
            envvar="AITOWER_API_KEY",
            help=f"--live: the API key to send with; by default a new '{LIVE_KEY_NAME}' key "
            "of the demo engineer is made in this database and printed.",
        ),
    ] = None,
    rate: Annotated[float, typer.Option(min=0.1, max=200, help="--live: traces per second.")] = 3.0,
    duration: Annotated[
        float | None, typer.Option(min=0.1, help="--live: stop after this many seconds.")
    ] = None,
) -> None:
    """Create the demo organisation: business units, users, AI systems, 30 days of LLM traffic.

    Safe to run again: it adds only what is missing, and says so when nothing was.
    """
    if live:
        stream(url, api_key, rate, duration)
        return
    chosen = settings()
    password = choose_password(chosen, read_password(True) if password_stdin else None)
    with database() as db:
        result = load_demo(db, cli_context(), password)
        assert result is not None  # only load_demo(only_if_empty=True) can skip
        load_history_with_progress(db, result, console, chosen.demo_traffic_scale)
    print_summary(console, result, local_url(chosen))


def stream(url: str, api_key: str | None, rate: float, duration: float | None) -> None:
    """``demo --live``: send traces until stopped, then say what the server acknowledged."""
    from aitower.telemetry.demo_live import LiveStats, stream_live_traffic

    if api_key is None:
        with database() as db:
            api_key = make_live_key(db, cli_context())
        console.print(
            f"Created API key [bold]{LIVE_KEY_NAME}[/] for the demo engineer (shown only now; "
            f"the next --live run replaces it): {api_key}",
            soft_wrap=True,
            highlight=False,
        )
    endpoint = f"{url.rstrip('/')}/v1/traces"
    console.print(f"Streaming demo traces to {endpoint}, about {rate:g} a second; Ctrl-C stops.")
    with console.status("Starting…") as status:

        def show(stats: LiveStats) -> None:
            status.update(
                f"{stats.traces} traces sent, {stats.spans_acknowledged} spans acknowledged"
            )

        stats = stream_live_traffic(url, api_key, rate=rate, duration=duration, on_progress=show)
    console.print(
        f"Sent {stats.traces} traces ({stats.spans_sent} spans); the server acknowledged "
        f"{stats.spans_acknowledged} spans."
    )
    if stats.spans_acknowledged < stats.spans_sent:
        raise fail(
            f"{stats.spans_sent - stats.spans_acknowledged} spans were not acknowledged by "
            f"{endpoint}: is the server running there, and is the API key valid?"
        )
