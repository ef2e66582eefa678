"""Portfolios of any size: the demo first, then synthetic companies."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from tierwise.sample import (
    PORTFOLIO_SCHEMA,
    build_demo_portfolio,
    generate_portfolio,
    iter_portfolio_batches,
)
from tierwise.sample.synthetic import FORTUNE_SECTORS, SYNTHETIC_INDUSTRIES


@pytest.mark.parametrize("accounts", [1, 999, 1000, 1001, 70_000])
def test_portfolio_has_the_rows_asked_for(accounts: int) -> None:
    portfolio = generate_portfolio(accounts, seed=3)

    assert portfolio.num_rows == accounts
    assert portfolio.schema == PORTFOLIO_SCHEMA


def test_small_portfolio_is_the_start_of_the_demo() -> None:
    assert generate_portfolio(25, seed=3).equals(build_demo_portfolio(3).slice(0, 25))


def test_large_portfolio_starts_with_the_whole_demo() -> None:
    portfolio = generate_portfolio(1500, seed=3)

    assert portfolio.slice(0, 1000).equals(build_demo_portfolio(3))


def test_same_seed_gives_the_same_large_portfolio() -> None:
    assert generate_portfolio(70_000, seed=5).equals(generate_portfolio(70_000, seed=5))


def test_batch_size_does_not_change_the_rows() -> None:
    whole = generate_portfolio(70_000, seed=5)
    batches = list(iter_portfolio_batches(70_000, seed=5, batch_size=9_999))

    assert [batch.num_rows for batch in batches] == [9_999] * 7 + [7]
    assert pa.Table.from_batches(batches).equals(whole)


def test_synthetic_companies_are_numbered_from_one() -> None:
    synthetic = generate_portfolio(1002, seed=5).slice(1000).to_pylist()

    assert [(r["account_id"], r["name"], r["domain"]) for r in synthetic] == [
        ("S-0000001", "Company 0000001", "company0000001.example"),
        ("S-0000002", "Company 0000002", "company0000002.example"),
    ]


def test_synthetic_ids_are_unique(synthetic_accounts: pa.Table) -> None:
    ids = synthetic_accounts.column("account_id")

    assert pc.count_distinct(ids).as_py() == synthetic_accounts.num_rows


def test_synthetic_countries_include_namibia(synthetic_accounts: pa.Table) -> None:
    countries = set(synthetic_accounts.column("country").to_pylist())

    assert {"US", "GB", "DE", "NL", "FR", "NA"} <= countries
    assert None not in countries


def test_synthetic_industries_extend_the_fortune_sectors(
    synthetic_accounts: pa.Table,
) -> None:
    industries = set(synthetic_accounts.column("industry").to_pylist())

    assert set(FORTUNE_SECTORS) < industries
    assert industries == set(SYNTHETIC_INDUSTRIES)


def test_fortune_sectors_are_the_lists_sectors(demo_portfolio: pa.Table) -> None:
    assert set(demo_portfolio.column("industry").to_pylist()) == set(FORTUNE_SECTORS)


def test_synthetic_growth_is_unknown_for_about_half(
    synthetic_accounts: pa.Table,
) -> None:
    unknown_share = (
        synthetic_accounts.column("revenue_growth_pct").null_count
        / synthetic_accounts.num_rows
    )

    assert 0.45 < unknown_share < 0.55


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(
            {"accounts": 0, "seed": 1},
            "accounts must be a whole number of at least 1, got 0",
            id="no-accounts",
        ),
        pytest.param(
            {"accounts": 2.5, "seed": 1},
            "accounts must be a whole number of at least 1, got 2.5",
            id="fractional-accounts",
        ),
        pytest.param(
            {"accounts": 10, "seed": -1},
            "seed must be a whole number of at least 0, got -1",
            id="negative-seed",
        ),
        pytest.param(
            {"accounts": 10, "seed": 1, "batch_size": 0},
            "batch_size must be a whole number of at least 1, got 0",
            id="empty-batches",
        ),
        pytest.param(
            {"accounts": 10, "seed": 1, "as_of": "2026-09-30"},
            "as_of must be a date",
            id="as-of-text",
        ),
    ],
)
def test_bad_arguments_are_refused(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        iter_portfolio_batches(**arguments)  # type: ignore[arg-type]
