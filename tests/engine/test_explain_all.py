"""``--explain-all``: every account's points, adding up exactly to its total."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tests.engine.conftest import AS_OF
from tierwise.cli import app
from tierwise.engine import explain, score_accounts, write_results
from tierwise.engine.compile import HUNDREDTHS
from tierwise.model import TieringModel
from tierwise.sample import DEMO_AS_OF, build_demo_portfolio, generate_portfolio


def _explained(
    model: TieringModel, portfolio: pa.Table, as_of: Any, out: Path
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], Any]:
    run = score_accounts(model, portfolio, as_of)
    write_results(run, out, explain_all=True)
    rows = pq.read_table(out / "explain.parquet").to_pylist()
    results = {
        row["account_id"]: row
        for row in pq.read_table(out / "tiers.parquet").to_pylist()
    }
    return rows, results, run


def _assert_adds_up(
    model: TieringModel, rows: list[dict[str, Any]], results: dict[str, Any]
) -> None:
    assert len(rows) == len(results)
    for row in rows:
        account = row["account_id"]
        dimension_sums = []
        for dim in model.dimensions:
            earned = sum(row[f"{crit.key}_earned"] for crit in dim.criteria)
            assert earned == row[f"dimension_{dim.key}_earned"], account
            dimension_sums.append(earned)
        assert sum(dimension_sums) == row["earned"], account
        if row["possible"] == 0:
            assert row["total_centi"] is None, account
        else:
            assert row["earned"] * HUNDREDTHS // row["possible"] == row["total_centi"]
        shown = results[account]["total"]
        assert row["total_centi"] == (None if shown is None else round(shown * 100))


def test_every_demo_account_adds_up(
    default_model: TieringModel, tmp_path: Path
) -> None:
    rows, results, _ = _explained(
        default_model, build_demo_portfolio(), DEMO_AS_OF, tmp_path / "out"
    )

    assert len(rows) == 1000
    _assert_adds_up(default_model, rows, results)


@pytest.mark.parametrize("seed", [1, 2], ids=lambda s: f"seed-{s}")
def test_synthetic_accounts_with_gaps_add_up(
    default_model: TieringModel, tmp_path: Path, seed: int
) -> None:
    portfolio = generate_portfolio(3000, seed=seed).slice(1000)
    rows, results, _ = _explained(default_model, portfolio, AS_OF, tmp_path / "out")

    unknown = [
        row
        for row in rows
        if any(row[f"{c.key}_points"] is None for _, c in default_model.criteria())
    ]
    assert unknown, "the synthetic accounts should have gaps"
    _assert_adds_up(default_model, rows, results)


def test_it_agrees_with_explain_on_demand(
    default_model: TieringModel, tmp_path: Path
) -> None:
    rows, _, run = _explained(
        default_model, build_demo_portfolio(), DEMO_AS_OF, tmp_path / "out"
    )
    by_id = {row["account_id"]: row for row in rows}
    asked = sorted(by_id)[::97]

    for explanation in explain(run.connection, run.compiled, asked):
        row = by_id[explanation.account_id]
        for line in explanation.criteria:
            assert (line.points, line.earned) == (
                row[f"{line.key}_points"],
                row[f"{line.key}_earned"],
            )
        assert (explanation.earned, explanation.possible) == (
            row["earned"],
            row["possible"],
        )


def test_without_it_no_explain_file_and_a_stale_one_goes(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    accounts = tmp_path / "accounts.parquet"
    pq.write_table(build_demo_portfolio(), accounts)
    command = ["tier", str(accounts), "--as-of", "2026-09-30", "--no-store"]

    first = runner.invoke(app, [*command, "--out", str(out), "--explain-all"])
    assert first.exit_code == 0, first.output
    assert pq.read_table(out / "explain.parquet").num_rows == 1000
    assert "explain.parquet" in first.output

    second = runner.invoke(app, [*command, "--out", str(out)])
    assert second.exit_code == 0, second.output
    assert not (out / "explain.parquet").exists()
