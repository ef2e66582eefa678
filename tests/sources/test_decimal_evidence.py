"""A column's own cells decide its decimal mark when the mapping sets none.

``50,000`` reads as 50000 with ``.`` as the decimal mark and as 50 with
``,``. A cell of the same column that reads with one mark only settles it
for the whole column, in either direction: ``1,000,000`` or ``12.5`` shows
``.``; ``1.000.000`` or ``12,5`` shows ``,``, and the column is then read
with ``,``. Such cells are counted in the report with the row that decided
them, not flagged one by one. A column whose cells show no mark keeps each
ambiguous cell as a problem; one whose cells show both is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest

from tierwise.errors import SourceError
from tierwise.model.fields import FieldKind
from tierwise.sources import ColumnMapping, ColumnSpec, ImportReport, read_accounts
from tierwise.sources.numbers import read_number

WriteFile = Callable[..., Path]

FIELDS = {"account_id": FieldKind.TEXT, "name": FieldKind.TEXT}
BY_NAME = {"account_id": ColumnSpec("Account"), "name": ColumnSpec("Account")}
AMBIGUOUS = "could also be read with the other decimal mark"


def read_column(
    write_file: WriteFile,
    cells: list[str],
    field: str = "potential_acv",
    decimal: str | None = None,
) -> tuple[list[float | None], ImportReport]:
    lines = ["Account;Value", *(f"Acme {i};{cell}" for i, cell in enumerate(cells))]
    path = write_file("values.csv", "\n".join(lines) + "\n")
    spec = {**BY_NAME, field: ColumnSpec("Value")}
    mapping = ColumnMapping("test", spec, decimal=decimal)
    table, report = read_accounts(path, {**FIELDS, field: FieldKind.NUMBER}, mapping)
    values: pa.ChunkedArray = table.column(field)
    return values.to_pylist(), report


def decimal_flags(report: ImportReport) -> list[tuple[int, bool]]:
    return [
        (flag.row, flag.problem) for flag in report.flags if flag.reason == AMBIGUOUS
    ]


def test_two_commas_settle_a_thousands_comma_for_the_column(
    write_file: WriteFile,
) -> None:
    # The reported column: 23 cells of 50,000 beside six of 1,000,000.
    cells = ["50,000"] * 23 + ["1,000,000"] * 6 + ["75000"]

    values, report = read_column(write_file, cells)

    assert values == [50_000.0] * 23 + [1_000_000.0] * 6 + [75_000.0]
    assert decimal_flags(report) == []
    settled = [tally for tally in report.repairs if "as row" in tally.what]
    assert [(t.what, t.count, t.example) for t in settled] == [
        (
            "read with '.' as the decimal mark, as row 25 ('1,000,000') shows for "
            "the column (the other mark would give another number)",
            23,
            "row 2: '50,000' → 50000.0",
        )
    ]


def test_two_points_read_the_column_with_a_decimal_comma(
    write_file: WriteFile,
) -> None:
    values, report = read_column(
        write_file, ["50.000", "1.000.000", "75000", "2,5", "1.000-5.000"]
    )

    assert values == [50_000.0, 1_000_000.0, 75_000.0, 2.5, 1_000.0]
    assert decimal_flags(report) == []
    assert report.problem_rows() == []
    assert (
        "potential_acv ('Value'): no decimal mark is set, so the column is read "
        "with ',' as its decimal mark: row 3 ('1.000.000') reads only with it; "
        "set `decimal:` for the column in a mapping file if that is wrong"
    ) in report.notes


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        pytest.param(["1,250", "12.5"], [1250.0, 12.5], id="plain-point-fraction"),
        pytest.param(["1,250", "$1.2M"], [1250.0, 1.2e6], id="point-in-magnitude"),
        pytest.param(["1,250", "1,250.75"], [1250.0, 1250.75], id="both-marks"),
        pytest.param(["1.250", "12,5"], [1250.0, 12.5], id="comma-fraction"),
        pytest.param(["1.250", "1.250,75"], [1250.0, 1250.75], id="both-marks-eu"),
        pytest.param(["1,250", "12,34,567"], [1250.0, 1234567.0], id="indian"),
    ],
)
def test_one_cell_that_reads_one_way_only_settles_its_neighbours(
    write_file: WriteFile, cells: list[str], expected: list[float]
) -> None:
    values, report = read_column(write_file, cells)

    assert (values, decimal_flags(report)) == (expected, [])


@pytest.mark.parametrize(
    "cells",
    [
        pytest.param(["1,250", "3,500"], id="commas"),
        pytest.param(["1.250", "3.500"], id="points"),
        pytest.param(["1 250 000", "1,250", "3,500"], id="space-groups-show-no-mark"),
    ],
)
def test_a_column_that_shows_no_mark_keeps_its_cells_as_problems(
    write_file: WriteFile, cells: list[str]
) -> None:
    _, report = read_column(write_file, cells)

    rows = [row for row, cell in enumerate(cells, start=2) if cell != "1 250 000"]
    assert decimal_flags(report) == [(row, True) for row in rows]


def test_a_column_that_shows_both_marks_is_refused(write_file: WriteFile) -> None:
    with pytest.raises(SourceError) as caught:
        read_column(write_file, ["1,000,000", "1.000.000", "5,000"])

    assert str(caught.value).splitlines()[1] == (
        "  row 3, column 'Value' (potential_acv): '1.000.000' is not a number"
    )


def test_a_mark_the_mapping_sets_is_not_overruled_by_the_cells(
    write_file: WriteFile,
) -> None:
    with pytest.raises(SourceError, match=r"'1\.000\.000' is not a number"):
        read_column(write_file, ["50.000", "1.000.000"], decimal=".")


def test_a_count_column_is_settled_by_the_mark_that_reads_it_as_counts(
    write_file: WriteFile,
) -> None:
    # 3.000 is 3 or 3000 employees; 1.250 is a count only with "," (1.25 is
    # no count), so the column is read with ",".
    values, report = read_column(write_file, ["3.000", "1.250"], "employees")

    assert (values, decimal_flags(report)) == ([3000.0, 1250.0], [])


def test_a_count_column_that_shows_both_marks_is_refused(
    write_file: WriteFile,
) -> None:
    with pytest.raises(SourceError) as caught:
        read_column(write_file, ["1,200", "1.250"], "employees")

    lines = str(caught.value).splitlines()
    assert lines[1] == (
        "  row 3, column 'Value' (employees): '1.250' is not a whole number, as "
        "a count must be"
    )
    assert lines[-1].startswith('  employees: set `decimal: ","`')


@pytest.mark.parametrize(
    ("text", "decimal", "evidence"),
    [
        pytest.param("1,000,000", ".", True, id="two-comma-groups"),
        pytest.param("12.5", ".", True, id="point-fraction"),
        pytest.param("1.000.000", ",", True, id="two-point-groups"),
        pytest.param("1 250 000", ".", False, id="space-groups"),
        pytest.param("1 250 000", ",", False, id="space-groups-comma"),
        pytest.param("1,250", ".", False, id="ambiguous"),
        pytest.param("1250", ".", False, id="plain"),
    ],
)
def test_evidence_means_the_other_mark_cannot_read_it(
    text: str, decimal: str, evidence: bool
) -> None:
    assert read_number(text, decimal).evidence is evidence
