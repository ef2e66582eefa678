"""A Parquet file read in place is checked for repeated account ids by
sorting their hashes in parts, on threads, then merging the parts: a repeat
is found wherever its rows lie, within a part or across parts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tierwise.model import load_model
from tierwise.sources import load_preset
from tierwise.sources import parquet_view as module
from tierwise.sources.parquet_view import parquet_view
from tierwise.sources.report import ImportReport

ROWS = 10


@pytest.fixture(autouse=True)
def parts_of_any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    # Hashes are sorted in parts from a million of them on; a part of one
    # hash stands in for that here, so these files are sorted in parts.
    monkeypatch.setattr(module, "SORT_PART_MIN", 1)


def _view(tmp_path: Path, ids: list[str]) -> ImportReport | None:
    path = tmp_path / "accounts.parquet"
    names = [account.upper() for account in ids]
    table = pa.table(
        {"account_id": pa.array(ids, pa.string()), "name": pa.array(names, pa.string())}
    )
    pq.write_table(table, path)
    fields, mapping = load_model().read_fields(), load_preset("generic")
    return parquet_view(duckdb.connect(), path, fields, mapping)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(0, ROWS - 1, id="first-and-last-rows"),
        pytest.param(ROWS // 2 - 1, ROWS // 2, id="either-side-of-the-halves"),
        pytest.param(0, 1, id="side-by-side-in-one-part"),
        pytest.param(3, 7, id="apart-in-different-parts"),
    ],
)
def test_a_repeated_id_is_found_wherever_its_rows_lie(
    first: int, second: int, tmp_path: Path
) -> None:
    ids = [f"id-{row}" for row in range(ROWS)]
    ids[second] = ids[first]

    # A small file that repeats an id is left to the cell-by-cell reader.
    assert _view(tmp_path, ids) is None


def test_a_file_of_distinct_ids_is_read_in_place(tmp_path: Path) -> None:
    report = _view(tmp_path, [f"id-{row}" for row in range(ROWS)])

    assert report is not None
    assert (report.rows_read, report.rows_used) == (ROWS, ROWS)


@pytest.mark.parametrize(
    "ids", [pytest.param([], id="empty"), pytest.param(["only"], id="one-row")]
)
def test_an_empty_or_one_row_file_is_read_in_place(
    ids: list[str], tmp_path: Path
) -> None:
    report = _view(tmp_path, ids)

    assert report is not None
    assert (report.rows_read, report.rows_used, report.skipped) == (
        len(ids),
        len(ids),
        [],
    )


@pytest.mark.parametrize("parts", [1, 2, 3, 7, 12])
def test_hashes_sorted_in_parts_end_sorted(parts: int) -> None:
    hashes = np.random.default_rng(7).integers(0, 2**64 - 1, 11, dtype=np.uint64)
    hashes[10] = hashes[0]
    expected = np.sort(hashes)

    module._sort_in_parts(hashes, parts)

    assert hashes.tolist() == expected.tolist()
