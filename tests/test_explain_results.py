"""Explaining accounts of a run reads only their rows of the run's results.

`tierwise explain` takes each account's tier, rank and reason from the
run's ``tiers.parquet``; a run of ten million accounts should not be held
whole in memory to explain one of them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from tierwise.engine.run import RESULT_TABLE, open_connection
from tierwise.errors import TierwiseError
from tierwise.jobs import explain_accounts, tier_file
from tierwise.run_record import load_run_results
from tierwise.sample import write_portfolio

AS_OF = date(2026, 9, 30)


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("explain-results")
    accounts = write_portfolio(folder / "accounts.parquet", 300, 11, as_of=AS_OF)
    out = folder / "out"
    tier_file(accounts, out, AS_OF, store=None)
    return out


def _result_rows(out: Path, where: str = "true") -> list[tuple[object, ...]]:
    return duckdb.sql(
        f"SELECT * FROM read_parquet('{out / 'tiers.parquet'}') WHERE {where} "
        "ORDER BY account_id"
    ).fetchall()


def test_only_the_asked_accounts_are_held(run_folder: Path) -> None:
    first, second = [row[0] for row in _result_rows(run_folder)[:2]]
    connection = open_connection()

    load_run_results(connection, run_folder, [str(second), str(first), "no-such-id"])

    held = connection.sql(
        f'SELECT * FROM "{RESULT_TABLE}" ORDER BY account_id'
    ).fetchall()
    assert held == _result_rows(run_folder, f"account_id IN ('{first}', '{second}')")


def test_explained_accounts_keep_their_tier_rank_and_reason(run_folder: Path) -> None:
    placed = _result_rows(run_folder, "tier <> 'unassigned'")
    asked = {str(row[0]): row for row in placed[:3]}

    explained = explain_accounts(run_folder, list(asked))

    columns = [
        d[0]
        for d in duckdb.sql(
            f"SELECT * FROM read_parquet('{run_folder / 'tiers.parquet'}') LIMIT 0"
        ).description
    ]
    for explanation in explained:
        row = dict(zip(columns, asked[explanation.account_id], strict=True))
        assert (explanation.tier, explanation.rank, explanation.reason) == (
            row["tier"],
            row["rank"],
            row["reason"],
        )
        assert explanation.adds_up()


@pytest.mark.parametrize("blank", ["", "  ", "\t"])
def test_a_blank_id_is_refused_by_name(run_folder: Path, blank: str) -> None:
    # It read "no account with id  in the run", the id lost between spaces.
    first = str(_result_rows(run_folder)[0][0])

    with pytest.raises(TierwiseError, match="an account id to explain is blank"):
        explain_accounts(run_folder, [first, blank])


def test_an_id_the_run_lacks_is_named_before_the_input_is_read_again(
    tmp_path: Path,
) -> None:
    # It was named only after the accounts and every signal file had been
    # read and scored again: 8 s for a typo at 100,000 accounts. The input
    # is gone here, so reading it would have said that instead.
    accounts = write_portfolio(tmp_path / "accounts.parquet", 50, 3, as_of=AS_OF)
    out = tmp_path / "out"
    tier_file(accounts, out, AS_OF, store=None)
    accounts.unlink()
    first = str(_result_rows(out)[0][0])

    with pytest.raises(TierwiseError) as caught:
        explain_accounts(out, [first, "NOPE", "nope", "NOPE"])

    assert str(caught.value).startswith(
        f"no account with ids NOPE, nope in the run in {out}"
    )
