"""Streaming a portfolio to Parquet and CSV, and reading it back."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from tierwise.sample import PORTFOLIO_SCHEMA, generate_portfolio, write_portfolio

ACCOUNTS = 3_000

# Only an empty cell is a null: "NA" is Namibia, not a missing value.
READ_BACK = pa_csv.ConvertOptions(
    column_types=PORTFOLIO_SCHEMA, null_values=[""], strings_can_be_null=True
)


@pytest.fixture(scope="module")
def expected() -> pa.Table:
    return generate_portfolio(ACCOUNTS, seed=9)


def test_parquet_round_trip(tmp_path: Path, expected: pa.Table) -> None:
    path = write_portfolio(tmp_path / "accounts.parquet", ACCOUNTS, 9, batch_size=700)

    assert pq.read_table(path).equals(expected)


def test_csv_round_trip(tmp_path: Path, expected: pa.Table) -> None:
    path = write_portfolio(tmp_path / "accounts.csv", ACCOUNTS, 9, batch_size=700)

    assert pa_csv.read_csv(path, convert_options=READ_BACK).equals(expected)


def test_csv_keeps_namibia_as_text(tmp_path: Path, expected: pa.Table) -> None:
    path = write_portfolio(tmp_path / "accounts.csv", ACCOUNTS, 9)

    countries = pa_csv.read_csv(path, convert_options=READ_BACK).column("country")
    assert countries.to_pylist() == expected.column("country").to_pylist()
    assert "NA" in countries.to_pylist()


def test_unknown_suffix_is_refused_and_nothing_written(tmp_path: Path) -> None:
    target = tmp_path / "accounts.xlsx"

    with pytest.raises(ValueError, match=r"suffix '\.xlsx'; name the file with"):
        write_portfolio(target, 10, 1)
    assert list(tmp_path.iterdir()) == []


def test_failed_run_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="accounts must be a whole number"):
        write_portfolio(tmp_path / "accounts.parquet", 0, 1)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["accounts.parquet", "new/accounts.csv"])
def test_a_portfolio_larger_than_the_free_space_is_refused_before_writing(
    tmp_path: Path, name: str
) -> None:
    # 10**15 accounts need petabytes: a mistyped count ran until the disk
    # was full.
    with pytest.raises(ValueError, match=r"1,000,000,000,000,000 accounts would take"):
        write_portfolio(tmp_path / name, 10**15, 1)
    assert list(tmp_path.iterdir()) == []
