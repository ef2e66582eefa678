"""Parquet read in place gives the same accounts as the cell-by-cell reader."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tierwise.errors import SourceError
from tierwise.jobs import tier_file
from tierwise.model import load_model
from tierwise.sample import write_portfolio
from tierwise.sources import load_preset, read_accounts
from tierwise.sources.mapping import load_mapping_file
from tierwise.sources.parquet_view import parquet_view


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    return write_portfolio(tmp_path / "portfolio.parquet", 2500, 3)


def test_in_place_read_equals_the_cell_reader(portfolio: Path) -> None:
    fields = load_model().read_fields()
    mapping = load_preset("generic")
    connection = duckdb.connect()

    report = parquet_view(connection, portfolio, fields, mapping)
    table, expected_report = read_accounts(portfolio, fields, mapping)

    assert report is not None and report.reconciles()
    assert (report.rows_read, report.rows_used) == (
        expected_report.rows_read,
        expected_report.rows_used,
    )
    in_place = connection.sql(
        "SELECT * FROM accounts ORDER BY account_id"
    ).to_arrow_table()
    assert in_place.column_names == table.column_names
    assert in_place.to_pylist() == table.sort_by("account_id").to_pylist()


def test_rename_multiply_and_value_rewrites_happen_in_the_query(tmp_path: Path) -> None:
    path = tmp_path / "crm.parquet"
    pq.write_table(
        pa.table(
            {
                "Id": ["a", "b", None],
                "Company": ["A", "B", "C"],
                "Rev_m": [1.1, 8.2, 3.0],
                "Sector": ["Technolgy", " media ", "x"],
            }
        ),
        path,
    )
    (tmp_path / "m.yaml").write_text(
        "columns:\n  account_id: Id\n  name: Company\n"
        "  annual_revenue: {column: Rev_m, multiply: 1000000}\n"
        "  industry: {column: Sector, values: {technolgy: technology}}\n",
        encoding="utf-8",
    )
    connection = duckdb.connect()

    report = parquet_view(
        connection,
        path,
        load_model().field_kinds(),
        load_mapping_file(tmp_path / "m.yaml"),
    )

    rows = connection.sql(
        "SELECT account_id, annual_revenue, industry FROM accounts ORDER BY 1"
    ).fetchall()
    assert rows == [("a", 1100000.0, "technology"), ("b", 8200000.0, "media")]
    assert report is not None and report.skipped == [(3, "blank account_id")]


def test_only_the_fields_the_model_reads_are_read() -> None:
    fields = load_model().read_fields()

    assert "domain" not in fields and "parent_id" not in fields
    assert {
        "account_id",
        "name",
        "annual_revenue",
        "exec_sponsor",
        "competitor_contract_end",
    } <= set(fields)


def test_mappings_that_need_the_cell_reader_fall_back(tmp_path: Path) -> None:
    # Websites are reduced in place (see test_parquet_websites.py); a
    # Salesforce id given its 18-character form is not.
    path = tmp_path / "sf.parquet"
    pq.write_table(
        pa.table(
            {"account_id": ["a"], "name": ["A"], "parent_id": ["001A000001abcDE"]}
        ),
        path,
    )
    (tmp_path / "m.yaml").write_text(
        "preset: generic\ncolumns:\n"
        "  parent_id: {column: parent_id, normalise: salesforce_id}\n",
        encoding="utf-8",
    )

    report = parquet_view(
        duckdb.connect(),
        path,
        load_model().field_kinds(),
        load_mapping_file(tmp_path / "m.yaml"),
    )

    assert report is None


def test_text_where_a_number_belongs_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "text.parquet"
    pq.write_table(
        pa.table({"account_id": ["a"], "name": ["A"], "employees": ["1,200"]}), path
    )

    assert (
        parquet_view(
            duckdb.connect(), path, load_model().field_kinds(), load_preset("generic")
        )
        is None
    )


def test_repeated_ids_go_to_the_cell_reader_which_refuses_naming_the_rows(
    tmp_path: Path,
) -> None:
    path = tmp_path / "dup.parquet"
    pq.write_table(
        pa.table({"account_id": ["a", "b", "a"], "name": ["A", "B", "A2"]}), path
    )
    fields, mapping = load_model().field_kinds(), load_preset("generic")

    assert parquet_view(duckdb.connect(), path, fields, mapping) is None
    with pytest.raises(SourceError, match=r"'a'.*rows? 1.*3"):
        read_accounts(path, fields, mapping)


def test_a_missing_id_column_lists_the_headers(tmp_path: Path) -> None:
    path = tmp_path / "noid.parquet"
    pq.write_table(pa.table({"Ident": ["a"], "name": ["A"]}), path)

    with pytest.raises(SourceError, match="Ident"):
        parquet_view(
            duckdb.connect(), path, load_model().field_kinds(), load_preset("generic")
        )


def test_a_value_scores_the_same_from_parquet_and_from_csv(tmp_path: Path) -> None:
    from datetime import date

    from tierwise.jobs import tier_file

    rows = {
        "account_id": ["tab", "plain"],
        "name": ["T", "P"],
        "industry": ["\tTechnology\u00a0", "Technology"],
    }
    pq.write_table(pa.table(rows), tmp_path / "a.parquet")
    (tmp_path / "a.csv").write_text(
        "account_id,name,industry\ntab,T,\tTechnology\u00a0\nplain,P,Technology\n",
        encoding="utf-8",
    )

    totals = {}
    for source in ("a.parquet", "a.csv"):
        job = tier_file(
            tmp_path / source, tmp_path / source.replace(".", "-"), date(2026, 9, 30)
        )
        totals[source] = {
            r["account_id"]: r["total"] for r in job.run.table().to_pylist()
        }

    assert totals["a.parquet"] == totals["a.csv"]
    assert totals["a.csv"]["tab"] == totals["a.csv"]["plain"]


def test_blank_ids_and_names_are_left_out_as_the_cell_reader_does(
    tmp_path: Path,
) -> None:
    # The view tells a blank id or name from the file's own column without
    # trimming every value: only values that start with something other than
    # a printable ASCII character are trimmed to see whether anything is left.
    path = tmp_path / "blanks.parquet"
    ids = ["a", " ", "c", "\u00a0", "e", "f", "\u3000g", "h", None, "j", "\tk\t"]
    names = ["A", "B", " ", "D", "\u200b", "", "G", " \u3000H", "I", None, "K"]
    pq.write_table(pa.table({"account_id": ids, "name": names}), path)
    fields = load_model().read_fields()
    mapping = load_preset("generic")
    connection = duckdb.connect()

    report = parquet_view(connection, path, fields, mapping)
    table, expected = read_accounts(path, fields, mapping)

    assert report is not None
    assert report.skipped == expected.skipped
    assert [row for row, _ in report.skipped] == [2, 3, 4, 5, 6, 9, 10]
    kept = connection.sql(
        "SELECT account_id, name FROM accounts ORDER BY account_id"
    ).fetchall()
    assert kept == [("a", "A"), ("g", "G"), ("h", "H"), ("k", "K")]
    assert table.select(["account_id", "name"]).sort_by("account_id").to_pylist() == [
        {"account_id": a, "name": n} for a, n in kept
    ]


def test_a_row_without_id_and_name_names_both_as_the_cell_reader_does(
    tmp_path: Path,
) -> None:
    path = tmp_path / "both.parquet"
    ids = ["a", None, " ", "\u00a0", "e"]
    names = ["A", None, "\u3000", "D", None]
    pq.write_table(pa.table({"account_id": ids, "name": names}), path)
    fields = load_model().read_fields()
    mapping = load_preset("generic")

    report = parquet_view(duckdb.connect(), path, fields, mapping)
    _, expected = read_accounts(path, fields, mapping)

    assert report is not None
    assert report.skipped == expected.skipped
    assert report.skipped == [
        (2, "blank account_id and name"),
        (3, "blank account_id and name"),
        (4, "blank account_id"),
        (5, "blank name"),
    ]


@pytest.mark.parametrize(
    "column",
    [
        pytest.param(pa.array([1.0, 2.5]), id="float-ids-read-as-1-not-1.0"),
        pytest.param(pa.array([True, False]), id="boolean"),
        pytest.param(pa.array([1, 2], pa.timestamp("us")), id="timestamp"),
        pytest.param(pa.array([b"x ", b"x"]), id="bytes"),
        pytest.param(pa.array([["x"], []]), id="list"),
        pytest.param(pa.array([{"f": "x"}, {"f": None}]), id="struct"),
    ],
)
def test_text_from_a_column_the_cell_reader_reads_otherwise_falls_back(
    tmp_path: Path, column: pa.Array
) -> None:
    # SQL writes 1.0 as '1.0' and true as 'true' where the cell reader
    # writes 1 and TRUE, and it refuses bytes, lists and structs.
    path = tmp_path / "typed.parquet"
    for text_field in ("account_id", "name"):
        other = "name" if text_field == "account_id" else "account_id"
        columns = {text_field: column, other: pa.array(["p", "q"])}
        pq.write_table(pa.table(columns), path)
        fields = load_model().read_fields()

        report = parquet_view(duckdb.connect(), path, fields, load_preset("generic"))

        assert report is None, text_field


def test_identical_rows_are_merged_as_from_a_csv_file(tmp_path: Path) -> None:
    # A repeated id sends the file to the cell-by-cell reader, which merges
    # rows that say the same, as it does for the same rows in a CSV file.
    path = tmp_path / "twice.parquet"
    pq.write_table(pa.table({"account_id": ["a", "a"], "name": ["A", "A"]}), path)
    (tmp_path / "twice.csv").write_text("account_id,name\na,A\na,A\n")

    from_parquet = tier_file(path, tmp_path / "p", date(2026, 9, 30))
    from_csv = tier_file(tmp_path / "twice.csv", tmp_path / "c", date(2026, 9, 30))

    assert from_parquet.run.accounts == from_csv.run.accounts == 1
    assert from_parquet.report.notes[1:] == from_csv.report.notes[1:]
