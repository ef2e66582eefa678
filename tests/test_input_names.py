"""A run's input is named by the path given, whatever kind of file it is.

A Parquet file was shown by its name alone (``from accounts.parquet``)
where a CSV file kept its folder (``from pa/accounts.csv``), so two
portfolios' ``accounts.parquet`` looked alike in the summary and the import
report. The store records every file by its name and keeps the path the run
read in its origin; the run list adds the folder where two runs read files
of the same name.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.sample import write_portfolio

AS_OF = date(2026, 9, 30)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COLUMNS", raising=False)
    return CliRunner()


def _tier(cli: CliRunner, accounts: str, *options: str) -> str:
    command = ["tier", accounts, "--as-of", str(AS_OF), "--quiet", "--out", "out"]
    result = cli.invoke(app, [*command, *options])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_the_summary_and_the_report_name_the_file_as_given(
    cli: CliRunner, tmp_path: Path, suffix: str
) -> None:
    (tmp_path / "pa").mkdir()
    write_portfolio(tmp_path / "pa" / f"accounts.{suffix}", 30, 7, as_of=AS_OF)
    given = f"pa/accounts.{suffix}"

    shown = _tier(cli, given, "--no-store")

    assert shown.startswith(f"30 accounts from {given} (30 rows read"), shown
    report = (tmp_path / "out" / "import-report.txt").read_text(encoding="utf-8")
    assert report.startswith(f"Import report for {given}\n")


def test_the_run_list_tells_two_folders_files_apart(
    cli: CliRunner, tmp_path: Path
) -> None:
    for folder in ("pa", "pb"):
        (tmp_path / folder).mkdir()
        write_portfolio(tmp_path / folder / "accounts.parquet", 30, 7, as_of=AS_OF)
        _tier(cli, f"{folder}/accounts.parquet", "--force")

    listed = cli.invoke(app, ["runs"])

    assert listed.exit_code == 0, listed.output
    assert "accounts.parquet (pb)" in listed.output
    assert "accounts.parquet (pa)" in listed.output
