"""Fixtures for the demo and synthetic portfolio tests."""

from __future__ import annotations

import pyarrow as pa
import pytest

from tierwise.sample import build_demo_portfolio, generate_portfolio

# Large enough to hold several synthetic blocks and thousands of rare cases.
SYNTHETIC_SAMPLE_ACCOUNTS = 200_000


@pytest.fixture(scope="session")
def demo_portfolio() -> pa.Table:
    return build_demo_portfolio()


@pytest.fixture(scope="session")
def synthetic_accounts() -> pa.Table:
    """Only the made-up companies of a 200,000-account portfolio."""
    portfolio = generate_portfolio(SYNTHETIC_SAMPLE_ACCOUNTS, seed=11)
    return portfolio.slice(1000)
