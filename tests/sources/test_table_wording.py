"""A ``--source`` run speaks of a table and its columns, not of a file.

The summary of a table's run said "Not in the file" of the fields it
lacks, and a table without a name column was told what "a file without a
separate name column" may do with "one header": words from the file
reader, for accounts that came from no file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.errors import SourceError
from tierwise.sources.mapping import load_mapping_file
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)


def _table(path: Path, columns: str) -> str:
    with duckdb.connect(str(path)) as connection:
        connection.execute(f"CREATE TABLE accounts AS SELECT {columns}")
    return f"duckdb:///{path}::accounts"


def test_a_tables_summary_names_the_fields_not_in_the_table(tmp_path: Path) -> None:
    source = _table(tmp_path / "crm.duckdb", "'a1' AS account_id, 'Acme' AS name")

    result = CliRunner().invoke(
        app,
        ["tier", "--source", source, "--out", str(tmp_path / "out"), "--no-store"],
    )

    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Not in the file" not in text
    assert (
        "Not in the table (scored by each criterion's missing-value policy): "
        "industry, country,"
    ) in text


def test_a_table_without_a_name_column_is_told_in_columns(tmp_path: Path) -> None:
    source = _table(tmp_path / "crm.duckdb", "'a1' AS account_id, 10 AS employees")

    with pytest.raises(SourceError) as caught:
        tier_table(source, tmp_path / "out", AS_OF)

    assert str(caught.value).splitlines()[1:] == [
        "  name: looked for 'name' (mapping generic); closest columns: none",
        "  Columns read: 'account_id', 'employees'",
        "  Fix: add `name: <column>` under `columns:` in a mapping file, or "
        "choose another preset (salesforce, hubspot, generic)",
        "  A table without a separate name column may map one column to both: "
        "`name: <column>` beside `account_id: <column>`",
    ]


def test_a_misspelt_mapped_column_is_called_a_column(tmp_path: Path) -> None:
    source = _table(
        tmp_path / "crm.duckdb", "'a1' AS account_id, 'Acme' AS name, 'x' AS Sector"
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "preset: generic\ncolumns:\n  industry: Sectr\n", encoding="utf-8"
    )

    job = tier_table(
        source, tmp_path / "out", AS_OF, mapping=load_mapping_file(mapping)
    )

    assert (
        "industry: no column 'Sectr', so the field is absent; did you mean 'Sector'?"
        in job.report.notes
    )
