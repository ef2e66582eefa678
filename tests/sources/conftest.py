"""Fixtures for the sources tests: small files written into tmp_path, and
the demo portfolio the database table tests load and compare with."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from tests.mariadb import load_table, own_database

from tierwise import jobs
from tierwise.model.fields import CANONICAL_FIELDS, FieldKind
from tierwise.sample import DEMO_SEED, write_portfolio

WriteFile = Callable[..., Path]

# The as-of date of the portfolio's runs; the table tests tier with it too.
PORTFOLIO_AS_OF = date(2026, 9, 30)


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write text (UTF-8, exactly as given) or bytes to a file in tmp_path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def canonical() -> dict[str, FieldKind]:
    """Every canonical field, as a model that reads them all would ask."""
    return dict(CANONICAL_FIELDS)


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo portfolio (the Fortune 1000 with made-up signals) as Parquet."""
    folder = tmp_path_factory.mktemp("portfolio")
    return write_portfolio(
        folder / "accounts.parquet", 1000, DEMO_SEED, as_of=PORTFOLIO_AS_OF
    )


@pytest.fixture(scope="module")
def file_run(portfolio: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The results folder of the portfolio tiered from its Parquet file."""
    out = tmp_path_factory.mktemp("from-file")
    jobs.tier_file(portfolio, out, PORTFOLIO_AS_OF)
    return out


@pytest.fixture(scope="module")
def from_file(file_run: Path) -> list[dict[str, Any]]:
    """The file run's results, one dict per account in id order."""
    return pq.read_table(file_run / "tiers.parquet").sort_by("account_id").to_pylist()


@pytest.fixture
def mariadb_portfolio(portfolio: Path) -> Iterator[str]:
    """A MariaDB database of the test's own holding the portfolio as
    ``accounts``; its name. Dropped afterwards."""
    with own_database("tierwise_source") as (admin, database):
        load_table(admin, database, "accounts", pq.read_table(portfolio))
        yield database
