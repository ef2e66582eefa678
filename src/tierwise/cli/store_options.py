"""The ``--db`` option and opening the store, for commands that record or read runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

# The store's names are looked up when a command runs, so the command line
# starts without SQLAlchemy and Alembic (`tier --no-store` never loads them).
from tierwise import store as runs_store
from tierwise.cli.app import errors
from tierwise.cli.safe_text import escape

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from tierwise.store import Store

__all__ = ["DbOption", "existing_store", "opened_store", "store_unless"]

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Store URL, e.g. sqlite:///tierwise.db or postgresql://host/db "
        f"(default: ${runs_store.DATABASE_ENV}, else tierwise.db here).",
    ),
]


@contextmanager
def opened_store(db: str | None, recorded: bool = False) -> Iterator[Store]:
    """The store named by ``--db``, upgraded, and closed afterwards.

    With ``recorded``, a database that holds no store yet is refused (see
    `existing_store`). A write that must wait for another process's says so
    on stderr.
    """
    _refuse_memory(runs_store.database_url(db))
    store = runs_store.open_store(db, recorded=recorded)
    store.on_wait = _say_waiting
    try:
        yield store
    finally:
        store.close()


@contextmanager
def store_unless(skipped: bool, db: str | None) -> Iterator[Store | None]:
    """`opened_store`, or None when the user asked not to record (--no-store)."""
    if skipped:
        yield None
        return
    with opened_store(db) as store:
        yield store


@contextmanager
def existing_store(db: str | None) -> Iterator[Store]:
    """`opened_store` for commands that only read: they create no store.

    A missing SQLite file stays missing, and a database or PostgreSQL schema
    without the store's tables is left without them.

    Raises:
        StoreError: when the store is a SQLite file that does not exist, or a
            database that holds no store, so nothing was ever recorded there.
    """
    _require_sqlite_file(runs_store.database_url(db))
    with opened_store(db, recorded=True) as store:
        yield store


def _refuse_memory(url: str) -> None:
    """Refuse a SQLite store kept in memory: each command is a process of its
    own, so whatever it recorded there would be gone when it ends."""
    parsed = _sqlite_url(url)
    if parsed is None:
        return
    database = parsed.database or ""
    if (
        database in ("", ":memory:")
        or parsed.query.get("mode") == "memory"
        or "mode=memory" in database
    ):
        raise runs_store.StoreError(
            f"the store {url} is kept in memory and forgotten when the command "
            "ends; give a file instead (sqlite:///tierwise.db), or --no-store "
            "to record nothing"
        )


def _require_sqlite_file(url: str) -> None:
    parsed = _sqlite_url(url)
    database = parsed.database if parsed is not None else None
    # In memory: refused by `opened_store`; a file: URI is SQLite's to open.
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists():
        raise runs_store.StoreError(
            f"no store at {path.resolve()}: nothing has been recorded there yet. "
            "Run `tierwise tier ACCOUNTS` or `tierwise demo` in this folder first, "
            f"or point --db (or ${runs_store.DATABASE_ENV}) at the store you use"
        )


def _sqlite_url(url: str) -> URL | None:
    """``url`` parsed, when it names a SQLite store; None otherwise."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # a bad URL is reported by open_store
        return None
    return parsed if parsed.get_backend_name() == "sqlite" else None


def _say_waiting(message: str) -> None:
    """Tell, on stderr, that a write waits for another process's; the
    store's name in it is shown as written (``[x]`` is no style)."""
    errors.print(escape(message), highlight=False)
