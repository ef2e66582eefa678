"""A portfolio a quarter apart: the same companies, other recent signals."""

from __future__ import annotations

from datetime import date

from tierwise.engine import score_accounts
from tierwise.model import load_model
from tierwise.sample import DEMO_AS_OF, build_demo_portfolio
from tierwise.sample.generator import SIGNAL_REFERENCE_DAY, quarters_from_reference

PREVIOUS_QUARTER = date(2026, 6, 30)
FIRMOGRAPHICS = ["account_id", "name", "industry", "employees", "annual_revenue"]
SIGNALS = ["web_visits_30d", "content_downloads_90d", "intent_score"]


def test_the_reference_quarter_is_the_demo_date() -> None:
    assert SIGNAL_REFERENCE_DAY == DEMO_AS_OF
    assert quarters_from_reference(DEMO_AS_OF) == 0
    assert quarters_from_reference(PREVIOUS_QUARTER) == -1


def test_a_quarter_earlier_keeps_the_companies_and_redraws_the_signals() -> None:
    now = build_demo_portfolio(as_of=DEMO_AS_OF)
    before = build_demo_portfolio(as_of=PREVIOUS_QUARTER)

    assert now.select(FIRMOGRAPHICS).equals(before.select(FIRMOGRAPHICS))
    assert not now.select(SIGNALS).equals(before.select(SIGNALS))


def test_tiers_move_between_quarters() -> None:
    model = load_model()
    tiers_now = score_accounts(
        model, build_demo_portfolio(as_of=DEMO_AS_OF), DEMO_AS_OF
    )
    tiers_before = score_accounts(
        model, build_demo_portfolio(as_of=PREVIOUS_QUARTER), PREVIOUS_QUARTER
    )

    now = {r["account_id"]: r["tier"] for r in tiers_now.table().to_pylist()}
    before = {r["account_id"]: r["tier"] for r in tiers_before.table().to_pylist()}
    moved = [account for account in now if now[account] != before[account]]

    assert 0 < len(moved) < len(now)
