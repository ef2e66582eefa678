"""A MariaDB database of a test's own, on the server the tests share.

The server is the local one at 127.0.0.1:3306 (user root, no password), or
``$TIERWISE_TEST_MARIADB_URL``. Off CI an unreachable server, or a missing
driver, skips the test; on CI (``$CI`` set) it fails it, since the MariaDB
cases must run. In MySQL and MariaDB a schema is a database, so each test
gets a database named ``<prefix>_<random>``, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

MARIADB = os.environ.get(
    "TIERWISE_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"
)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the MariaDB cases must run)")
    pytest.skip(reason)


@contextmanager
def own_database(prefix: str) -> Iterator[tuple[Any, str]]:
    """An autocommit PyMySQL connection and a new database named
    ``<prefix>_<random>``, dropped with everything in it afterwards."""
    from sqlalchemy.engine import make_url

    try:
        import pymysql
    except ImportError:
        _unavailable("PyMySQL is not installed: pip install -e '.[dev]'")
    url = make_url(MARIADB)
    try:
        admin = pymysql.connect(
            host=url.host,
            port=url.port or 3306,
            user=url.username,
            password=url.password or "",
            charset="utf8mb4",
            autocommit=True,
            connect_timeout=3,
        )
    except pymysql.err.OperationalError as error:
        _unavailable(f"MariaDB at {url.render_as_string()} is unreachable: {error}")
    database = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE `{database}`")
        yield admin, database
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{database}`")
        admin.close()


def source_url(database: str) -> str:
    """The test server's URL with ``database`` as its database."""
    from sqlalchemy.engine import make_url

    url = make_url(MARIADB).set(database=database)
    return url.render_as_string(hide_password=False)


# A column's type in MariaDB, by its Arrow type (BOOLEAN is TINYINT(1)).
MARIADB_TYPES = {
    "string": "TEXT",
    "double": "DOUBLE",
    "bool": "BOOLEAN",
    "date32[day]": "DATE",
    "int64": "BIGINT",
}


def load_table(admin: Any, database: str, name: str, table: Any) -> None:
    """Create ``database.name`` with the Arrow ``table``'s columns and rows.

    The table keeps the server's default collation, which compares text
    without case or accents: what tierwise must not rely on.
    """
    columns = ", ".join(
        f"`{field.name}` {MARIADB_TYPES[str(field.type)]}" for field in table.schema
    )
    marks = ", ".join(["%s"] * len(table.schema))
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE TABLE `{database}`.`{name}` ({columns})")
        cursor.executemany(
            f"INSERT INTO `{database}`.`{name}` VALUES ({marks})",
            [tuple(row.values()) for row in table.to_pylist()],
        )
