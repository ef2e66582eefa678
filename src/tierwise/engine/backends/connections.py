"""Connections to the database a ``--source`` table is in.

tierwise reaches a database other than a DuckDB file through SQLAlchemy,
with the driver its extras install when the URL names none, a session in
UTC, and no bound parameters (its SQL carries its values as literals).
Every failure becomes an error that names the source, never its password.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tierwise.engine.backends import missing_extra
from tierwise.engine.backends.drivers import checked_dialect, not_installed
from tierwise.errors import SourceError, TierwiseError
from tierwise.sources.database import TableSource
from tierwise.sources.dialects import server_dialect
from tierwise.sources.urls import without_secrets

__all__ = ["DRIVERS", "connect", "spoken_by"]

# The drivers tierwise's extras install, by SQLAlchemy's name of the
# database: the driver's module (also its name in a URL), what it is called
# in an error, and the extra that installs it.
DRIVERS = {
    "postgresql": ("psycopg", "The PostgreSQL driver", "postgres"),
    "mysql": ("pymysql", "The MySQL and MariaDB driver (PyMySQL)", "mysql"),
    "mariadb": ("pymysql", "The MySQL and MariaDB driver (PyMySQL)", "mysql"),
}
# SQLAlchemy's own choice of driver for a URL that names none.
_DEFAULT_DRIVERS = {"postgresql": "psycopg2", "mysql": "MySQLdb", "mariadb": "MySQLdb"}
# Set for the run's session. A column of instants (PostgreSQL's
# TIMESTAMPTZ, MySQL's TIMESTAMP) gives its dates in the session's time
# zone, which is the server's or this machine's unless set: in UTC, the
# same table tiers the same from anywhere. PostgreSQL compiles a costly
# query to machine code first (JIT, from version 11): the scoring query's
# hundreds of expressions took 7.8 s to compile for a 9.7 s run of a
# million accounts, which ran in 16.1 s with it, so it is turned off where
# the server has it.
_SESSION = {
    "postgresql": (
        "SET TIME ZONE 'UTC'",
        "SELECT set_config('jit', 'off', false) "
        "WHERE current_setting('jit', true) IS NOT NULL",
    ),
    "mysql": ("SET time_zone = '+00:00'",),
    "mariadb": ("SET time_zone = '+00:00'",),
}


@contextmanager
def connect(source: TableSource) -> Iterator[Any]:
    """A SQLAlchemy connection to the source's database, closed afterwards.

    A URL without a driver (``postgresql://``, ``mysql://``) uses the one
    tierwise's extra installs unless SQLAlchemy's own choice is there.

    Raises:
        TierwiseError: when the database's driver is not installed or is
            none SQLAlchemy has for it (:mod:`.drivers`), the server cannot
            be reached or refuses the user, or a query fails.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

    file = source.database_file()  # SQLite would create a missing one
    if file is not None and not file.is_file():
        raise SourceError(
            f"{source.shown()}: there is no SQLite file at {file}; check the path "
            "(sqlite:///relative/path.sqlite, sqlite:////absolute/path.sqlite)"
        )
    try:
        url = make_url(source.url)
    except ArgumentError:
        raise SourceError(f"{source.shown()}: not a database URL") from None
    backend = url.get_backend_name()
    ours = DRIVERS.get(backend)
    if ours and url.drivername == backend and not _installed(_DEFAULT_DRIVERS[backend]):
        url = url.set(drivername=f"{backend}+{ours[0]}")
    checked_dialect(url, source.shown(), ours)
    try:
        # tierwise's SQL carries its values as literals and never binds any:
        # without parameters, drivers such as psycopg and PyMySQL leave a
        # '%' alone (a column named 'Win Probability (%)' failed in both).
        engine = create_engine(url, execution_options={"no_parameters": True})
    except (NoSuchModuleError, ImportError) as error:
        if ours and url.get_driver_name() == ours[0]:
            raise missing_extra(ours[1], ours[2]) from None
        module = getattr(error, "name", None)
        raise not_installed(url, source.shown(), module, ours) from None
    try:
        connection = engine.connect()
    except SQLAlchemyError as error:
        engine.dispose()
        raise TierwiseError(
            f"{source.shown()}: cannot connect "
            f"({without_secrets(_first_line(error), url)}); check the host, port, "
            "user, password and database name in the URL; nothing was written"
        ) from None
    try:
        with connection:
            if backend in _SESSION:
                for setting in _SESSION[backend]:
                    connection.exec_driver_sql(setting)
                connection.commit()  # kept for the session, whatever follows
            yield connection
    except SQLAlchemyError as error:
        raise TierwiseError(
            f"{source.shown()}: the database failed "
            f"({without_secrets(_first_line(error), url)}); "
            "nothing was written there"
        ) from None
    finally:
        engine.dispose()


def spoken_by(database: Any, source: TableSource) -> TableSource:
    """The source with the dialect its server speaks best, once connected.

    A ``mysql://`` URL may reach MariaDB, whose newer collations compare
    and lower-case text exactly as DuckDB does
    (:func:`tierwise.sources.dialects.server_dialect`).
    """
    server = database.dialect
    dialect = server_dialect(
        source.dialect,
        mariadb=bool(getattr(server, "is_mariadb", False)),
        version=tuple(server.server_version_info or ()),
    )
    return dataclasses.replace(source, dialect=dialect)


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
