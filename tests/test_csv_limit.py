"""tiers.csv is left out past a spreadsheet's rows, and the summary says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import tierwise.engine.run
from tests.conftest import sampled_portfolio
from tierwise.cli import app


def _tier(portfolio: Path, out: Path, *options: str) -> str:
    command = ["tier", str(portfolio), "--as-of", "2026-09-30", "--no-store"]
    result = CliRunner().invoke(app, [*command, "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_a_portfolio_past_a_spreadsheets_rows_is_told_why_no_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A spreadsheet's limit stands lowered to 20 rows for 30 accounts."""
    portfolio = sampled_portfolio(tmp_path, 30)
    monkeypatch.setattr(tierwise.engine.run, "SPREADSHEET_ROWS", 20)

    shown = _tier(portfolio, tmp_path / "out")
    forced = _tier(portfolio, tmp_path / "forced", "--csv")

    assert not (tmp_path / "out" / "tiers.csv").exists()
    assert (
        "No tiers.csv: 30 accounts are more rows than a spreadsheet opens (20); "
        "--csv writes it anyway"
    ) in shown
    assert (tmp_path / "forced" / "tiers.csv").exists()
    assert "No tiers.csv" not in forced
