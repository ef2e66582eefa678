"""Text trimmed in SQL only when an end needs it gives the reader's result.

The engine's text keys and the Parquet view skip the costly set TRIM for
text that starts and ends with printable ASCII; every other text is trimmed.
These cases sit on both sides of that guard.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlglot import exp

from tierwise.engine.sql import col, normalised_text
from tierwise.model.fields import FieldKind
from tierwise.sources import load_preset
from tierwise.sources.parquet_view import parquet_view
from tierwise.sources.values import trim

TEXTS = [
    "Technology",
    " Technology",
    "Technology ",
    "\tTechnology\u00a0",
    "\u200bTech",
    "Tech\ufeff",
    "Tech\u2060",
    "\u3000Ünited\u3000",
    "é tech",
    "tech é",
    "Ärzte\u0085",
    "x\u2000",
    "a",
    "~",
    "!",
    "",
    " ",
    "\u00a0",
    "\t\n\r",
    "\u200b\u200c",
    "a b",
    "\x7fdel",
]


def test_engine_text_key_is_the_readers_trim_lower_cased() -> None:
    connection = duckdb.connect()
    connection.register("texts", pa.table({"text": TEXTS}))
    key = normalised_text(col("text")).sql(dialect="duckdb")

    rows = connection.sql(f'SELECT "text", {key} FROM texts').fetchall()

    assert {text: keyed for text, keyed in rows} == {
        text: trim(text).lower() for text in TEXTS
    }


@pytest.mark.parametrize("dialect", ["duckdb", "spark", "postgres"])
def test_the_guard_renders_in_each_dialect(dialect: str) -> None:
    rendered = normalised_text(col("text")).sql(dialect=dialect)

    assert "ASCII(" in rendered and "TRIM(" in rendered
    assert isinstance(normalised_text(col("text")), exp.Lower)


def test_parquet_view_trims_like_the_cell_reader(tmp_path: Path) -> None:
    path = tmp_path / "texts.parquet"
    ids = [f"id-{number}" for number in range(len(TEXTS))]
    pq.write_table(
        pa.table({"account_id": ids, "name": ["N"] * len(TEXTS), "industry": TEXTS}),
        path,
    )
    connection = duckdb.connect()
    fields = {
        "account_id": FieldKind.TEXT,
        "name": FieldKind.TEXT,
        "industry": FieldKind.TEXT,
    }

    report = parquet_view(connection, path, fields, load_preset("generic"))

    assert report is not None
    rows = dict(connection.sql("SELECT account_id, industry FROM accounts").fetchall())
    assert rows == {
        account: trim(text) or None for account, text in zip(ids, TEXTS, strict=True)
    }
