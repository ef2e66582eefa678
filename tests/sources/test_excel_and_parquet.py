"""Excel (.xlsx) and Parquet files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tierwise.errors import SourceError
from tierwise.model.fields import FieldKind
from tierwise.sources import ColumnMapping, ColumnSpec, load_preset, read_accounts

FIELDS = {
    "account_id": FieldKind.TEXT,
    "name": FieldKind.TEXT,
    "employees": FieldKind.NUMBER,
    "exec_sponsor": FieldKind.BOOLEAN,
    "last_engagement_date": FieldKind.DATE,
}

SHEET_MAPPING = ColumnMapping(
    "test",
    {
        "account_id": ColumnSpec("Account ID"),
        "name": ColumnSpec("Account Name"),
        "employees": ColumnSpec("Employees"),
        "exec_sponsor": ColumnSpec("Exec Sponsor"),
        "last_engagement_date": ColumnSpec("Last Touch"),
    },
)


def write_xlsx(path: Path, *sheets: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    for number, rows in enumerate(sheets):
        sheet = workbook.active if number == 0 else workbook.create_sheet()
        assert sheet is not None
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_header_below_blank_rows_and_typed_cells(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "accounts.xlsx",
        [
            [],
            ["Account ID", "Account Name", "Employees", "Exec Sponsor", "Last Touch"],
            [1001, "Acme", 250, True, datetime(2025, 3, 1, 9, 30)],
            [],
            ["A-2", "Globex", "1,200", "no", "2025-02-01"],
        ],
    )

    table, report = read_accounts(path, FIELDS, SHEET_MAPPING)

    assert table.to_pylist() == [
        {
            "account_id": "1001",
            "name": "Acme",
            "employees": 250.0,
            "exec_sponsor": True,
            "last_engagement_date": date(2025, 3, 1),
        },
        {
            "account_id": "A-2",
            "name": "Globex",
            "employees": 1200.0,
            "exec_sponsor": False,
            "last_engagement_date": date(2025, 2, 1),
        },
    ]
    assert report.skipped == [(4, "blank row")]


def test_xlsx_errors_name_the_sheet_row(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        [["Account ID", "Account Name", "Employees"], ["1", "Acme", "#N/A"]],
    )

    with pytest.raises(
        SourceError, match=r"row 2, column 'Employees' \(employees\): '#N/A'"
    ):
        read_accounts(path, FIELDS, SHEET_MAPPING)


def test_xlsx_reads_the_first_sheet_and_says_so(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "two.xlsx",
        [["account_id", "name"], ["1", "Acme"]],
        [["account_id", "name"], ["2", "Other"]],
    )

    table, report = read_accounts(path, FIELDS, load_preset("generic"))

    assert table.column("name").to_pylist() == ["Acme"]
    assert report.notes == ["sheet: read the first of 2 sheets, 'Sheet'"]


def test_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("account_id,name\n")

    with pytest.raises(
        SourceError, match=r"fake\.xlsx: not a readable \.xlsx workbook"
    ):
        read_accounts(path, FIELDS, load_preset("generic"))


def test_parquet_reads_only_the_mapped_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "accounts.parquet"
    pq.write_table(
        pa.table(
            {
                "account_id": ["a", "b"],
                "name": ["Acme", "Globex"],
                "employees": pa.array([10, None], type=pa.int64()),
                "notes": [["x"], ["y"]],
            }
        ),
        path,
    )
    asked: list[list[str]] = []
    real_read_table = pq.read_table

    def spy(source: Path, columns: list[str]) -> pa.Table:
        asked.append(columns)
        return real_read_table(source, columns=columns)

    monkeypatch.setattr(pq, "read_table", spy)

    table, report = read_accounts(path, FIELDS, load_preset("generic"))

    assert asked == [["account_id", "name", "employees"]]
    assert table.column("employees").to_pylist() == [10.0, None]
    assert (report.rows_read, report.rows_used) == (2, 2)


def test_parquet_rows_are_numbered_from_one(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    pq.write_table(
        pa.table({"account_id": ["a"], "name": ["A"], "employees": ["many"]}), path
    )

    with pytest.raises(SourceError, match="row 1, column 'employees'"):
        read_accounts(path, FIELDS, load_preset("generic"))


def test_parquet_list_cell_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nested.parquet"
    pq.write_table(pa.table({"account_id": ["a"], "name": [["A", "B"]]}), path)

    with pytest.raises(SourceError, match="holds a list of values, not a single value"):
        read_accounts(path, FIELDS, load_preset("generic"))


def test_broken_parquet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"not parquet at all")

    with pytest.raises(
        SourceError, match=r"broken\.parquet: not a readable Parquet file"
    ):
        read_accounts(path, FIELDS, load_preset("generic"))
