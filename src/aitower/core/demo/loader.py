"""Load the demo organisation through the services, so every demo record is on the audit trail.

Contributors are functions ``(session, ctx, demo) -> None`` that build the demo in one
transaction, in order. The foundation contributes business units, one user per role and an API
key (``FOUNDATION_CONTRIBUTORS``); each capability declares its own in its ``Slice``, and the
composition root (``aitower.demo``) runs them all after the foundation's. A contributor finds
what earlier ones made on ``demo`` (units by name, users by role) and adds its records. Each
contributor adds only what is missing and notes what it created, so loading twice changes
nothing, and loading after an upgrade adds just the new capability's data.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text
from sqlalchemy import text
from sqlalchemy.orm import Session

from aitower.core.access import apikeys, service
from aitower.core.access.principal import system_principal
from aitower.core.access.roles import Role
from aitower.core.access.secrets import check_password_strength
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.demo.organisation import (
    DEMO_PASSWORD_ENV,
    DemoContributor,
    DemoOrganisation,
    DemoPassword,
    Report,
)
from aitower.core.errors import InvalidInput, NotFound
from aitower.core.settings import Settings

DEV_DEMO_PASSWORD = "aitower-demo"  # noqa: S105 (well known on purpose: dev mode only)
DEMO_ADMIN = "admin"
# Any constant: PostgreSQL's transaction-scoped advisory lock that serialises demo loaders.
DEMO_LOCK_KEY = 0x61697477_64656D6F


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    units: tuple[str, ...] = ()
    all_units: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@example.com"


DEMO_UNITS: tuple[tuple[str, str], ...] = (
    ("Customer Support", "Contact centre, support assistants and agent assist"),
    ("Marketing", "Campaigns, content generation and personalisation"),
    ("Finance", "Forecasting, invoice processing and expense controls"),
    ("Risk", "Credit risk, fraud detection and model risk management"),
    ("Operations", "Supply chain, scheduling and document processing"),
    ("IT", "Platforms, developer tooling and the AI gateway"),
)

DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(DEMO_ADMIN, "Alex Morgan", Role.admin),
    DemoUser("olivia.chen", "Olivia Chen", Role.ops_manager),
    DemoUser("gabriel.okafor", "Gabriel Okafor", Role.governance, all_units=True),
    DemoUser(
        "ethan.ramirez", "Ethan Ramirez", Role.engineer, ("Customer Support", "IT", "Finance")
    ),
    # The analyst watches the support chatbot (Customer Support) and the risk models.
    DemoUser("amara.patel", "Amara Patel", Role.analyst, ("Customer Support", "Risk", "Finance")),
    DemoUser("sofia.novak", "Sofia Novak", Role.security, all_units=True),
    DemoUser("priya.nair", "Priya Nair", Role.prompt_engineer, ("Customer Support", "Marketing")),
    DemoUser("sam.taylor", "Sam Taylor", Role.stakeholder, ("Marketing",)),
    DemoUser("aisha.karimi", "Aisha Karimi", Role.auditor),
)

# A key for an OpenTelemetry exporter of the support assistant, as an engineer would make it.
DEMO_KEY_NAME = "support-assistant telemetry"
DEMO_KEY_UNIT = "Customer Support"


def add_units(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    for name, description in DEMO_UNITS:
        try:
            unit = service.get_unit(session, name)
        except NotFound:
            unit = service.create_unit(session, ctx, name, description)
            demo.note("business units", name)
        demo.units[name] = unit


def add_users(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    for spec in DEMO_USERS:
        try:
            user = service.get_user(session, spec.username)
        except NotFound:
            new = service.NewUser(
                username=spec.username,
                email=spec.email,
                role=spec.role,
                password=demo.password.value,
                display_name=spec.display_name,
                unit_refs=tuple(demo.units[u].slug for u in spec.units),
                all_units=spec.all_units,
            )
            user = service.create_user(session, ctx, new)
            demo.note("users", spec.username)
        demo.users[spec.role] = user


def add_api_keys(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """One engineer key for the support assistant's exporter, the engineer's; a revoked one is
    not remade."""
    keys, _ = apikeys.list_api_keys(session, ctx.principal, limit=1000)
    existing = {k.name: k for k in keys}
    if DEMO_KEY_NAME in existing:
        demo.api_keys[DEMO_KEY_NAME] = existing[DEMO_KEY_NAME]
        return
    created = apikeys.create_api_key(
        session,
        ctx,
        name=DEMO_KEY_NAME,
        role=Role.engineer,
        unit_ref=demo.units[DEMO_KEY_UNIT].id,
        owner_ref=demo.users[Role.engineer].id,
    )
    demo.api_keys[DEMO_KEY_NAME] = created.key
    demo.new_secrets[DEMO_KEY_NAME] = created.secret
    demo.note("API keys", DEMO_KEY_NAME)


# ``aitower demo --live`` makes this key afresh each time (its secret is never stored in clear),
# revoking the previous one so they do not pile up.
LIVE_KEY_NAME = "demo live traffic"


def make_live_key(db: Database, ctx: ChangeContext) -> str:
    """A new organisation-wide ingest key for ``demo --live``; returns its secret. The live
    traffic feeds systems of several units, and a key limited to one unit may not write into
    another's systems (their spans would be refused), so the key is the demo administrator's."""
    with db.writing() as session:
        try:
            service.get_unit(session, DEMO_KEY_UNIT)  # the demo is loaded
        except NotFound:
            raise InvalidInput.on(
                "api_key", "load the demo first (aitower demo), or give --api-key"
            ) from None
        keys, _ = apikeys.list_api_keys(session, ctx.principal, include_revoked=False, limit=1000)
        for key in keys:
            if key.name == LIVE_KEY_NAME:
                apikeys.revoke_api_key(session, ctx, key.id)
        created = apikeys.create_api_key(
            session, ctx, name=LIVE_KEY_NAME, role=Role.admin, unit_ref=None, owner_ref=DEMO_ADMIN
        )
    return created.secret


# The foundation first; the capabilities' contributors follow (order matters: they use these).
FOUNDATION_CONTRIBUTORS: list[DemoContributor] = [add_units, add_users, add_api_keys]


def choose_password(settings: Settings, given: str | None = None) -> DemoPassword:
    """Given (stdin) > ``AITOWER_DEMO_PASSWORD`` > the well-known one in dev mode > random."""
    if given is not None:
        chosen = DemoPassword(given, "stdin")
    elif settings.demo_password is not None:
        chosen = DemoPassword(settings.demo_password.get_secret_value(), "env")
    elif settings.dev_mode:
        chosen = DemoPassword(DEV_DEMO_PASSWORD, "dev")
    else:
        chosen = DemoPassword(secrets.token_urlsafe(12), "generated")
    try:
        check_password_strength(chosen.value)
    except InvalidInput as exc:
        field_name = DEMO_PASSWORD_ENV if chosen.source == "env" else "password"
        raise InvalidInput.on(field_name, exc.issues[0].reason) from None
    return chosen


def _serialise(session: Session) -> None:
    """One loader at a time: replicas started together on an empty PostgreSQL must not both
    load. SQLite write transactions (BEGIN IMMEDIATE) are serialised already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DEMO_LOCK_KEY})


def load_demo(
    db: Database,
    ctx: ChangeContext,
    password: DemoPassword,
    *,
    only_if_empty: bool = False,
    contributors: Sequence[DemoContributor] = FOUNDATION_CONTRIBUTORS,
) -> DemoOrganisation | None:
    """Run the contributors in one transaction; None when ``only_if_empty`` and users exist."""
    with db.writing() as session:
        _serialise(session)
        if only_if_empty and service.count_users(session) > 0:
            return None
        demo = DemoOrganisation(password)
        for contribute in contributors:
            contribute(session, ctx, demo)
    return demo


def load_demo_history(
    db: Database, demo: DemoOrganisation, *, scale: float, report: Report | None = None
) -> list[str]:
    """Store the history the contributors asked for (after ``load_demo`` committed); one line
    per step saying what it stored. ``scale`` 0 skips it."""
    if scale <= 0:
        return []
    return [step.store(db, scale, report or _silent) for step in demo.history]


def _silent(done: int, total: int) -> None:
    del done, total


def load_history_with_progress(
    db: Database, demo: DemoOrganisation, console: Console, scale: float
) -> None:
    """``load_demo_history`` with a progress bar per step, and what each stored."""
    if scale <= 0 or not demo.history:
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        lines = []
        for step in demo.history:
            task = progress.add_task(f"Storing {step.title}", total=None)

            def report(done: int, total: int, task: TaskID = task) -> None:
                progress.update(task, completed=done, total=total)

            lines.append(step.store(db, scale, report))
    for line in lines:
        console.print(line, highlight=False)


def load_demo_if_empty(
    db: Database,
    console: Console,
    contributors: Sequence[DemoContributor],
    *,
    settings: Settings | None = None,
    url: str | None = None,
) -> DemoOrganisation | None:
    """``serve --demo``: load the demo into a database without users, and say how to log in."""
    from aitower.core.access.cli_shared import local_url

    chosen = settings or Settings()
    password = choose_password(chosen)
    ctx = ChangeContext(system_principal("demo"))
    demo = load_demo(db, ctx, password, only_if_empty=True, contributors=contributors)
    if demo is not None:
        load_history_with_progress(db, demo, console, chosen.demo_traffic_scale)
    if demo is None:
        hint = (
            f" (demo: {DEMO_ADMIN} with {password.describe()})"
            if password.source != "generated"
            else ""
        )
        console.print(f"Log in at [link]{url or local_url(chosen)}[/]{hint}.", highlight=False)
        return None
    print_summary(console, demo, url or local_url(chosen))
    return demo


def print_summary(console: Console, demo: DemoOrganisation, url: str) -> None:
    """What was created, where to log in and with what, and any new API key's secret."""
    if not demo.changed:
        console.print("The demo organisation is already loaded: nothing changed.")
        return
    counts = Counter(kind for kind, _ in demo.created)
    made = ", ".join(f"{kind}: {n}" for kind, n in counts.items())
    console.print(f"Demo organisation loaded. Created {made}.")
    if counts["users"]:
        console.print(
            f"Log in at [link]{url}[/] as [bold]{DEMO_ADMIN}[/] with {demo.password.describe()}.",
            soft_wrap=True,
        )
        console.print(_users_table(demo))
    for name, secret in demo.new_secrets.items():
        console.print(
            f"API key [bold]{escape(name)}[/] (shown only now), for an OpenTelemetry exporter:"
        )
        console.print(
            f"    OTEL_EXPORTER_OTLP_ENDPOINT={url}\n"
            f"    OTEL_EXPORTER_OTLP_HEADERS=x-api-key={secret}",
            soft_wrap=True,
            highlight=False,
        )


def _users_table(demo: DemoOrganisation) -> Table:
    table = Table("username", "name", "role", "units", title="Demo users (same password)")
    for spec in DEMO_USERS:
        user = demo.users[spec.role]
        scope = ", ".join(spec.units) or "all units"
        table.add_row(*(Text(c) for c in (user.username, user.display_name, user.role, scope)))
    return table
