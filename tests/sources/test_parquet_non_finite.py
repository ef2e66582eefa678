"""NaN and infinities in a Parquet file's float columns, read in place.

The cell reader reads a NaN cell as blank (a repair in the report) and
refuses an infinity. The in-place view read both as numbers: SQL compares
NaN above every number, so an intent score of NaN took the top band's
points, and a column with ``multiply`` stopped the run with a traceback
(NaN cast to a decimal). A file holding either now goes to the cell
reader, or, past its size, is refused naming the rows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tierwise.errors import SourceError
from tierwise.jobs import tier_file
from tierwise.sources import parquet_view as module

AS_OF = date(2026, 9, 30)


def _totals(path: Path, out: Path, mapping: Path | None = None) -> dict[str, float]:
    from tierwise.sources import load_mapping_file

    loaded = None if mapping is None else load_mapping_file(mapping)
    job = tier_file(path, out, AS_OF, mapping=loaded)
    return {row["account_id"]: row["total"] for row in job.run.table().to_pylist()}


def _accounts(tmp_path: Path, scores: list[float | None]) -> Path:
    path = tmp_path / "accounts.parquet"
    ids = [f"a{number}" for number in range(len(scores))]
    table = {"account_id": ids, "name": ids, "intent_score": scores}
    pq.write_table(pa.table(table, schema=_SCHEMA), path)
    return path


_SCHEMA = pa.schema(
    [("account_id", pa.string()), ("name", pa.string()), ("intent_score", pa.float64())]
)


def test_nan_scores_as_a_blank_cell_does(tmp_path: Path) -> None:
    nan = _totals(_accounts(tmp_path, [float("nan"), 90.0]), tmp_path / "nan")
    blank = _totals(_accounts(tmp_path, [None, 90.0]), tmp_path / "blank")

    assert nan == blank
    assert nan["a0"] < nan["a1"]


def test_nan_with_multiply_scores_as_a_blank_cell_does(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "preset: generic\ncolumns:\n  intent_score:\n"
        "    column: intent_score\n    multiply: 1\n"
    )

    nan = _totals(_accounts(tmp_path, [float("nan"), 90.0]), tmp_path / "n", mapping)
    blank = _totals(_accounts(tmp_path, [None, 90.0]), tmp_path / "b", mapping)

    assert nan == blank


@pytest.mark.parametrize("value", [float("inf"), float("-inf")])
def test_an_infinity_is_refused_naming_its_row(tmp_path: Path, value: float) -> None:
    path = _accounts(tmp_path, [40.0, value])

    with pytest.raises(
        SourceError,
        match=r"row 2, column 'intent_score' \(intent_score\): -?inf is not a "
        r"finite number \(NaN or an infinity\)\n",
    ):
        tier_file(path, tmp_path / "out", AS_OF)


def test_past_the_cell_readers_size_the_rows_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "CELL_READER_MAX_ROWS", 2)
    path = _accounts(tmp_path, [40.0, float("nan"), 50.0, float("inf")])

    with pytest.raises(SourceError) as caught:
        tier_file(path, tmp_path / "out", AS_OF)

    assert str(caught.value).splitlines()[1] == (
        "  2 cells in rows 2 and 4, column 'intent_score' (intent_score): nan, "
        "inf; each is not a finite number (NaN or an infinity)"
    )
    assert not (tmp_path / "out").exists()


def test_past_the_cell_readers_size_each_column_is_named_as_the_file_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The message named the rows but not the column, so a file with a
    dozen number columns left the user to search each; it is worded as the
    cell reader and a table's checks word it, with the fix."""
    monkeypatch.setattr(module, "CELL_READER_MAX_ROWS", 2)
    path = tmp_path / "accounts.parquet"
    ids = ["a0", "a1", "a2"]
    table = {
        "account_id": ids,
        "name": ids,
        "Buying Intent": [40.0, float("-inf"), 50.0],
        "Headcount": [10.0, 20.0, float("nan")],
    }
    pq.write_table(pa.table(table), path)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "preset: generic\ncolumns:\n  intent_score: Buying Intent\n"
        "  employees: Headcount\n"
    )
    from tierwise.sources import load_mapping_file

    with pytest.raises(SourceError) as caught:
        tier_file(path, tmp_path / "out", AS_OF, mapping=load_mapping_file(mapping))

    assert str(caught.value) == (
        "accounts.parquet: 2 cell(s) cannot be read; nothing was imported.\n"
        "  row 2, column 'Buying Intent' (intent_score): -inf is not a finite "
        "number (NaN or an infinity)\n"
        "  row 3, column 'Headcount' (employees): nan is not a finite number "
        "(NaN or an infinity)\n"
        "Per column: 'Buying Intent' (intent_score) 1, 'Headcount' (employees) 1\n"
        "To fix:\n"
        "  intent_score: correct the value, or write it as null where it is "
        "unknown\n"
        "  employees: correct the value, or write it as null where it is unknown"
    )


def test_a_count_of_minus_infinity_is_named_as_no_finite_number(
    tmp_path: Path,
) -> None:
    """The cell reader called it below zero and asked for a count of 0 or
    more, where an infinity is no number at all."""
    path = tmp_path / "accounts.parquet"
    table = {"account_id": ["a0"], "name": ["A"], "employees": [float("-inf")]}
    pq.write_table(pa.table(table), path)

    with pytest.raises(SourceError) as caught:
        tier_file(path, tmp_path / "out", AS_OF)

    assert "row 1, column 'employees' (employees): -inf is not a finite number" in (
        str(caught.value)
    )
    assert "below zero" not in str(caught.value)
