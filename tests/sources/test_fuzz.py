"""Fuzzing the readers: random bytes, random CSV shapes, random cell values.

Every read ends in a clean table or a SourceError: never another exception,
never a hang (each example has a deadline), never a value moved into another
column. The example counts are kept small so the whole file runs in a few
seconds in CI; raise ``max_examples`` locally to search harder.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tierwise.errors import SourceError
from tierwise.model.fields import FieldKind
from tierwise.sources import ColumnMapping, ColumnSpec, ImportReport, read_accounts
from tierwise.sources.numbers import read_number
from tierwise.sources.values import CellError, trim

FUZZ = settings(
    max_examples=40,
    deadline=2000,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize=True,
)
HEADERS = ["account_id", "name", "industry", "notes"]
TEXT_FIELDS = {header: FieldKind.TEXT for header in HEADERS}
PLAIN = ColumnMapping("fuzz", {header: ColumnSpec(header) for header in HEADERS})


def read_or_refuse(
    path: Path, fields: dict[str, FieldKind], mapping: ColumnMapping
) -> tuple[pa.Table, ImportReport] | None:
    try:
        table, report = read_accounts(path, fields, mapping)
    except SourceError:
        return None
    assert report.reconciles()
    assert table.num_rows == report.rows_used
    return table, report


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes_give_a_table_or_a_source_error(
    tmp_path: Path, data: bytes, suffix: str
) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)

    read_or_refuse(path, TEXT_FIELDS, PLAIN)


@FUZZ
@given(
    data=st.binary(max_size=400),
    head=st.sampled_from([b"account_id,name\n", b"account_id;name;industry\r\n"]),
)
def test_random_bytes_after_a_header_give_a_table_or_a_source_error(
    tmp_path: Path, data: bytes, head: bytes
) -> None:
    path = tmp_path / "tail.csv"
    path.write_bytes(head + data)

    read_or_refuse(path, TEXT_FIELDS, PLAIN)


CELL = st.text(alphabet=st.sampled_from(list("ab Zé,;|\t\"'\n\r-1.Ã©")), max_size=12)


@FUZZ
@given(
    rows=st.lists(st.tuples(CELL, CELL, CELL), min_size=1, max_size=12),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_random_csv_shapes_never_shift_a_value_into_another_column(
    tmp_path: Path,
    rows: list[tuple[str, str, str]],
    delimiter: str,
    ending: str,
    encoding: str,
    quoting: int,
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator=ending, quoting=quoting
    )
    writer.writerow(HEADERS)
    written = {}
    for number, (name, industry, notes) in enumerate(rows):
        account = f"id-{number}"
        writer.writerow([account, f"n{name}", industry, notes])
        written[account] = {"name": f"n{name}", "industry": industry, "notes": notes}
    path = tmp_path / "shape.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    mapping = ColumnMapping("fuzz", PLAIN.columns, delimiter=delimiter)

    result = read_or_refuse(path, TEXT_FIELDS, mapping)

    # csv.writer leaves a lone CR unquoted when the line ends in LF, so the
    # file may hold other rows than were written; those must not crash, and
    # a faithful file must read back exactly.
    reread = list(
        csv.reader(io.StringIO(buffer.getvalue(), newline=""), delimiter=delimiter)
    )
    if len(reread) != len(rows) + 1 or any(len(row) != 4 for row in reread):
        return
    assert result is not None, "a well-quoted file with a known delimiter reads"
    table, _ = result
    for row in table.to_pylist():
        sent = written[row["account_id"]]
        for field in ("name", "industry", "notes"):
            assert row[field] == _as_read(sent[field], encoding)


def _as_read(text: str, encoding: str) -> str | None:
    text = text.encode(encoding, errors="replace").decode(encoding)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return trim(text) or None


@FUZZ
@given(
    value=st.decimals(
        min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2
    ).filter(lambda number: number.is_finite()),
    decimal=st.sampled_from([".", ","]),
    group=st.sampled_from(["", " ", "\u00a0", "'", "thousands"]),
    currency=st.sampled_from(["", "$", "€", "EUR "]),
)
def test_numbers_written_under_a_setting_read_back_exactly(
    value: Decimal, decimal: str, group: str, currency: str
) -> None:
    separator = ("," if decimal == "." else ".") if group == "thousands" else group
    whole, _, fraction = f"{abs(value):,.2f}".partition(".")
    text = whole.replace(",", separator) + decimal + fraction
    text = ("-" if value < 0 else "") + currency + text

    reading = read_number(text, decimal)

    assert (reading.low, reading.high) == (value, value)


@FUZZ
@given(
    count=st.integers(min_value=0, max_value=10**12),
    decimal=st.sampled_from([".", ","]),
    group=st.sampled_from(["", " ", "'", "thousands"]),
)
def test_counts_written_under_a_setting_read_back_without_doubt(
    count: int, decimal: str, group: str
) -> None:
    separator = ("," if decimal == "." else ".") if group == "thousands" else group
    text = f"{count:,}".replace(",", separator)

    reading = read_number(text, decimal, whole=True)

    assert (reading.low, reading.high, reading.ambiguous) == (count, count, False)


@FUZZ
@given(text=st.text(max_size=30), decimal=st.sampled_from([".", ","]))
def test_any_text_in_a_number_cell_is_read_or_refused_with_a_fix(
    text: str, decimal: str
) -> None:
    try:
        reading = read_number(text, decimal)
    except CellError as error:
        assert error.fix
        return
    assert reading.low is None or reading.low.is_finite()
    if reading.low is not None and reading.high is not None:
        assert reading.low <= reading.high


@FUZZ
@given(cells=st.lists(st.text(max_size=15), min_size=1, max_size=8))
def test_random_cells_in_typed_columns_read_or_refuse(
    tmp_path: Path, cells: list[str]
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["account_id", "name", "employees", "founded", "partner"])
    for number, cell in enumerate(cells):
        writer.writerow([f"id-{number}", "Acme", cell, cell, cell])
    path = tmp_path / "typed.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    fields = {
        "account_id": FieldKind.TEXT,
        "name": FieldKind.TEXT,
        "employees": FieldKind.NUMBER,
        "founded": FieldKind.DATE,
        "partner": FieldKind.BOOLEAN,
    }
    mapping = ColumnMapping("fuzz", {name: ColumnSpec(name) for name in fields})

    read_or_refuse(path, fields, mapping)


@FUZZ
@given(
    days=st.lists(st.integers(0, 3000), min_size=1, max_size=10),
    order=st.sampled_from(["%d/%m/%Y", "%m/%d/%Y", "%d.%m.%y", "%Y-%m-%d"]),
)
def test_a_date_column_reads_back_or_asks_for_its_format(
    tmp_path: Path, days: list[int], order: str
) -> None:
    dates = [date(2018, 1, 1) + timedelta(days=day) for day in days]
    body = "".join(
        f"id-{n},Acme,{day.strftime(order)}\n" for n, day in enumerate(dates)
    )
    path = tmp_path / "dates.csv"
    path.write_text("account_id,name,last\n" + body, encoding="utf-8")
    fields = {
        "account_id": FieldKind.TEXT,
        "name": FieldKind.TEXT,
        "last": FieldKind.DATE,
    }
    mapping = ColumnMapping("fuzz", {name: ColumnSpec(name) for name in fields})

    result = read_or_refuse(path, fields, mapping)

    decidable = order == "%Y-%m-%d" or any(day.day > 12 for day in dates)
    if decidable:
        assert result is not None
        assert result[0].column("last").to_pylist() == dates
    else:
        assert result is None
