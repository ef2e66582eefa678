"""Reading a Parquet file: the schema first, then only the mapped columns.

Parquet stores columns apart, so a wide export costs only the columns the
mapping uses. Rows are numbered from 1, the first record, as a Parquet viewer
counts them; there is no header row to count.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tierwise.errors import SourceError
from tierwise.progress import QUIET, Progress
from tierwise.sources.tables import Cell, first_data_row

__all__ = ["ParquetTable"]

log = logging.getLogger(__name__)


class ParquetTable:
    """A Parquet file whose columns are read when they are asked for.

    ``progress`` is told the rows read once the columns are.
    """

    def __init__(self, path: Path, progress: Progress = QUIET) -> None:
        import pyarrow.parquet as pq

        self.path = path
        self.progress = progress
        self.blank_rows: list[int] = []
        self.notes: list[str] = []
        try:
            schema = pq.read_schema(path)
        except (OSError, ValueError) as error:
            raise _unreadable(path, error) from None
        self.headers: list[str] = [str(name) for name in schema.names]

    def take(self, indices: Sequence[int]) -> tuple[list[int], dict[int, list[Cell]]]:
        """Row numbers and the cells of the given columns, read from disk."""
        import pyarrow.parquet as pq

        names = [self.headers[index] for index in indices]
        try:
            table = pq.read_table(self.path, columns=names)
        except (OSError, ValueError) as error:
            raise _unreadable(self.path, error) from None
        self.progress.advance_to(table.num_rows)

        start = first_data_row(None)
        numbers = list(range(start, start + table.num_rows))
        cells: dict[int, list[Cell]] = {}
        for index, name in zip(indices, names, strict=True):
            values: list[Any] = table.column(name).to_pylist()
            cells[index] = values
        return numbers, cells


def _unreadable(path: Path, error: Exception) -> SourceError:
    return SourceError(
        f"{path.name}: not a readable Parquet file ({error}); write it again "
        "with pyarrow, pandas, polars or DuckDB"
    )
