"""What a mapping gets wrong is kept apart in the import report
(``mapping_notes``, also among its ``notes``), so that a run can show it: a
field the model does not read, a header the file lacks (with the header
likely meant), for a CSV file, a Parquet file and a --source table alike."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from tierwise.jobs import tier_file
from tierwise.sources import load_mapping_file
from tierwise.sources.report import ImportReport
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)
ACCOUNTS = pa.table(
    {
        "Id": ["001000000000001AAA", "001000000000002AAA"],
        "Name": ["Alpha", "Beta"],
        "Exec_Sponsor__c": [True, False],
    }
)
KINDS = [
    pytest.param("csv", id="csv"),
    pytest.param("parquet", id="parquet"),
    pytest.param("table", id="duckdb-table"),
]


def _report(folder: Path, kind: str, columns: str) -> ImportReport:
    mapping_file = folder / "columns.yaml"
    text = f"preset: salesforce\ncolumns:\n{columns}"
    mapping_file.write_text(text, encoding="utf-8")
    mapping = load_mapping_file(mapping_file)
    out = folder / "out"
    if kind == "table":
        path = folder / "crm.duckdb"
        with duckdb.connect(str(path)) as connection:
            connection.register("given", ACCOUNTS)
            connection.execute("CREATE TABLE accounts AS SELECT * FROM given")
        source = f"duckdb:///{path}::accounts"
        return tier_table(source, out, AS_OF, mapping=mapping).report
    path = folder / f"accounts.{kind}"
    if kind == "csv":
        pa_csv.write_csv(ACCOUNTS, path)
    else:
        pq.write_table(ACCOUNTS, path)
    return tier_file(path, out, AS_OF, mapping=mapping).report


@pytest.mark.parametrize("kind", KINDS)
def test_a_misspelt_field_is_a_mapping_note(kind: str, tmp_path: Path) -> None:
    report = _report(tmp_path, kind, "  exec_sponser: Exec_Sponsor__c\n")

    assert report.mapping_notes == [
        f"mapping {tmp_path / 'columns.yaml'}: the model reads no field "
        "'exec_sponser', so its column is not read (did you mean exec_sponsor?)"
    ]
    assert set(report.mapping_notes) <= set(report.notes)


@pytest.mark.parametrize("kind", KINDS)
def test_a_misspelt_header_is_a_mapping_note(kind: str, tmp_path: Path) -> None:
    report = _report(tmp_path, kind, "  exec_sponsor: Exec_Sponsr__c\n")

    (note,) = report.mapping_notes
    assert note.startswith("exec_sponsor: no ")
    assert note.endswith(
        "'Exec_Sponsr__c', so the field is absent; did you mean 'Exec_Sponsor__c'?"
    )
    assert set(report.mapping_notes) <= set(report.notes)


@pytest.mark.parametrize("kind", KINDS)
def test_a_named_header_the_file_lacks_is_a_mapping_note(
    kind: str, tmp_path: Path
) -> None:
    # Nothing like it in the file: no header to suggest, but the mapping
    # file names it, so the person expects the field to be read.
    report = _report(tmp_path, kind, "  exec_sponsor: Sponsor Flag\n")

    (note,) = report.mapping_notes
    assert note.startswith("exec_sponsor: no ")
    assert "'Sponsor Flag', so the field is absent; " in note
    assert note.endswith(f"check columns.exec_sponsor in {tmp_path / 'columns.yaml'}")


@pytest.mark.parametrize("kind", KINDS)
def test_a_preset_header_the_file_lacks_is_no_mapping_note(
    kind: str, tmp_path: Path
) -> None:
    # The Salesforce preset maps AnnualRevenue, Industry, LastActivityDate…
    # which an export may leave out; the mapping file names none of them.
    report = _report(tmp_path, kind, "  exec_sponsor: Exec_Sponsor__c\n")

    assert report.mapping_notes == []
    assert "annual_revenue" in report.absent_fields
