"""A model's own dimension keys in the store.

The store keeps the scores of the default model's four dimensions (fit,
strategic, engagement, accessibility) in columns of their own; a model with
other dimension keys is scored but cannot be recorded.
"""

from __future__ import annotations

import duckdb
import pytest

from tests.store.conftest import QUARTER_3
from tierwise.engine import score_accounts
from tierwise.model import default_model_text, parse_model
from tierwise.sample import build_demo_portfolio
from tierwise.store import Store, record_run


@pytest.mark.xfail(
    strict=True,
    raises=duckdb.BinderException,
    reason="the store's result columns are the default model's four "
    "dimensions: recording a run of a model with another dimension key "
    "stops with DuckDB's binder error on the missing strategic_score",
)
def test_a_model_with_its_own_dimension_keys_can_be_recorded(
    sqlite_store: Store,
) -> None:
    text = default_model_text().replace("  - key: strategic\n", "  - key: value\n")
    assert "key: value" in text
    accounts = build_demo_portfolio(as_of=QUARTER_3).slice(0, 20)
    run = score_accounts(parse_model(text), accounts, QUARTER_3)

    recorded = record_run(sqlite_store, run, model_text=text, inputs={"accounts": "0"})

    assert recorded.run_id > 0
