"""A PostgreSQL schema of a test's own, on the server the tests share.

The server is the local one at 127.0.0.1:5432 (database ``test``), or
``$TIERWISE_TEST_POSTGRES_URL``. Off CI an unreachable server skips the
test; on CI (``$CI`` set) it fails it, since the PostgreSQL cases must run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

POSTGRES = os.environ.get(
    "TIERWISE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@contextmanager
def own_schema(prefix: str) -> Iterator[tuple[Any, str]]:
    """An autocommit connection and a new schema named ``<prefix>_<random>``,
    dropped with everything in it afterwards."""
    psycopg = pytest.importorskip("psycopg", reason="pip install -e '.[dev]'")
    try:
        admin = psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        reason = f"PostgreSQL at {POSTGRES} is unreachable: {error}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so the PostgreSQL cases must run)")
        pytest.skip(reason)
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        yield admin, schema
    finally:
        admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.close()


# A column's type in PostgreSQL, by its Arrow type.
POSTGRES_TYPES = {
    "string": "text",
    "double": "double precision",
    "bool": "boolean",
    "date32[day]": "date",
    "int64": "bigint",
}


def load_table(admin: Any, schema: str, name: str, table: Any) -> None:
    """Create ``schema.name`` with the Arrow ``table``'s columns and rows."""
    columns = ", ".join(
        f'"{field.name}" {POSTGRES_TYPES[str(field.type)]}' for field in table.schema
    )
    admin.execute(f'CREATE TABLE "{schema}"."{name}" ({columns})')
    with admin.cursor().copy(f'COPY "{schema}"."{name}" FROM STDIN') as copy:
        for row in table.to_pylist():
            copy.write_row(list(row.values()))
