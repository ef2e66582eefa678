"""Bring a store's tables up to date with Alembic, configured in code.

The migrations ship inside the package (``migrations/versions``), so users
need no ``alembic.ini``: `open_store` upgrades a database to the newest
revision the first time this version of tierwise opens it. The upgrade runs
in one transaction under the store's write lock, so two processes opening a
new database at once create its tables once.
"""

from __future__ import annotations

import logging
import time

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

from tierwise.store.database import (
    DATABASE_ENV,
    DEFAULT_LOCK_TIMEOUT,
    Store,
    StoreError,
    connect_store,
)
from tierwise.store.tables import Base

__all__ = [
    "VERSION_TABLE",
    "current_revision",
    "head_revision",
    "open_store",
    "upgrade",
]

log = logging.getLogger(__name__)

# Its own name, so tierwise can share a database with another Alembic project.
VERSION_TABLE = "tierwise_schema_version"
SCRIPT_LOCATION = "tierwise.store:migrations"


def open_store(
    url: str | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    upgrade_tables: bool = True,
    recorded: bool = False,
) -> Store:
    """Open the store at ``url`` (see `database_url`), upgrading its tables.

    With ``recorded``, for commands that only read, a database that holds no
    store yet is refused rather than given the store's tables.

    Raises:
        StoreError: when the database cannot be reached, was upgraded by a
            newer tierwise than this one, or (with ``recorded``) holds no store.
    """
    store = connect_store(url, lock_timeout)
    try:
        if recorded:
            _require_store(store)
        if upgrade_tables:
            upgrade(store)
    except BaseException:
        store.close()
        raise
    return store


def upgrade(store: Store, revision: str = "head") -> None:
    """Upgrade the store's tables to ``revision`` (the newest by default).

    Reads the current revision first without the write lock, so opening an
    up-to-date store never waits for a run that is being recorded.
    """
    target = _script().get_revision(revision)
    wanted = target.revision if target else None
    with store.reading() as connection:
        current = _revision_of(connection)
        taken = _foreign_tables(connection) if current is None else []
        missing = _missing_schema(connection) if current is None else None
    if current == wanted:
        return
    _check_known(store, current)
    _check_free(store, taken)
    _check_schema(store, missing)

    started = time.perf_counter()
    with store.writing() as connection:
        command.upgrade(_config(connection), revision)
    log.info(
        "upgraded the store from %s to %s in %.2f s",
        current or "empty",
        wanted,
        time.perf_counter() - started,
    )


def current_revision(store: Store) -> str | None:
    """The revision the store's tables are at; None for an empty database."""
    with store.reading() as connection:
        return _revision_of(connection)


def head_revision() -> str:
    """The newest revision this version of tierwise knows."""
    head = _script().get_current_head()
    if head is None:
        raise RuntimeError("the packaged migrations have no head revision")
    return head


def _require_store(store: Store) -> None:
    """Refuse a database tierwise never made its tables in.

    A command that only reads must not create the store: on PostgreSQL an
    empty schema would otherwise get every table, as if something had been
    recorded there, where a SQLite file that does not exist stays missing.
    """
    with store.reading() as connection:
        if _revision_of(connection) is not None:
            return
        missing = _missing_schema(connection)
    _check_schema(store, missing)
    raise StoreError(
        f"no store at {store.location}: nothing has been recorded there yet. "
        "Run `tierwise tier ACCOUNTS` or `tierwise demo` with this --db first, "
        f"or point --db (or ${DATABASE_ENV}) at the store you use; nothing was "
        "created"
    )


def _check_known(store: Store, current: str | None) -> None:
    if current is None:
        return
    known = {script.revision for script in _script().walk_revisions()}
    if current not in known:
        raise StoreError(
            f"the store at {store.location} is at revision {current}, which this "
            "tierwise does not know: a newer version upgraded it. Upgrade "
            "tierwise (pip install -U tierwise) to use this store."
        )


def _foreign_tables(connection: Connection) -> list[str]:
    """Tables of a database tierwise never upgraded that bear its tables' names."""
    present = set(inspect(connection).get_table_names())
    return sorted(present & set(Base.metadata.tables))


def _check_free(store: Store, taken: list[str]) -> None:
    """Refuse to make the store where another application's tables have its
    tables' names (a CRM's ``accounts`` and ``runs``): creating them would
    stop half-way on the first one."""
    if not taken:
        return
    raise StoreError(
        f"the database at {store.location} already holds tables named "
        f"{', '.join(taken)}, which tierwise did not make, and tierwise keeps "
        "its store in tables of those names. "
        "Give the store a database or schema of its own (for PostgreSQL, a "
        "schema: CREATE SCHEMA tierwise, then add "
        "?options=-csearch_path%3Dtierwise to the URL); nothing was changed"
    )


def _missing_schema(connection: Connection) -> str | None:
    """The search path of a PostgreSQL connection none of whose schemas exist."""
    if connection.dialect.name != "postgresql":
        return None
    if connection.execute(text("SELECT current_schema()")).scalar_one() is not None:
        return None
    return str(connection.execute(text("SHOW search_path")).scalar_one())


def _check_schema(store: Store, search_path: str | None) -> None:
    """Refuse a PostgreSQL URL whose search path names no schema that exists
    (a typo in ``?options=-csearch_path``, or a schema not made yet):
    PostgreSQL would refuse the first CREATE TABLE."""
    if search_path is None:
        return
    names = [name.strip().strip('"') for name in search_path.split(",")]
    first = next((name for name in names if name and name != "$user"), "tierwise")
    raise StoreError(
        f"the store at {store.location} has no schema to keep its tables in: "
        f"no schema of its search path ({search_path}) exists. Create it first "
        f"(CREATE SCHEMA {first}) or correct the search_path in the URL; "
        "nothing was changed"
    )


def _revision_of(connection: Connection) -> str | None:
    context = MigrationContext.configure(
        connection, opts={"version_table": VERSION_TABLE}
    )
    return context.get_current_revision()


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def _script() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return ScriptDirectory.from_config(config)
