"""Signal rows are numbered as the account import numbers them.

A person looks a reported row up by opening the file in a spreadsheet, so
both imports number rows the way a spreadsheet shows them: in a CSV with a
header the header is row 1; in a Parquet file the first record is row 1.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pv
import pyarrow.parquet as pq
import pytest
from signal_helpers import ACCOUNTS, AS_OF, load, portfolio, rows

from tierwise import jobs
from tierwise.model import TieringModel
from tierwise.sources import load_preset, read_accounts
from tierwise.sources.signals import SignalFile, load_signals
from tierwise.sources.signals.numbering import MAX_INLINE_PLACES

ACTIVITY = """account_id,timestamp,type
acc-1,2026-09-20,Web Visit
acc-9,2026-09-21,Web Visit
acc-1,2026-09-22,Web Visit
"""


def _spreadsheet_row(text: str, line: str) -> int:
    """The row a spreadsheet shows ``line`` on: the file's first line is 1."""
    return text.splitlines().index(line) + 1


def test_a_signal_csv_row_is_the_spreadsheet_row_of_its_line(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)

    report = load(connection, tmp_path, default_model, "activity", "a.csv", ACTIVITY)

    dropped = report.files["activity"].dropped
    assert dropped["unmatched: account id not among the accounts"].examples == [
        _spreadsheet_row(ACTIVITY, "acc-9,2026-09-21,Web Visit")
    ]
    assert rows(connection, "signal_activity", "source_row") == [
        (_spreadsheet_row(ACTIVITY, "acc-1,2026-09-20,Web Visit"),),
        (_spreadsheet_row(ACTIVITY, "acc-1,2026-09-22,Web Visit"),),
    ]


def test_explain_names_the_spreadsheet_rows_of_the_lines_that_counted(
    tmp_path: Path,
) -> None:
    (tmp_path / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (tmp_path / "activity.csv").write_text(ACTIVITY, encoding="utf-8")
    jobs.tier_file(
        tmp_path / "accounts.csv",
        tmp_path / "out",
        AS_OF,
        signals=[SignalFile("activity", tmp_path / "activity.csv")],
    )

    [explanation] = jobs.explain_accounts(tmp_path / "out", ["acc-1"])

    [visits] = [e for e in explanation.signals if e.field == "web_visits_30d"]
    assert visits.groups[0].source_rows == (
        _spreadsheet_row(ACTIVITY, "acc-1,2026-09-20,Web Visit"),
        _spreadsheet_row(ACTIVITY, "acc-1,2026-09-22,Web Visit"),
    )


# One file read both ways: the row without an account id is skipped by the
# account import and left out by the signal import, and both must name it
# by the same number. The quoted name holds a line break, which a
# spreadsheet shows inside one row, so the row below is not its line.
BOTH = """account_id,name,timestamp,type
acc-1,"Lumen
Grid",2026-09-20,Web Visit
,Nobody,2026-09-21,Web Visit
acc-2,Kestrel Row,2026-09-22,Web Visit
"""


def _write(path: Path) -> Path:
    if path.suffix == ".csv":
        path.write_text(BOTH, encoding="utf-8")
    else:
        table = pv.read_csv(pa.py_buffer(BOTH.encode()))
        pq.write_table(table, path)
    return path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("both.csv", 3, id="csv-header-is-row-1"),
        pytest.param("both.parquet", 2, id="parquet-first-record-is-row-1"),
    ],
)
def test_account_and_signal_reports_name_the_same_row(
    tmp_path: Path, default_model: TieringModel, name: str, expected: int
) -> None:
    path = _write(tmp_path / name)
    connection = portfolio(tmp_path, default_model)

    _, accounts = read_accounts(
        path, default_model.field_kinds(), load_preset("generic")
    )
    signals = load_signals(
        connection,
        [SignalFile("activity", path)],
        default_model,
        AS_OF,
        tmp_path / "scratch",
    )

    dropped = signals.files["activity"].dropped
    assert [row for row, reason in accounts.skipped if "account_id" in reason] == [
        expected
    ]
    assert dropped["unmatched: no account id or domain"].examples == [expected]


def test_an_empty_line_between_signal_rows_is_counted(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = "account_id,timestamp,type\nacc-1,2026-09-20,call\n\nacc-9,2026-09-21,call\n"

    report = load(connection, tmp_path, default_model, "activity", "a.csv", text)

    dropped = report.files["activity"].dropped
    assert dropped["unmatched: account id not among the accounts"].examples == [
        _spreadsheet_row(text, "acc-9,2026-09-21,call")
    ]


def _record_rows(text: str, first_cell: str) -> list[int]:
    """The rows a spreadsheet shows the records starting ``first_cell`` on.

    Records, not lines: a quoted cell's line breaks stay inside its row,
    and an empty line is a row of its own.
    """
    records = csv.reader(io.StringIO(text, newline=""))
    return [
        number
        for number, cells in enumerate(records, start=1)
        if cells and cells[0] == first_cell
    ]


# Blank lines of every kind a file may hold between its rows, with CRLF
# line ends: empty ones, two in a row, one of spaces (DuckDB refuses it as
# a row of the wrong width), one of fewer delimiters than the header has,
# and one of spaces after the last row. An empty line inside a quoted
# note is part of its row, not a blank line.
BLANKS = (
    "account_id,name,timestamp,type\r\n"
    "\r\n"
    'acc-1,"Lumen\r\n\r\nGrid",2026-09-20,Web Visit\r\n'
    "   \r\n"
    ",\r\n"
    "acc-9,Nowhere,2026-09-21,Web Visit\r\n"
    "\r\n"
    "\r\n"
    "acc-1,Lumen Grid,2026-09-22,Web Visit\r\n"
    "  \t \r\n"
)


def test_blank_lines_of_every_kind_are_counted_in_signal_rows(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)

    report = load(connection, tmp_path, default_model, "activity", "b.csv", BLANKS)

    activity = report.files["activity"]
    assert activity.rows_read == 3
    unmatched = activity.dropped["unmatched: account id not among the accounts"]
    assert unmatched.examples == _record_rows(BLANKS, "acc-9") == [6]
    assert rows(connection, "signal_activity", "source_row") == [
        (row,) for row in _record_rows(BLANKS, "acc-1")
    ]
    assert "5 empty lines between rows skipped" in " ".join(activity.notes)


def test_account_and_signal_reports_name_the_same_row_below_blank_lines(
    tmp_path: Path, default_model: TieringModel
) -> None:
    path = tmp_path / "blanks.csv"
    text = BLANKS.replace("acc-9,", ",").replace("acc-1,Lumen Grid", "acc-2,Kestrel")
    path.write_text(text, encoding="utf-8")
    connection = portfolio(tmp_path, default_model)

    _, accounts = read_accounts(
        path, default_model.field_kinds(), load_preset("generic")
    )
    signals = load_signals(
        connection,
        [SignalFile("activity", path)],
        default_model,
        AS_OF,
        tmp_path / "scratch",
    )

    dropped = signals.files["activity"].dropped
    [skipped] = [row for row, reason in accounts.skipped if "account_id" in reason]
    assert dropped["unmatched: no account id or domain"].examples == [skipped] == [6]


def test_a_blank_line_after_every_row_is_counted(
    tmp_path: Path, default_model: TieringModel
) -> None:
    # More places with blank lines than are compared inline in the query.
    count = MAX_INLINE_PLACES + 44
    text = "account_id,timestamp,type\n" + "acc-1,2026-09-20,call\n\n" * count
    connection = portfolio(tmp_path, default_model)

    load(connection, tmp_path, default_model, "activity", "a.csv", text)

    expected = [(2 + 2 * index,) for index in range(count)]
    assert rows(connection, "signal_activity", "source_row") == expected
