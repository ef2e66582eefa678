"""``postgres://``, libpq's and many hosts' spelling of a PostgreSQL URL.

``--source postgres://…::accounts`` was refused as "'postgres' is not a
database tierwise writes SQL for", while the store's ``--db`` took the same
URL. Both read it, and ``postgres+DRIVER://``, as PostgreSQL, through the
same code.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from tests.postgres import POSTGRES, load_table, own_schema

from tierwise.engine.backends.connections import connect
from tierwise.errors import TierwiseError
from tierwise.sources.database import parse_source
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)


@pytest.mark.parametrize(
    ("text", "url"),
    [
        pytest.param(
            "postgres://ann@127.0.0.1/test::crm.accounts",
            "postgresql://ann@127.0.0.1/test",
            id="postgres",
        ),
        pytest.param(
            "postgres+psycopg://ann@127.0.0.1/test::crm.accounts",
            "postgresql+psycopg://ann@127.0.0.1/test",
            id="postgres-with-driver",
        ),
        pytest.param(
            "Postgres://ann@127.0.0.1/test::crm.accounts",
            "postgresql://ann@127.0.0.1/test",
            id="capitalised",
        ),
    ],
)
def test_a_postgres_url_is_read_as_postgresql(text: str, url: str) -> None:
    source = parse_source(text)

    assert (source.url, source.dialect) == (url, "postgres")
    assert source.shown() == f"{url}::crm.accounts"


def test_a_postgres_url_with_an_unknown_driver_lists_postgresqls() -> None:
    source = parse_source("postgres+nodriver://127.0.0.1/test::accounts")

    with pytest.raises(TierwiseError) as caught, connect(source):
        pass

    assert "SQLAlchemy has no driver 'nodriver' for postgresql; write one of" in str(
        caught.value
    )


@pytest.mark.postgres
def test_a_table_is_tiered_through_a_postgres_url(tmp_path: Path) -> None:
    spelled = POSTGRES.replace("postgresql://", "postgres://", 1)
    accounts = pa.table({"account_id": ["a1", "a2"], "name": ["Acme", "Birch"]})

    with own_schema("tierwise_spelled") as (admin, schema):
        load_table(admin, schema, "accounts", accounts)
        job = tier_table(f"{spelled}::{schema}.accounts", tmp_path / "out", AS_OF)

    assert job.report.rows_used == 2
