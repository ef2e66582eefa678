"""A count written with only zeros after its decimal mark: ``1.000``.

A headcount of ``1.000`` is one employee with ``.`` as the decimal mark,
or a thousand with ``.`` grouping thousands, as German exports write it;
nobody types a count of one with three decimal zeros, so the other
reading is far more likely. The column's other cells do not decide it: a
range bucket such as ``10,001+`` in another row shows that row's mark,
not the mark of a cell typed elsewhere. Such a cell is a problem naming
its row, column, value and fix, in ``check`` and at the end of ``tier``
alike, until the mapping's ``decimal:`` says which mark the column uses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.jobs import tier_file
from tierwise.model.fields import FieldKind
from tierwise.sources import (
    ColumnMapping,
    ColumnSpec,
    ImportReport,
    load_preset,
    read_accounts,
    short_report,
)
from tierwise.sources.number_column import COUNT_FIELDS

WriteFile = Callable[..., Path]

AS_OF = date(2026, 9, 30)
ZEROS = (
    "a count with only zeros after its decimal mark, which more likely groups "
    "thousands; the column's other cells do not decide it"
)
HUBSPOT = (
    "Record ID,Company name,Company Domain Name,Number of Employees,Country/Region\n"
    '101,Globex Ltd,globex.example,"10,001+",United States\n'
    "102,Initech,initech.example,250,United States\n"
    "103,Acme GmbH,acme.example,1.000,Germany\n"
    "104,Umbrella,umbrella.example,51-200,United Kingdom\n"
)
ID_AND_NAME = {"account_id": FieldKind.TEXT, "name": FieldKind.TEXT}
BY_NAME = {"account_id": ColumnSpec("Account"), "name": ColumnSpec("Account")}


def zero_flags(report: ImportReport) -> list[tuple[int, str, str, bool]]:
    return [
        (flag.row, flag.value, flag.read_as, flag.problem)
        for flag in report.flags
        if flag.reason == ZEROS
    ]


def read_column(
    write_file: WriteFile,
    field: str,
    cells: list[str],
    decimal: str | None = None,
) -> tuple[pa.Table, ImportReport]:
    lines = ["Account,Value", *(f'Acme {i},"{cell}"' for i, cell in enumerate(cells))]
    path = write_file("counts.csv", "\n".join(lines) + "\n")
    spec = {**BY_NAME, field: ColumnSpec("Value")}
    mapping = ColumnMapping("test", spec, decimal=decimal)
    return read_accounts(path, {**ID_AND_NAME, field: FieldKind.NUMBER}, mapping)


def test_a_range_bucket_in_another_row_does_not_decide_a_german_headcount(
    write_file: WriteFile,
) -> None:
    path = write_file("hubspot.csv", HUBSPOT)

    _, report = read_accounts(
        path, {**ID_AND_NAME, "employees": FieldKind.NUMBER}, load_preset("hubspot")
    )

    assert zero_flags(report) == [(4, "1.000", "1 (decimal point)", True)]
    assert [flag.fix for flag in report.flags if flag.reason == ZEROS] == [
        "write the count without a decimal mark (1000, or 1 if that is meant): "
        "row 2 ('10,001+') reads only with '.' as the decimal mark, so "
        '`decimal: ","` for the column would refuse it'
    ]
    assert not [tally for tally in report.repairs if "as row" in tally.what]
    assert report.problem_rows() == [4]


def test_check_and_tier_both_call_it_a_problem(
    tmp_path: Path, write_file: WriteFile
) -> None:
    path = write_file("hubspot.csv", HUBSPOT)

    checked = CliRunner().invoke(app, ["check", str(path), "--preset", "hubspot"])
    job = tier_file(
        path,
        tmp_path / "out",
        AS_OF,
        mapping=load_preset("hubspot"),
        accept_warnings=True,
    )

    assert checked.exit_code == 1
    assert (
        "row 4, employees ('Number of Employees'): '1.000' read as 1 (decimal "
        f"point) — {ZEROS}; fix: write the count without a decimal mark"
    ) in " ".join(checked.output.split())
    assert f"  1 flagged: {ZEROS}" in short_report(job.report)
    assert "  1 row(s) with problems" in short_report(job.report)


@pytest.mark.parametrize("field", COUNT_FIELDS)
def test_every_count_field_keeps_zero_decimals_a_problem(
    write_file: WriteFile, field: str
) -> None:
    _, report = read_column(write_file, field, ["12,500", "1.000", "25.000"])

    assert zero_flags(report) == [
        (3, "1.000", "1 (decimal point)", True),
        (4, "25.000", "25 (decimal point)", True),
    ]


@pytest.mark.parametrize(
    ("cells", "row", "read_as"),
    [
        pytest.param(["1.250", "1,000"], 3, "1 (decimal comma)", id="comma-mark"),
        pytest.param(
            ["1,000,000", "1.000-5.000"], 3, "1 (span 1 to 5)", id="range-ends"
        ),
        pytest.param(["1,000,000", "10.000+"], 3, "10 (span 10 to …)", id="open"),
        pytest.param(["1,000,000", "1.000K"], 3, "1,000 (decimal point)", id="kilo"),
        pytest.param(["2.000"], 2, "2 (decimal point)", id="nothing-shows-a-mark"),
    ],
)
def test_zeros_after_the_mark_are_a_problem_in_every_form(
    write_file: WriteFile, cells: list[str], row: int, read_as: str
) -> None:
    _, report = read_column(write_file, "employees", cells)

    assert zero_flags(report) == [(row, cells[row - 2], read_as, True)]


def test_the_fix_without_other_marks_names_the_mapping_setting(
    write_file: WriteFile,
) -> None:
    _, report = read_column(write_file, "employees", ["250", "1.000"])

    assert [flag.fix for flag in report.flags] == [
        "set `decimal: \",\"` for the column in a mapping file if '.' groups "
        "thousands in it (1000), or write the count without a decimal mark"
    ]


@pytest.mark.parametrize(
    ("decimal", "expected"),
    [
        pytest.param(".", 1.0, id="point"),
        pytest.param(",", 1000.0, id="comma"),
    ],
)
def test_a_mark_the_mapping_sets_decides_zero_decimals(
    write_file: WriteFile, decimal: str, expected: float
) -> None:
    table, report = read_column(write_file, "employees", ["250", "1.000"], decimal)

    assert table.column("employees").to_pylist() == [250.0, expected]
    assert (report.flags, report.problem_rows()) == ([], [])


def test_grouped_thousands_and_true_fractions_are_not_this_kind(
    write_file: WriteFile,
) -> None:
    # 1.250 is a count only as 1250 (1.25 people is none): settled, as
    # before; 1,000 with "." as the mark groups thousands.
    table, report = read_column(write_file, "employees", ["3.000", "1.250"])
    assert (table.column("employees").to_pylist(), zero_flags(report)) == (
        [3000.0, 1250.0],
        [],
    )

    table, report = read_column(write_file, "employees", ["1,000", "10,001+"])
    assert (table.column("employees").to_pylist(), zero_flags(report)) == (
        [1000.0, 10001.0],
        [],
    )


def test_fields_that_hold_fractions_are_not_this_kind(
    write_file: WriteFile,
) -> None:
    # Growth of 1.000 percent is one percent: only counts read zeros so.
    _, report = read_column(write_file, "revenue_growth_pct", ["12.5", "1.000"])

    assert zero_flags(report) == []


def test_an_xlsx_text_cell_is_read_alike(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Record ID", "Company name", "Number of Employees"],
        [101, "Globex Ltd", "10,001+"],
        [103, "Acme GmbH", "1.000"],
        [104, "Umbrella", 1000],
    ]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / "hubspot.xlsx"
    workbook.save(path)

    _, report = read_accounts(
        path, {**ID_AND_NAME, "employees": FieldKind.NUMBER}, load_preset("hubspot")
    )

    assert zero_flags(report) == [(3, "1.000", "1 (decimal point)", True)]


def test_a_parquet_text_column_is_read_alike(tmp_path: Path) -> None:
    path = tmp_path / "accounts.parquet"
    pq.write_table(
        pa.table(
            {
                "account_id": ["A1", "A2", "A3"],
                "name": ["Globex Ltd", "Acme GmbH", "Umbrella"],
                "employees": ["10,001+", "1.000", "250"],
            }
        ),
        path,
    )

    job = tier_file(path, tmp_path / "out", AS_OF, accept_warnings=True)

    assert zero_flags(job.report) == [(2, "1.000", "1 (decimal point)", True)]


def test_an_ambiguous_number_names_the_settings_that_decide_it(
    write_file: WriteFile,
) -> None:
    _, report = read_column(write_file, "annual_revenue", ["1.250", "300"])

    assert [(flag.row, flag.problem, flag.fix) for flag in report.flags] == [
        (
            2,
            True,
            "set `decimal: \",\"` for the column in a mapping file if '.' groups "
            'thousands in it (1,250), or `decimal: "."` if it is the decimal '
            "mark (1.25)",
        )
    ]
