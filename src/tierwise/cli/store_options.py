"""The ``--db`` option and opening the store, for commands that record or read runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from tierwise import store as runs_store
from tierwise.store import Store

__all__ = ["DbOption", "opened_store", "store_unless"]

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Store URL, e.g. sqlite:///tierwise.db or postgresql://host/db "
        f"(default: ${runs_store.DATABASE_ENV}, else tierwise.db here).",
    ),
]


@contextmanager
def opened_store(db: str | None) -> Iterator[Store]:
    """The store named by ``--db``, upgraded, and closed afterwards."""
    store = runs_store.open_store(db)
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
