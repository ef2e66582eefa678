"""The driver a ``--source`` or store URL names, and how to get one that works.

A URL names its database and may name a driver (``postgresql+pg8000``).
Two mistakes look alike when the engine is made, and have different
fixes: a driver SQLAlchemy knows for the database but that is not
installed here is fixed by a pip install, while a name it does not know
(a typo), or one of its asyncio drivers (tierwise runs plain queries,
which they cannot), is fixed by writing another, so the error lists the
drivers there are. A database SQLAlchemy does not bring itself
(Snowflake, BigQuery…) needs its dialect's package first.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from tierwise.errors import TierwiseError

__all__ = ["checked_dialect", "not_installed"]

# The package pip installs for a driver's Python module, where the names
# differ; any other is named by its module.
PIP_PACKAGES = {
    "psycopg2": "psycopg2-binary",
    "MySQLdb": "mysqlclient",
    "mysql": "mysql-connector-python",
    "mysql.connector": "mysql-connector-python",
    "cx_Oracle": "cx-oracle",
}
# The package that gives SQLAlchemy a database it does not bring itself.
DIALECT_PACKAGES = {
    "snowflake": "snowflake-sqlalchemy",
    "bigquery": "sqlalchemy-bigquery",
    "redshift": "sqlalchemy-redshift",
    "databricks": "databricks-sqlalchemy",
    "clickhouse": "clickhouse-sqlalchemy",
}
# SQLAlchemy's folder of drivers for a database, where it is another's.
_DRIVER_FOLDERS = {"mariadb": "mysql"}


def checked_dialect(url: Any, shown: str, ours: tuple[str, str, str] | None) -> None:
    """Refuse a URL whose driver SQLAlchemy has no dialect for, or whose
    driver is an asyncio one, listing the drivers that would do.

    ``url`` is SQLAlchemy's URL, ``shown`` the source as errors show it,
    and ``ours`` the driver tierwise's extra installs for the database
    (:data:`tierwise.engine.backends.connections.DRIVERS`), if any.

    Raises:
        TierwiseError: naming the drivers there are, or the package that
            brings the database's dialect.
    """
    from sqlalchemy.exc import NoSuchModuleError

    # As written: SQLAlchemy names the default driver only once loaded.
    backend, driver = url.get_backend_name(), url.drivername.partition("+")[2]
    try:
        dialect = url.get_dialect()
    except NoSuchModuleError:
        if _has_dialect(url):
            raise TierwiseError(
                f"{shown}: SQLAlchemy has no driver {driver!r} for {backend}; "
                + _write_instead(backend, ours)
            ) from None
        package = DIALECT_PACKAGES.get(backend)
        how = (
            f"install it with `pip install {package}`"
            if package
            else "install the package that brings it"
        )
        raise TierwiseError(
            f"{shown}: SQLAlchemy's dialect for {backend} is not installed; {how}"
        ) from None
    if getattr(dialect, "is_async", False):
        raise TierwiseError(
            f"{shown}: {dialect.driver} is a driver for asyncio programs, which "
            "tierwise does not use; " + _write_instead(backend, ours)
        )


def not_installed(
    url: Any, shown: str, module: str | None, ours: tuple[str, str, str] | None
) -> TierwiseError:
    """The error for a driver SQLAlchemy knows whose Python ``module`` is
    not here (the driver's name when not known), with its pip install line."""
    backend, driver = url.get_backend_name(), url.get_driver_name()
    module = module or driver
    package = PIP_PACKAGES.get(module, PIP_PACKAGES.get(module.split(".")[0]))
    how = (
        f"install it with `pip install {package or module}`"
        if package or "." not in module
        else f"install the package that provides the module {module}"
    )
    message = f"{shown}: the driver {driver} for {backend} is not installed; {how}"
    if ours is not None and ours[0] != driver:
        message += (
            f", or write {backend}+{ours[0]}, which "
            f"`pip install 'tierwise[{ours[2]}]'` installs"
        )
    return TierwiseError(message)


def _has_dialect(url: Any) -> bool:
    """Whether SQLAlchemy has a dialect for the URL's database at all."""
    from sqlalchemy.exc import NoSuchModuleError

    try:
        url.set(drivername=url.get_backend_name()).get_dialect()
    except NoSuchModuleError:
        return False
    return True


def _write_instead(backend: str, ours: tuple[str, str, str] | None) -> str:
    """What to write in the URL instead: the database's drivers that run
    plain queries, and the one tierwise's extra installs."""
    drivers = ", ".join(f"{backend}+{name}" for name in drivers_for(backend))
    advice = f"write one of {drivers}" if drivers else "leave out the driver"
    if ours is not None:
        advice += (
            f" ({backend}+{ours[0]} is the one `pip install "
            f"'tierwise[{ours[2]}]'` installs)"
        )
    return advice


def drivers_for(backend: str) -> list[str]:
    """The drivers SQLAlchemy brings for ``backend`` that run plain
    queries, by the names a URL gives them; none for a database whose
    dialect comes from another package.

    >>> "psycopg" in drivers_for("postgresql")
    True
    """
    folder = _DRIVER_FOLDERS.get(backend, backend)
    try:
        package = importlib.import_module(f"sqlalchemy.dialects.{folder}")
    except ImportError:
        return []
    names = set()
    for module in pkgutil.iter_modules(package.__path__):
        if module.name == "base":  # the database's default, under another name
            continue
        found = importlib.import_module(f"{package.__name__}.{module.name}")
        dialect = getattr(found, "dialect", None)
        if dialect is not None and not getattr(dialect, "is_async", False):
            names.add(str(dialect.driver))
    return sorted(names)
