"""tierwise tier --mapping shows what the mapping gets wrong as warnings in
the summary and keeps them in run.json, for a file, a Parquet file and a
--source table: the notes sat only in import-report.txt, and the terminal
said only that no column fed exec_sponsor."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tierwise.cli import app

ACCOUNTS = pa.table(
    {
        "Id": ["001000000000001AAA", "001000000000002AAA"],
        "Name": ["Alpha", "Beta"],
        "Exec_Sponsor__c": [True, False],
    }
)


def _accounts(folder: Path, kind: str) -> list[str]:
    """The command line's accounts for ``kind``: a file, or --source."""
    if kind == "table":
        path = folder / "crm.duckdb"
        with duckdb.connect(str(path)) as connection:
            connection.register("given", ACCOUNTS)
            connection.execute("CREATE TABLE accounts AS SELECT * FROM given")
        return ["--source", f"duckdb:///{path}::accounts"]
    path = folder / f"accounts.{kind}"
    if kind == "csv":
        pa_csv.write_csv(ACCOUNTS, path)
    else:
        pq.write_table(ACCOUNTS, path)
    return [str(path)]


def _tier(folder: Path, kind: str, columns: str) -> tuple[str, list[str]]:
    """The terminal's output and run.json's warnings of a run through a
    mapping file with ``columns``."""
    mapping = folder / "columns.yaml"
    mapping.write_text(f"preset: salesforce\ncolumns:\n{columns}", encoding="utf-8")
    out = folder / "out"
    options = ["--mapping", str(mapping), "--out", str(out), "--no-store", "--quiet"]

    result = CliRunner().invoke(
        app, ["tier", *_accounts(folder, kind), "--as-of", "2026-09-30", *options]
    )

    assert result.exit_code == 0, result.output
    warnings = json.loads((out / "run.json").read_text(encoding="utf-8"))["warnings"]
    return result.output, warnings


KINDS = [
    pytest.param("csv", id="csv"),
    pytest.param("parquet", id="parquet"),
    pytest.param("table", id="duckdb-table"),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("columns", "note"),
    [
        pytest.param(
            "  exec_sponser: Exec_Sponsor__c\n",
            "mapping {mapping}: the model reads no field 'exec_sponser', so its "
            "column is not read (did you mean exec_sponsor?)",
            id="field-typo",
        ),
        pytest.param(
            "  exec_sponsor: Exec_Sponsr__c\n",
            "exec_sponsor: no {name} 'Exec_Sponsr__c', so the field is absent; "
            "did you mean 'Exec_Sponsor__c'?",
            id="header-typo",
        ),
        pytest.param(
            "  exec_sponsor: Sponsor Flag\n",
            "exec_sponsor: no {name} 'Sponsor Flag', so the field is absent; "
            "check columns.exec_sponsor in {mapping}",
            id="header-not-there",
        ),
    ],
)
def test_a_mapping_note_is_a_warning_once_in_the_summary_and_in_run_json(
    kind: str,
    columns: str,
    note: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    name = "column" if kind == "table" else "header"
    expected = note.format(mapping=tmp_path / "columns.yaml", name=name)

    output, warnings = _tier(tmp_path, kind, columns)

    assert output.count(expected) == 1
    assert f"warning: {expected}" in output
    assert warnings.count(expected) == 1
    # The run's own warning about the must-have stays beside it.
    assert "must-have exec_sponsor reads exec_sponsor" in output


def test_a_mapping_without_problems_adds_no_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")

    output, warnings = _tier(tmp_path, "csv", "  exec_sponsor: Exec_Sponsor__c\n")

    assert "so the field is absent" not in output
    assert not any("mapping" in warning for warning in warnings)
