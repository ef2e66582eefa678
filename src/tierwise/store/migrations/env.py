"""Alembic's entry point for the store's migrations.

`tierwise.store.migrate` passes an open connection, already inside a write
transaction that holds the store's lock, through ``config.attributes``.
"""

from __future__ import annotations

from alembic import context

from tierwise.store.migrate import VERSION_TABLE
from tierwise.store.tables import Base


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "the tierwise migrations run through tierwise.store.migrate.upgrade, "
            "which passes a connection; they are not meant for the alembic command"
        )
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        transactional_ddl=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
