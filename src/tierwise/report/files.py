"""Flat exports: CSV files (for people or for a machine) and Parquet.

Two kinds of CSV leave tierwise. Files for people are opened in a
spreadsheet, so their text is made safe (case 18) and they start with a
UTF-8 byte-order mark, which tells Excel the encoding. Files a machine
re-imports (the Salesforce and HubSpot files, or any CSV with ``raw``) must
keep values exactly: ``raw`` writes text as it is, and only an explicit
``--raw`` asks for it. Without it, even the CRM files go through the same
neutraliser; they hold ids, codes and numbers only, so in practice nothing
in them changes.

Parquet keeps types and is read by tools, not spreadsheets; it is written by
DuckDB from the Arrow table, never through pandas.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from tierwise.engine.run import open_connection
from tierwise.report.cells import for_people
from tierwise.report.people import Kind, people_columns, people_rows
from tierwise.report.results import Results

__all__ = ["write_csv", "write_parquet", "write_people_csv"]

log = logging.getLogger(__name__)


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    text_columns: Sequence[bool],
    raw: bool = False,
    for_spreadsheets: bool = False,
) -> int:
    """Write ``rows`` under ``header``; return how many rows were written.

    Args:
        text_columns: for each column, whether it holds text (made safe
            unless ``raw``) rather than numbers (always written as they are).
        raw: keep text exactly, for a machine import (case 18's explicit mode).
        for_spreadsheets: start with a byte-order mark so Excel reads UTF-8.
    """
    encoding = "utf-8-sig" if for_spreadsheets else "utf-8"
    written = 0
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([_text(name, raw) for name in header])
        for row in rows:
            writer.writerow(
                [
                    _cell(value, is_text, raw)
                    for value, is_text in zip(row, text_columns, strict=True)
                ]
            )
            written += 1
    log.info("wrote %d rows to %s", written, path)
    return written


def write_people_csv(results: Results, path: Path, raw: bool = False) -> int:
    """The workbook's columns as one CSV, every tier in one table, for people."""
    columns = people_columns(results)
    return write_csv(
        path,
        [column.header for column in columns],
        people_rows(results.table, columns),
        [column.kind is Kind.TEXT for column in columns],
        raw=raw,
        for_spreadsheets=True,
    )


def write_parquet(results: Results, path: Path) -> int:
    """The results with their run's as-of date and model name, as Parquet.

    The two added columns let results of several runs be stacked in one
    table and still be told apart.
    """
    table: pa.Table = results.table
    connection = open_connection()
    connection.register("results", table)
    as_of = results.manifest.get("as_of")
    target = str(path).replace("'", "''")
    connection.execute(
        f"""COPY (
              SELECT *, CAST(? AS DATE) AS "as_of", ? AS "model"
              FROM results
            ) TO '{target}' (FORMAT parquet)""",
        [as_of, results.model.name],
    )
    connection.close()
    log.info("wrote %d rows to %s", table.num_rows, path)
    return int(table.num_rows)


def _cell(value: Any, is_text: bool, raw: bool) -> Any:
    if value is None:
        return ""
    if is_text:
        return _text(str(value), raw)
    return value


def _text(text: str, raw: bool) -> str:
    return text if raw else for_people(text)
