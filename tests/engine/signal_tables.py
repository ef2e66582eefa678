"""Matched signal tables built directly in DuckDB, as the readers leave them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from tierwise.engine.compile import compile_model
from tierwise.engine.signals import MATCHED_TABLES
from tierwise.model import TieringModel, load_model
from tierwise.sources.tables import first_data_row

AS_OF = date(2026, 9, 30)

SCHEMAS = {
    "activity": pa.schema(
        [
            ("account_id", pa.string()),
            ("occurred_on", pa.date32()),
            ("kind", pa.string()),
            ("weight", pa.float64()),
            ("source_row", pa.int64()),
        ]
    ),
    "intent": pa.schema(
        [
            ("account_id", pa.string()),
            ("topic", pa.string()),
            ("score", pa.float64()),
            ("week", pa.date32()),
            ("source_row", pa.int64()),
        ]
    ),
    "contacts": pa.schema(
        [
            ("account_id", pa.string()),
            ("contact_id", pa.string()),
            ("level", pa.string()),
            ("role", pa.string()),
            ("title", pa.string()),
            ("engagement", pa.float64()),
            ("source_row", pa.int64()),
        ]
    ),
    "events": pa.schema(
        [
            ("account_id", pa.string()),
            ("kind", pa.string()),
            ("occurred_on", pa.date32()),
            ("source_row", pa.int64()),
        ]
    ),
}


def days_ago(days: int) -> date:
    return AS_OF - timedelta(days)


def register(
    connection: duckdb.DuckDBPyConnection,
    source: str,
    rows: Sequence[dict[str, Any]],
) -> None:
    """Create the matched table of ``source`` from ``rows``.

    Rows without a ``source_row`` are numbered as the reader numbers the
    rows of a CSV with a header row: the header is row 1, so the first
    given row is row 2.
    """
    schema = SCHEMAS[source]
    numbered = [
        {**row, "source_row": row.get("source_row", number)}
        for number, row in enumerate(rows, start=first_data_row(1))
    ]
    full = [{name: row.get(name) for name in schema.names} for row in numbered]
    table = pa.Table.from_pylist(full, schema=schema)
    connection.register(f"{source}_rows", table)
    connection.execute(
        f'CREATE OR REPLACE TABLE "{MATCHED_TABLES[source]}" AS '
        f"SELECT * FROM {source}_rows"
    )


def accounts_table(ids: Collection[str], **columns: list[Any]) -> pa.Table:
    data: dict[str, list[Any]] = {
        "account_id": list(ids),
        "name": [f"Account {i}" for i in ids],
    }
    data.update(columns)
    return pa.Table.from_pydict(data)


def source_rows(
    connection: duckdb.DuckDBPyConnection,
    model: TieringModel,
    sources: Collection[str],
    accounts: pa.Table,
    as_of: date = AS_OF,
) -> dict[str, dict[str, Any]]:
    """The ``source`` step of the query: each account's fields, by id."""
    connection.register("accounts", accounts)
    compiled = compile_model(
        model, as_of, accounts.column_names, signal_sources=sources
    )
    cursor = connection.sql(compiled.step_query("source").sql(dialect="duckdb"))
    names = cursor.columns
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {row["account_id"]: row for row in rows}


def model_with_signals(**sections: Any) -> TieringModel:
    """The default model with some ``signals:`` sections replaced."""
    document = load_model().model_dump(by_alias=True, exclude_unset=True)
    document["signals"] = {**document["signals"], **sections}
    return TieringModel.model_validate(document)
