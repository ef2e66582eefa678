"""The note on fields signal files fill names only fields scoring reads.

A signal section may fill fields no criterion, gate or tie-break reads
(the bundled model rolls up engagement_decayed for later use); their
absence changes no tier, so no run, check or lint mentions them, whatever
kind of input the accounts come from.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.databases import warehouse_file
from tierwise.cli import app
from tierwise.model import TieringModel, default_model_text
from tierwise.sample import write_portfolio

AS_OF = date(2026, 9, 30)
NOTE = "Filled from signal files"
# A criterion on a field only the activity file fills, added to the
# bundled model's engagement dimension.
DECAYED_CRITERION = """\
      - key: decayed_engagement
        label: Engagement, halved every 30 days
        field: engagement_decayed
        kind: bands
        weight: 1
        bands:
          - {at_least: 1, points: 10}
        otherwise: 0
        missing: unknown
"""


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COLUMNS", raising=False)
    return CliRunner()


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, list[str]]:
    """The same 60 accounts as a CSV file, a Parquet file and a table."""
    csv = write_portfolio(tmp_path / "accounts.csv", 60, 7, as_of=AS_OF)
    parquet = write_portfolio(tmp_path / "accounts.parquet", 60, 7, as_of=AS_OF)
    table = warehouse_file(parquet, tmp_path)
    return {
        "csv": [str(csv)],
        "parquet": [str(parquet)],
        "source": ["--source", f"duckdb:///{table}::sales.accounts"],
    }


def _with_decayed_criterion(folder: Path) -> Path:
    text = default_model_text()
    anchor = "    criteria:\n      - key: web_visits\n"
    assert anchor in text
    added = anchor.replace("      - key", DECAYED_CRITERION + "      - key")
    text = text.replace(anchor, added)
    path = folder / "decayed.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _tiered(cli: CliRunner, given: list[str], *options: str) -> str:
    command = ["tier", *given, "--as-of", str(AS_OF), "--no-store", "--quiet"]
    result = cli.invoke(app, [*command, "--out", "out", *options])
    assert result.exit_code == 0, result.output
    report = Path("out", "import-report.txt").read_text(encoding="utf-8")
    return result.output + report


def test_the_bundled_model_fills_from_signal_files_only_fields_it_reads(
    default_model: TieringModel,
) -> None:
    filled = default_model.filled_by(only_read=True)

    assert set(filled) <= set(default_model.read_fields())
    assert filled["web_visits_30d"] == "activity"
    assert "engagement_decayed" not in filled
    assert default_model.filled_by()["engagement_decayed"] == "activity"


@pytest.mark.parametrize("kind", ["csv", "parquet", "source"])
def test_no_note_on_fields_no_criterion_reads(
    cli: CliRunner, inputs: dict[str, list[str]], kind: str
) -> None:
    shown = _tiered(cli, inputs[kind])

    assert NOTE not in shown
    assert "engagement_decayed" not in shown


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_file_lacking_a_field_a_criterion_reads_names_it_alone(
    cli: CliRunner, tmp_path: Path, inputs: dict[str, list[str]], kind: str
) -> None:
    model = _with_decayed_criterion(tmp_path)

    shown = _tiered(cli, inputs[kind], "--model", str(model))

    expected = (
        f"{NOTE} when given (--activity), else scored by each criterion's "
        "missing-value policy: --activity: engagement_decayed"
    )
    assert shown.count(expected) == 2, shown  # the summary and the report


def test_a_table_lacking_a_field_a_criterion_reads_names_it_as_a_column(
    cli: CliRunner, tmp_path: Path, inputs: dict[str, list[str]]
) -> None:
    # --source takes no signal files, so the table could only add a column.
    model = _with_decayed_criterion(tmp_path)

    shown = _tiered(cli, inputs["source"], "--model", str(model))

    assert NOTE not in shown
    assert (
        "Not in the table (scored by each criterion's missing-value policy): "
        "engagement_decayed\n"
    ) in shown


def test_lint_counts_no_field_no_criterion_reads_as_unchecked(
    cli: CliRunner, tmp_path: Path, inputs: dict[str, list[str]]
) -> None:
    model = tmp_path / "default.yaml"
    model.write_text(default_model_text(), encoding="utf-8")
    command = ["lint", str(model), "--accounts", *inputs["csv"]]
    command += ["--as-of", str(AS_OF)]

    result = cli.invoke(app, command)

    assert result.exit_code == 0, result.output
    assert "Not checked" not in result.output
    assert "engagement_decayed" not in result.output


def test_check_names_no_field_no_criterion_reads(
    cli: CliRunner, inputs: dict[str, list[str]]
) -> None:
    result = cli.invoke(app, ["check", *inputs["csv"]])

    assert result.exit_code == 0, result.output
    assert "engagement_decayed" not in result.output
