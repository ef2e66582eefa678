"""Count columns: thousands separators settled by the count, fractions refused.

A count (employees, visits, downloads, events, units) is a whole number, so
``1,200`` in a count column read with ``.`` as the decimal mark is 1200:
its other reading, 1.2, is no count. Fields that can hold fractions keep
``1,200`` ambiguous, and a count with a fraction is an error naming the
file, row, column and fix. A count is judged after the mapping's
``multiply`` (``1.5`` thousand is 1500 people), and a fix offered for a
refused count reads the cell as a whole count under the mark it names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tierwise.errors import SourceError
from tierwise.model.fields import FieldKind
from tierwise.sources import ColumnMapping, ColumnSpec, ImportReport, read_accounts
from tierwise.sources.number_column import COUNT_FIELDS
from tierwise.sources.numbers import NOT_WHOLE, read_number
from tierwise.sources.values import CellError

WriteFile = Callable[..., Path]

ID_AND_NAME = {"account_id": FieldKind.TEXT, "name": FieldKind.TEXT}
BY_NAME = {"account_id": ColumnSpec("Account"), "name": ColumnSpec("Account")}


def read_column(
    write_file: WriteFile,
    field: str,
    cells: list[str],
    decimal: str | None = None,
    column_decimal: str | None = None,
    multiply: str | None = None,
) -> tuple[pa.Table, ImportReport]:
    lines = ["Account,Value", *(f'Acme {i},"{cell}"' for i, cell in enumerate(cells))]
    path = write_file("counts.csv", "\n".join(lines) + "\n")
    factor = None if multiply is None else Decimal(multiply)
    spec = ColumnSpec("Value", decimal=column_decimal, multiply=factor)
    mapping = ColumnMapping("test", {**BY_NAME, field: spec}, decimal=decimal)
    return read_accounts(path, {**ID_AND_NAME, field: FieldKind.NUMBER}, mapping)


@pytest.mark.parametrize(
    "decimal",
    [pytest.param(None, id="decimal-unset"), pytest.param(".", id="decimal-dot")],
)
def test_thousands_in_a_headcount_are_neither_flagged_nor_problems(
    write_file: WriteFile, decimal: str | None
) -> None:
    cells = ["1,200", "15,000", "350"] * 100 + ["1,000"]

    table, report = read_column(write_file, "employees", cells, decimal)

    values = table.column("employees").to_pylist()
    assert (values[:3], values[-1]) == ([1200.0, 15000.0, 350.0], 1000.0)
    assert report.flags == []
    assert report.problem_rows() == []
    assert [(tally.what, tally.count) for tally in report.repairs] == [
        ("symbols, spaces, group marks or a K/M/B magnitude removed", 201)
    ]


@pytest.mark.parametrize("field", COUNT_FIELDS)
def test_every_count_field_reads_thousands_as_thousands(
    write_file: WriteFile, field: str
) -> None:
    table, report = read_column(write_file, field, ["2,500"])

    assert (table.column(field).to_pylist(), report.flags) == ([2500.0], [])


def test_the_count_fields_are_the_canonical_whole_counts() -> None:
    assert set(COUNT_FIELDS) == {
        "employees",
        "expansion_units",
        "web_visits_30d",
        "content_downloads_90d",
        "events_attended_180d",
    }


@pytest.mark.parametrize("field", ["revenue_growth_pct", "annual_revenue"])
def test_fields_that_can_be_fractional_keep_1200_ambiguous(
    write_file: WriteFile, field: str
) -> None:
    _, report = read_column(write_file, field, ["1,200", "350"])

    assert [(flag.row, flag.value, flag.problem) for flag in report.flags] == [
        (2, "1,200", True)
    ]


def test_a_comma_count_column_reads_dot_thousands_too(write_file: WriteFile) -> None:
    table, report = read_column(
        write_file, "web_visits_30d", ["1.200", "15.000"], decimal=","
    )

    assert table.column("web_visits_30d").to_pylist() == [1200.0, 15000.0]
    assert report.flags == []


@pytest.mark.parametrize(
    ("decimal", "cell", "fix"),
    [
        pytest.param(None, "1,5", "write the whole count", id="comma-fraction"),
        pytest.param(None, "1.5", "write the whole count", id="dot-fraction"),
        pytest.param(None, "2.5 employees", "write the whole count", id="words"),
        pytest.param(None, "1.5-3", "write the whole count", id="range-end"),
        pytest.param(
            ".", "1.250", 'set `decimal: ","`', id="dot-groups-under-dot-mark"
        ),
        pytest.param(
            ",", "1,200", 'set `decimal: "."`', id="comma-groups-under-comma-mark"
        ),
    ],
)
def test_a_count_with_a_fraction_names_file_row_column_and_fix(
    write_file: WriteFile, decimal: str | None, cell: str, fix: str
) -> None:
    with pytest.raises(SourceError) as caught:
        read_column(write_file, "employees", ["12", cell], decimal)

    lines = str(caught.value).splitlines()
    assert lines[:2] == [
        "counts.csv: 1 cell(s) cannot be read; nothing was imported.",
        f"  row 3, column 'Value' (employees): {cell!r} is not a whole number, "
        "as a count must be",
    ]
    assert lines[-1].startswith(f"  employees: {fix}")


def test_three_zeros_after_the_decimal_mark_stay_ambiguous_in_a_count(
    write_file: WriteFile,
) -> None:
    # 1.000 under the default mark is 1 employee, or 1000 with the dot
    # grouping thousands: both are counts, so only a setting decides.
    table, report = read_column(write_file, "employees", ["1.000"])

    assert table.column("employees").to_pylist() == [1.0]
    assert [(flag.value, flag.problem) for flag in report.flags] == [("1.000", True)]


@pytest.mark.parametrize(
    ("decimal", "column_decimal"),
    [
        pytest.param(".", None, id="file-decimal"),
        pytest.param(None, ".", id="column-decimal"),
    ],
)
def test_a_set_decimal_mark_decides_without_a_line_per_cell(
    write_file: WriteFile, decimal: str | None, column_decimal: str | None
) -> None:
    table, report = read_column(
        write_file,
        "annual_revenue",
        ["1,200", "3.500", "4,250"],
        decimal,
        column_decimal,
    )

    assert table.column("annual_revenue").to_pylist() == [1200.0, 3.5, 4250.0]
    assert report.flags == []
    assert [(tally.what, tally.count, tally.example) for tally in report.repairs] == [
        (
            "symbols, spaces, group marks or a K/M/B magnitude removed",
            2,
            "row 2: '1,200' → 1200.0",
        ),
        (
            "read as the mapping's decimal mark '.' says (the other mark would "
            "give another number)",
            3,
            "row 2: '1,200' → 1200.0",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        pytest.param("1,200", ".", 1200, id="comma-groups"),
        pytest.param("1.200", ",", 1200, id="dot-groups"),
        pytest.param("15,000", ".", 15000, id="round-thousands"),
        pytest.param("$1.5k", ".", 1500, id="magnitude-makes-it-whole"),
        pytest.param("1,200-5,000", ".", 1200, id="range"),
    ],
)
def test_read_number_of_a_count_is_not_ambiguous(
    text: str, decimal: str, expected: int
) -> None:
    reading = read_number(text, decimal, whole=True)

    assert (reading.low, reading.ambiguous) == (expected, False)


@pytest.mark.parametrize("text", ["1,5", "1.5", "0.25", "~2.5", "< 1.5"])
def test_read_number_of_a_count_refuses_a_fraction(text: str) -> None:
    with pytest.raises(CellError, match="is not a whole number"):
        read_number(text, whole=True)


def test_a_typed_count_with_a_fraction_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "counts.parquet"
    pq.write_table(pa.table({"Account": ["Acme"], "Value": [2.5]}), path)
    mapping = ColumnMapping("test", {**BY_NAME, "employees": ColumnSpec("Value")})

    with pytest.raises(SourceError, match="is not a whole number"):
        read_accounts(path, {**ID_AND_NAME, "employees": FieldKind.NUMBER}, mapping)


@pytest.mark.parametrize(
    ("cells", "decimal", "multiply", "expected"),
    [
        pytest.param(["1.5", "12"], None, "1000", [1500.0, 12000.0], id="dot"),
        pytest.param(["1,25", "3"], ",", "1000", [1250.0, 3000.0], id="comma"),
        pytest.param(["0.75"], None, "100", [75.0], id="percent-of-hundred"),
        pytest.param(["1.5-3"], None, "1000", [1500.0], id="range"),
        pytest.param(["~2.5"], None, "10", [25.0], id="approximate"),
        pytest.param(["0.5k"], None, "2", [1000.0], id="magnitude"),
    ],
)
def test_a_count_is_whole_once_multiplied(
    write_file: WriteFile,
    cells: list[str],
    decimal: str | None,
    multiply: str,
    expected: list[float],
) -> None:
    table, report = read_column(
        write_file, "employees", cells, decimal, multiply=multiply
    )

    assert table.column("employees").to_pylist() == expected
    assert not [flag for flag in report.flags if "decimal" in flag.reason]


def test_a_count_still_fractional_once_multiplied_is_refused(
    write_file: WriteFile,
) -> None:
    with pytest.raises(SourceError) as caught:
        read_column(write_file, "employees", ["1.2345"], multiply="1000")

    lines = str(caught.value).splitlines()
    assert lines[1] == (
        "  row 2, column 'Value' (employees): '1.2345' is not a whole number, "
        "as a count must be"
    )
    assert lines[-1] == (
        "  employees: write a number that is a whole count once multiplied by "
        "1000 (the column's `multiply:`), or clear the cell"
    )


def test_a_magnitude_on_the_upper_end_makes_the_lower_end_whole() -> None:
    # "1.5-3M" is 1.5M to 3M: the lower end is whole once the M applies.
    reading = read_number("1.5-3M", whole=True)

    assert (reading.low, reading.high) == (1_500_000, 3_000_000)


def test_under_multiply_the_other_reading_can_be_a_count_again() -> None:
    # 1,250 thousand is 1,250,000 people, and 1.25 thousand is 1250: both are
    # counts, so the cell is ambiguous again; 15,000 is not (nobody writes
    # 15.000 thousand).
    thousands = Decimal(1000)

    assert read_number("1,250", whole=True, multiply=thousands).ambiguous
    assert not read_number("15,000", whole=True, multiply=thousands).ambiguous
    assert not read_number("1,250", whole=True).ambiguous


@pytest.mark.parametrize(
    ("decimal", "cell", "fix"),
    [
        pytest.param(
            ",",
            "1,200.5",
            "write the whole count (e.g. 1200 or 1.200), or clear the cell",
            id="point-fraction-under-comma",
        ),
        pytest.param(
            ".",
            "1 200,5",
            "write the whole count (e.g. 1200 or 1,200), or clear the cell",
            id="comma-fraction-under-point",
        ),
        pytest.param(
            ",",
            "2,5",
            "write the whole count (e.g. 1200 or 1.200), or clear the cell",
            id="comma-fraction-under-comma",
        ),
        pytest.param(
            ",",
            "1,200",
            "set `decimal: \".\"` for the column in a mapping file if ',' groups "
            "thousands in it, or write the whole count (e.g. 1200 or 1.200)",
            id="comma-thousands-under-comma",
        ),
    ],
)
def test_the_fix_for_a_fractional_count_holds_under_the_mark(
    write_file: WriteFile, decimal: str, cell: str, fix: str
) -> None:
    with pytest.raises(SourceError) as caught:
        read_column(write_file, "employees", [cell], decimal)

    assert str(caught.value).splitlines()[-1] == f"  employees: {fix}"


CELLS = ["1,200.5", "1 200,5", "1,5", "2.5", "1.250", "1,200", "1.2.3", "0,25"]
FACTORS = [None, Decimal(10), Decimal(1000)]


@pytest.mark.parametrize("factor", FACTORS, ids=["none", "ten", "thousand"])
@pytest.mark.parametrize("decimal", [".", ","])
@pytest.mark.parametrize("cell", CELLS)
def test_every_fix_offered_for_a_count_reads_as_a_whole_count(
    cell: str, decimal: str, factor: Decimal | None
) -> None:
    # Whatever a refusal suggests, a mark to set or a count written as in
    # its example, reads as a whole count under the mark it would apply to.
    try:
        read_number(cell, decimal, whole=True, multiply=factor)
    except CellError as error:
        refused = error
    else:
        return

    suggested = re.search(r'set `decimal: "(.)"`', refused.fix)
    if suggested:
        read_number(cell, suggested.group(1), whole=True, multiply=factor)
    example = re.search(r"e\.g\. 1200 or (\S+)\)", refused.fix)
    if example:
        assert read_number(example.group(1), decimal, whole=True).low == 1200
    if refused.problem == NOT_WHOLE:
        assert suggested or example or "once multiplied by" in refused.fix
