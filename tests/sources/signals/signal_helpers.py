"""Small portfolios and signal files for the reading tests, in tmp_path."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from tierwise.model import TieringModel
from tierwise.sources import load_preset, read_accounts
from tierwise.sources.signals import SignalFile, SignalReport, load_signals

AS_OF = date(2026, 9, 30)

ACCOUNTS = """account_id,name,domain
acc-1,Lumen Grid,https://www.lumengrid.example/
acc-2,Kestrel Row,kestrelrow.example
acc-3,Juniper Mesa,junipermesa.example
acc-4,Juniper Mesa EU,eu.junipermesa.example
acc-5,Orchid Bay,orchidbay.example
"""


def portfolio(
    tmp_path: Path, model: TieringModel, text: str = ACCOUNTS
) -> duckdb.DuckDBPyConnection:
    """A connection with the accounts of ``text`` as the view ``accounts``."""
    path = tmp_path / "accounts.csv"
    path.write_text(text, encoding="utf-8")
    table, _ = read_accounts(path, model.field_kinds(), load_preset("generic"))
    connection = duckdb.connect()
    connection.register("accounts", table)
    return connection


def load(
    connection: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    model: TieringModel,
    kind: str,
    name: str,
    content: str | bytes,
    as_of: date = AS_OF,
    columns: dict[str, str] | None = None,
) -> SignalReport:
    """Write one signal file and load it into ``connection``."""
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    signal = SignalFile(kind, path, columns or {})
    return load_signals(connection, [signal], model, as_of, tmp_path / "scratch")


def rows(
    connection: duckdb.DuckDBPyConnection, table: str, *columns: str
) -> list[tuple[Any, ...]]:
    """The table's chosen columns, in file order."""
    listed = ", ".join(columns)
    return connection.sql(
        f"SELECT {listed} FROM {table} ORDER BY source_row"
    ).fetchall()


def in_zone(model: TieringModel, zone: str) -> TieringModel:
    """The model with its signals read in ``zone``."""
    assert model.signals is not None
    signals = model.signals.model_copy(update={"timezone": zone})
    return model.model_copy(update={"signals": signals})
