"""`tierwise export`, driven as a user drives it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tierwise.cli import app


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COLUMNS", "100")
    return CliRunner()


def test_export_to_excel_writes_into_the_runs_exports_folder(
    cli: CliRunner, demo_run: Path, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    run.symlink_to(demo_run, target_is_directory=True)

    accounts = pq.read_metadata(run / "tiers.parquet").num_rows

    result = cli.invoke(app, ["export", str(run), "--to", "excel"])

    assert result.exit_code == 0, result.output
    written = f"Wrote {accounts:,} accounts to {run / 'exports' / 'tiers.xlsx'}"
    assert written in result.output
    assert re.search(r"Programmatic: [\d,]+ accounts on the sheets? ", result.output)
    workbook = openpyxl.load_workbook(run / "exports" / "tiers.xlsx")
    assert workbook.sheetnames[0] == "About"


def test_export_to_salesforce_takes_field_names_and_picklist_values(
    cli: CliRunner, salesforce_run: Path, tmp_path: Path
) -> None:
    result = cli.invoke(
        app,
        [
            "export",
            str(salesforce_run),
            "--to",
            "salesforce",
            "--out",
            str(tmp_path),
            "--tier-field",
            "Tier__c",
            "--score-field",
            "",
            "--dimension-field",
            "fit=Fit__c",
            "--tier-value",
            "tier_3=Scale",
        ],
    )

    assert result.exit_code == 0, result.output
    assert "Data Loader" in result.output
    path = tmp_path / "salesforce-accounts-update.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:3] == ["Id", "Tier__c", "Fit__c"]
    assert {row["Tier__c"] for row in rows} == {"tier_1", "tier_2", "Scale"}


def test_export_to_hubspot_prints_the_next_step(
    cli: CliRunner, hubspot_run: Path, tmp_path: Path
) -> None:
    result = cli.invoke(
        app, ["export", str(hubspot_run), "--to", "hubspot", "--out", str(tmp_path)]
    )

    assert result.exit_code == 0, result.output
    assert (tmp_path / "hubspot-companies-import.csv").exists()
    assert "Companies" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(
            ["--to", "excel"],
            "run `tierwise tier ACCOUNTS --out",
            id="missing-results-folder",
        ),
        pytest.param(
            ["--to", "salesforce", "--tier-value", "tier_1"],
            "--tier-value takes KEY=VALUE, e.g. --tier-value tier_1=Strategic",
            id="pair-without-equals",
        ),
        pytest.param(
            ["--to", "csv", "--tier-field", "Tier__c"],
            "apply to --to salesforce only",
            id="salesforce-option-for-csv",
        ),
    ],
)
def test_export_errors_name_the_fix_and_exit_2(
    cli: CliRunner, tmp_path: Path, arguments: list[str], message: str
) -> None:
    result = cli.invoke(app, ["export", str(tmp_path / "missing"), *arguments])

    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
