"""Opening the store: which database, how to connect, and the write lock.

The database comes from ``--db URL``, else ``TIERWISE_DATABASE_URL``, else a
SQLite file ``tierwise.db`` in the working folder, so tiering needs no server;
a team points every member at one PostgreSQL database instead.

Every write happens inside `Store.writing`, which holds the store's single
write lock for the whole transaction: on PostgreSQL a transaction-level
advisory lock, on SQLite ``BEGIN IMMEDIATE`` (SQLite's one writer at a time)
with a busy timeout. A second writer waits for the first to commit, so two
runs started at once never interleave; past the lock timeout it is refused
with `StoreBusyError` and nothing is written.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from tierwise.errors import TierwiseError
from tierwise.sources.urls import (
    ENCODE_AT,
    hidden_password,
    sqlalchemy_scheme,
    unclear_password,
    without_secrets,
)
from tierwise.stops import raise_if_stopped
from tierwise.store.constants import DATABASE_ENV, DEFAULT_DATABASE_URL

__all__ = [
    "BACKENDS",
    "DATABASE_ENV",
    "DEFAULT_DATABASE_URL",
    "DEFAULT_LOCK_TIMEOUT",
    "Store",
    "StoreBusyError",
    "StoreError",
    "connect_store",
    "database_url",
]

log = logging.getLogger(__name__)

DEFAULT_LOCK_TIMEOUT = 600.0
BACKENDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Between tries to switch a new SQLite store to its write-ahead log.
WAL_RETRY_SECONDS = 0.05

# The first key of the PostgreSQL advisory lock ("tier" in ASCII); the second
# is the schema's hash, so stores in different schemas do not block each other.
LOCK_SPACE = 0x74696572
LOCK_NOT_AVAILABLE = "55P03"
ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:space, hashtext(current_schema()))")
FREE_LOCK = text("SELECT pg_try_advisory_xact_lock(:space, hashtext(current_schema()))")


# Where a connection keeps what to do once its write transaction has ended.
AFTER_TRANSACTION = "tierwise_after_transaction"


class StoreError(TierwiseError):
    """The store cannot be opened or cannot do what was asked."""


class StoreBusyError(StoreError):
    """Another process held the store's write lock for too long."""


@dataclass
class Store:
    """An open store: a SQLAlchemy engine and how long writers wait.

    ``on_wait`` is told, in a sentence for people, when a writer finds the
    lock held by another process and starts to wait for it, so a command
    does not sit silent for minutes.
    """

    engine: Engine
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    on_wait: Callable[[str], None] | None = None

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @property
    def location(self) -> str:
        """The database URL with its secrets hidden, for messages.

        Both places a URL can carry one are hidden: before the host and as
        a query parameter (``?password=``, ``?sslpassword=``…).
        """
        return hidden_password(self.engine.url)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection in a read transaction (it takes no lock)."""
        with self._connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A connection in a write transaction that holds the write lock.

        The transaction commits when the block ends and rolls back if it
        raises, so a failed or killed writer leaves nothing behind.

        Raises:
            StoreBusyError: when another writer held the lock longer than
                ``lock_timeout`` seconds.
        """
        with self._connect() as connection:
            connection.execution_options(tierwise_write=True)
            transaction = self._begin_locked(connection)
            # What waits for the transaction's end, committed or not, such
            # as the scratch files a run was staged in (staging.py). Held
            # here too: Ctrl-C or SIGTERM inside a statement makes SQLAlchemy
            # throw the driver's connection away, and a new one would come
            # back without it.
            pending: list[Callable[[], None]] = []
            connection.connection.info[AFTER_TRANSACTION] = pending
            try:
                with transaction:
                    yield connection
                    # A stop Python dropped on its way rolls the write back.
                    raise_if_stopped()
            finally:
                if not connection.invalidated:
                    connection.connection.info.pop(AFTER_TRANSACTION, None)
                for action in pending:
                    action()

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _connect(self) -> Connection:
        # Not only OperationalError: the driver refuses an unknown query
        # parameter (?PassWord=) as a programming error.
        try:
            return self.engine.connect()
        except DBAPIError as error:
            why = self._unusable_folder() or (
                f"{self._said(error)}; check the URL given with --db or {DATABASE_ENV}"
            )
            raise StoreError(
                f"cannot open the store at {self.location}: {why}"
            ) from None

    def _unusable_folder(self) -> str | None:
        """Why a SQLite store's folder stops it opening, with the fix; or None.

        SQLite says only "unable to open database file" both for a folder
        that is missing and for one it cannot write in (it keeps its journal
        files beside the store, so even reading needs that), though the URL
        is right.
        """
        database = self.engine.url.database or ""
        if self.backend != "sqlite" or database in ("", ":memory:"):
            return None
        if database.startswith("file:"):
            return None
        folder = Path(database).absolute().parent
        elsewhere = (
            f"point --db (or {DATABASE_ENV}) at a store elsewhere, or give "
            "tier --no-store to record nothing"
        )
        if not folder.is_dir():
            return f"the folder {folder} does not exist; create it, or {elsewhere}"
        if not os.access(folder, os.W_OK):
            return (
                f"tierwise cannot write in the folder {folder}, and SQLite keeps "
                f"its journal files beside the store; run where you can write, or "
                f"{elsewhere}"
            )
        return None

    def _begin_locked(self, connection: Connection) -> Any:
        if self.backend == "sqlite" and not _sqlite_lock_free(connection):
            self._waiting()
        try:
            transaction = connection.begin()
        except OperationalError as error:
            raise self._busy(error) from None

        if self.backend == "postgresql":
            if connection.execute(FREE_LOCK, {"space": LOCK_SPACE}).scalar():
                return transaction
            self._waiting()
            try:
                milliseconds = max(int(self.lock_timeout * 1000), 1)
                connection.exec_driver_sql(
                    f"SET LOCAL lock_timeout = '{milliseconds}ms'"
                )
                connection.execute(ADVISORY_LOCK, {"space": LOCK_SPACE})
                connection.exec_driver_sql("SET LOCAL lock_timeout = 0")
            except OperationalError as error:
                transaction.rollback()
                raise self._busy(error) from None
        return transaction

    def _waiting(self) -> None:
        log.info("the store at %s is busy; waiting for it", self.location)
        if self.on_wait is not None:
            self.on_wait(
                f"Another tierwise process is writing to the store at "
                f"{self.location}; waiting for it to finish (at most "
                f"{self.lock_timeout:g} s)…"
            )

    def _busy(self, error: OperationalError) -> StoreError:
        code = getattr(error.orig, "sqlstate", None)
        if code == LOCK_NOT_AVAILABLE or "database is locked" in str(error.orig):
            return StoreBusyError(
                f"another tierwise process is writing to the store at "
                f"{self.location} and held it for more than "
                f"{self.lock_timeout:g} s; nothing was written. Try again when "
                "it has finished (`tierwise runs` shows what was recorded)."
            )
        return StoreError(
            f"cannot write to the store at {self.location}: {self._said(error)}"
        )

    def _said(self, error: DBAPIError) -> str:
        """The driver's first line, without anything secret from the URL."""
        return without_secrets(_first_line(error), self.engine.url)


def database_url(url: str | None = None) -> str:
    """The database to use: ``url``, else the environment, else the default.

    >>> database_url("sqlite:///elsewhere.db")
    'sqlite:///elsewhere.db'
    """
    return url or os.environ.get(DATABASE_ENV) or DEFAULT_DATABASE_URL


def connect_store(
    url: str | None = None, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> Store:
    """A `Store` on the chosen database, without touching its tables.

    Raises:
        StoreError: when the URL names no supported database, a driver
            SQLAlchemy has none of or an asyncio one, or its driver is not
            installed.
    """
    if lock_timeout <= 0:
        raise ValueError(f"lock_timeout must be positive seconds, got {lock_timeout}")
    origin = "--db" if url else f"${DATABASE_ENV}"
    parsed = _parse_url(database_url(url), origin)
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed, lock_timeout)
    else:
        engine = _postgres_engine(parsed)
    return Store(engine=engine, lock_timeout=lock_timeout)


def _parse_url(text_url: str, origin: str) -> URL:
    """The store's URL, read; ``origin`` (``--db`` or the environment
    variable) is named when it is not one tierwise can use, since a variable
    set long ago is easily forgotten."""
    unclear = unclear_password(text_url)
    if unclear is not None:
        raise StoreError(
            "tierwise cannot tell where the password in the store's URL (--db "
            f"or {DATABASE_ENV}) ends, as {unclear}; {ENCODE_AT}. Nothing was "
            "opened"
        )
    try:
        parsed = make_url(sqlalchemy_scheme(text_url))  # postgres:// too
    except (ArgumentError, ValueError):
        raise StoreError(
            f"{hidden_password(text_url)!r} (from {origin}) is not a database "
            "URL; use "
            "sqlite:///path/to/tierwise.db or postgresql://user@host:5432/database"
        ) from None

    backend = parsed.get_backend_name()
    if backend not in BACKENDS:
        supported = " or ".join(BACKENDS.values())
        raise StoreError(
            f"tierwise stores runs in {supported}, not {backend!r} (from "
            f"{origin}); use "
            "sqlite:///path/to/tierwise.db or postgresql://user@host:5432/database"
        )
    driver = parsed.drivername.partition("+")[2]
    if driver and (backend, driver) != ("postgresql", "psycopg"):
        _refuse_driver(
            parsed, f"the store's URL {hidden_password(text_url)!r} (from {origin})"
        )
    if backend == "postgresql":
        # The store writes in bulk through psycopg's COPY, whichever driver
        # SQLAlchemy has that the URL names.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _refuse_driver(url: URL, shown: str) -> None:
    """Refuse a driver SQLAlchemy has no such name for (a typo) or an
    asyncio one, as ``--source`` refuses it: listing the drivers there are.
    Either was switched to psycopg without a word, or stopped SQLite on a
    traceback."""
    # Imported here: a URL naming no driver, the usual case, needs neither.
    from tierwise.engine.backends.connections import DRIVERS
    from tierwise.engine.backends.drivers import checked_dialect

    try:
        checked_dialect(url, shown, DRIVERS.get(url.get_backend_name()))
    except TierwiseError as error:
        raise StoreError(f"{error}; nothing was opened") from None


def _sqlite_engine(url: URL, lock_timeout: float) -> Engine:
    engine = create_engine(url, connect_args={"timeout": lock_timeout})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, record: Any) -> None:
        # The driver must not open transactions on its own: `_begin` below
        # chooses BEGIN IMMEDIATE for writers, which is what makes SQLite
        # queue them instead of failing one of them half-way.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        _write_ahead_log(cursor, lock_timeout)
        for pragma in (
            "synchronous = NORMAL",
            "foreign_keys = ON",
            # A run's rows are staged in a temporary table (see bulk.py):
            # kept in memory, as the engine's own copy of them is.
            "temp_store = MEMORY",
            f"busy_timeout = {int(lock_timeout * 1000)}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        writer = connection.get_execution_options().get("tierwise_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine


def _sqlite_lock_free(connection: Connection) -> bool:
    """Whether no other connection holds SQLite's write lock just now.

    A look without waiting (a busy timeout of 0 for one ``BEGIN
    IMMEDIATE``, rolled back at once); the writer then begins as usual, so
    a lock taken in between only means a wait without notice.
    """
    raw = connection.connection.driver_connection
    if raw is None:
        return True
    (waits,) = raw.execute("PRAGMA busy_timeout").fetchone()
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        raw.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return False
    else:
        raw.execute("ROLLBACK")
        return True
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(waits)}")


def _write_ahead_log(cursor: Any, lock_timeout: float) -> None:
    """Put the database in write-ahead-log mode, waiting out other openers.

    Switching a new database to the log takes it exclusively, and when two
    connections both read it first and then ask for that lock, SQLite
    answers one of them "database is locked" at once instead of waiting
    (waiting could deadlock), whatever the busy timeout. Three processes
    opening a new store together met it on a busy machine, so the switch
    is tried again until ``lock_timeout`` has passed. A database already
    in the mode switches without the lock.
    """
    deadline = time.monotonic() + lock_timeout
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(WAL_RETRY_SECONDS)


def _postgres_engine(url: URL) -> Engine:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise StoreError(
            "a PostgreSQL store needs the psycopg driver; install it with "
            "pip install 'tierwise[postgres]'"
        ) from None
    return create_engine(url, pool_pre_ping=True)


def _first_line(error: DBAPIError) -> str:
    return str(error.orig).strip().splitlines()[0] if error.orig else str(error)
