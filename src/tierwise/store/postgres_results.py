"""A run's results on PostgreSQL: a table of their own, filled beside the registry.

``run_results`` is partitioned by run (revision 0006). A run's results are
copied into a new table on a second connection to the server while the
recording's own connection brings the registry up to date, so the server
works on both at once, one process each. The new table gets its key only
once it is full, which is quicker than keeping the key as rows arrive.

The second connection commits the filled table under a pending name
(``tierwise_pending_results_<run>``); the recording's transaction renames
it and attaches it as the run's partition, and commits it with the run. A
run is still stored whole or not at all. A recording stopped or failing
between the two commits drops the pending table once its own transaction
has rolled back; only a process killed outright leaves one that no run
points at, and the next recording drops it while it holds the store's
write lock.

Measured with a million results on two cores: copying them into the
indexed table took 1.2 s; into a new table and then building its key,
0.9 s; and the registry's 0.9 s now runs at the same time instead of after.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from tierwise.sources.urls import without_secrets
from tierwise.store.database import AFTER_TRANSACTION, StoreError
from tierwise.store.worker import Stopped, Worker

__all__ = ["PENDING_PREFIX", "ResultsLoader", "check_rights", "drop_pending"]

log = logging.getLogger(__name__)

PENDING_PREFIX = "tierwise_pending_results_"
RESULTS_TABLE = "run_results"
# Chunks of CSV text waiting for the second connection, and how often a
# waiting side looks whether the other stopped.
WAITING = 4
POLL_SECONDS = 0.1
# How long a stopped recording waits to drop the table it had filled.
LEFT_WAIT = "2s"

# The schema is looked up by its name as it is: read as a ``regnamespace``
# it would be folded to lower case ("Team-ABM" became team-abm, not found).
_PENDING_TABLES = text(
    "SELECT relname FROM pg_class WHERE relnamespace = "
    "(SELECT oid FROM pg_namespace WHERE nspname = current_schema()) "
    "AND relkind = 'r' AND starts_with(relname, :prefix) ORDER BY relname"
)
# What the recording's user may do: create the run's table in the schema,
# and attach it to run_results, which only its owner (or a member of the
# owner's role) may.
_RIGHTS = text(
    "SELECT current_user, current_schema(), "
    "has_schema_privilege(current_schema(), 'CREATE'), "
    "pg_has_role(relowner, 'USAGE'), pg_get_userbyid(relowner) "
    f"FROM pg_class WHERE oid = '{RESULTS_TABLE}'::regclass"
)


_END = object()


def check_rights(connection: Connection) -> None:
    """Refuse to record for a user who could not store the run's results.

    Checked before any work: without it, a user with rights on the tables
    only (which sufficed before revision 0006) was stopped half-way by the
    server's "permission denied for schema".

    Raises:
        StoreError: naming the user, what it lacks and how to grant it.
    """
    user, schema, create, owner, owned_by = connection.execute(_RIGHTS).one()
    if create and owner:
        return
    grants = [] if create else [f'GRANT CREATE ON SCHEMA "{schema}" TO "{user}";']
    if not owner:
        grants.append(f'GRANT "{owned_by}" TO "{user}";')
    raise StoreError(
        f"the store's user {user} cannot record runs, so nothing was stored: "
        "on PostgreSQL each run's results become a table of their own, and "
        f"the user needs CREATE on schema {schema} and must own run_results "
        f"(or belong to its owner, {owned_by}). Connect as {owned_by}, the "
        f"role that created the store, or have an administrator run: "
        f"{' '.join(grants)}"
    )


def drop_pending(connection: Connection) -> list[str]:
    """Drop the pending results tables of recordings that never finished.

    Call it holding the store's write lock: no other recording can then be
    filling one. Returns the tables dropped.
    """
    names = list(
        connection.execute(_PENDING_TABLES, {"prefix": PENDING_PREFIX}).scalars()
    )
    for name in names:
        connection.exec_driver_sql(f'DROP TABLE "{name}"')
        log.info("dropped %s, left by a recording that never finished", name)
    return names


class ResultsLoader:
    """Copies run ``run_id``'s results, as CSV text, into a pending table.

    The copy runs on its own connection and thread: `send` hands it chunks
    of CSV rows of ``columns``, `end` says there are no more, `finish`
    waits until the table is full, keyed and committed, and `attach` makes
    it the run's partition inside the recording's transaction. `close`
    stops an unfinished copy (nothing of it is committed) and drops a
    finished table that was never attached.
    """

    def __init__(self, engine: Engine, run_id: int, columns: Sequence[str]) -> None:
        self.run_id = int(run_id)
        self.table = f"{PENDING_PREFIX}{self.run_id}"
        self._columns = ", ".join(columns)
        self._chunks: queue.Queue[Any] = queue.Queue(maxsize=WAITING)
        self._committed = False
        self._attaching = False
        self._raw = _second_connection(engine)
        driver = self._raw.driver_connection
        if driver is None:
            raise RuntimeError("the store's second connection came without a driver")
        self._driver: Any = driver
        self._worker = Worker("tierwise-store-results", self._copy, self._driver.cancel)

    def send(self, chunk: bytes | memoryview) -> None:
        """Hand the copy one chunk of CSV rows; waits while it is behind."""
        self._offer(chunk)

    def end(self) -> None:
        """Tell the copy that every chunk was sent: it can build the key."""
        self._offer(_END)

    def finish(self) -> None:
        """Wait for the copy to end: the table full, keyed and committed.

        Raises:
            Exception: whatever stopped the copy on the second connection.
        """
        self._worker.join()

    def attach(self, connection: Connection) -> None:
        """Make the filled table run ``run_id``'s partition, in ``connection``'s
        transaction.

        Should that transaction roll back (a failure or a stop from here to
        its commit), the table is pending again, and it is dropped once the
        transaction has ended and nothing holds it any more.
        """
        self._attaching = True
        engine, table = connection.engine, self.table
        connection.connection.info.setdefault(AFTER_TRANSACTION, []).append(
            lambda: _drop_if_left(engine, table)
        )
        name = f"{RESULTS_TABLE}_{self.run_id}"
        connection.exec_driver_sql(f"ALTER TABLE {self.table} RENAME TO {name}")
        # The table's check on run_id spares PostgreSQL a scan of its rows.
        connection.exec_driver_sql(
            f"ALTER TABLE {RESULTS_TABLE} ATTACH PARTITION {name} "
            f"FOR VALUES IN ({self.run_id})"
        )

    def close(self) -> None:
        """Stop the copy if it still runs and give the connection back."""
        self._worker.stop()
        try:
            if self._committed and not self._attaching:
                self._drop_table()
        finally:
            self._raw.close()

    def __enter__(self) -> ResultsLoader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _copy(self, stopped: threading.Event) -> None:
        try:
            with self._driver.cursor() as cursor:
                cursor.execute(
                    f"CREATE TABLE {self.table} (LIKE {RESULTS_TABLE}, "
                    f"CHECK (run_id = {self.run_id}))"
                )
                # Created in this transaction, the table takes its rows frozen.
                with cursor.copy(
                    f"COPY {self.table} ({self._columns}) "
                    "FROM STDIN (FORMAT csv, FREEZE)"
                ) as copy:
                    while (chunk := self._next(stopped)) is not _END:
                        copy.write(chunk)
                cursor.execute(
                    f"ALTER TABLE {self.table} ADD CONSTRAINT "
                    f"pk_{RESULTS_TABLE}_{self.run_id} PRIMARY KEY (account_id, run_id)"
                )
            self._driver.commit()
        except BaseException:
            _rollback(self._driver)
            raise
        self._committed = True

    def _next(self, stopped: threading.Event) -> Any:
        while True:
            if stopped.is_set():
                raise Stopped
            try:
                return self._chunks.get(timeout=POLL_SECONDS)
            except queue.Empty:
                continue

    def _offer(self, item: Any) -> None:
        while True:
            if not self._worker.alive():
                self._worker.join()
                raise RuntimeError(
                    "the results copy ended before it was sent every row"
                )
            try:
                self._chunks.put(item, timeout=POLL_SECONDS)
                return
            except queue.Full:
                continue

    def _drop_table(self) -> None:
        try:
            with self._driver.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            self._driver.commit()
        except Exception:
            log.warning("could not drop %s; the next recording will", self.table)
            _rollback(self._driver)


def _drop_if_left(engine: Engine, table: str) -> None:
    """Drop ``table`` if the recording's transaction ended without it.

    A committed run renamed it, so after a commit this finds nothing. A
    stopped recording's connection may have been thrown away while the
    server still holds the table: past `LEFT_WAIT` it is left for the next
    recording to drop.
    """
    try:
        with engine.connect() as connection, connection.begin():
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LEFT_WAIT}'")
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    except Exception:
        log.warning("could not drop %s; the next recording will", table)


def _second_connection(engine: Engine) -> Any:
    """A connection of the engine's pool beside the recording's own.

    Raises:
        StoreError: when the server refuses it (no connection slot left, or
            the role's connection limit reached), before anything is copied.
    """
    # The pool hands on the driver's own error, not SQLAlchemy's wrapping.
    refused = (DBAPIError, engine.dialect.loaded_dbapi.Error)
    try:
        return engine.raw_connection()
    except refused as error:
        said = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise StoreError(
            f"the server refused tierwise a second connection "
            f"({without_secrets(said, engine.url)}); recording a run on "
            "PostgreSQL uses two connections at once. Try again when a "
            "connection is free, or have the server allow more (max_connections, "
            "or the role's CONNECTION LIMIT); nothing was stored"
        ) from None


def _rollback(driver: Any) -> None:
    try:
        driver.rollback()
    except Exception:
        log.debug("rolling back a connection of the store failed", exc_info=True)
