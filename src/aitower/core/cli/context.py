"""What every CLI command shares: settings, the database, the acting principal, clean errors."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import OperationalError

from aitower.core.access.principal import cli_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.db.migrate import schema_state
from aitower.core.errors import DomainError
from aitower.core.settings import Settings, load_settings

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one clear line on stderr and return the exit to raise."""
    err_console.print(f"[bold red]Error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def clean_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn expected failures into one line and a non-zero exit, never a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except DomainError as exc:
            raise fail(exc.detail, 2) from None
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise fail(f"setting {field}: {first['msg']}", 2) from None
        except OperationalError as exc:
            raise fail(f"database error: {str(exc.orig).strip().splitlines()[0]}") from None
        except (ValueError, OSError) as exc:
            raise fail(str(exc)) from None

    return wrapper


def settings() -> Settings:
    return load_settings()


def open_database(settings_: Settings | None = None, *, require_current: bool = True) -> Database:
    chosen = settings_ or settings()
    db = Database(chosen.resolved_database_url)
    if require_current:
        state = schema_state(db.engine)
        if not state.up_to_date:
            db.dispose()
            raise fail(state.explain())
    return db


def cli_context() -> ChangeContext:
    return ChangeContext(cli_principal(getpass.getuser()), request_id=None)


@contextmanager
def database() -> Iterator[Database]:
    db = open_database()
    try:
        yield db
    finally:
        db.dispose()
