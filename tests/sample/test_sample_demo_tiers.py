"""The demo tiered by the default model shows its caps at work.

The generator's knobs were tuned so that Tier 1 has more candidates than its
cap of 15 and Tier 2 more than its cap of 100. If a change to the default
model or to the knobs breaks that, the demo no longer shows a cap biting:
retune the knobs in `tierwise.sample.generator` (the sponsor shares first).
"""

from __future__ import annotations

import pyarrow as pa

from tierwise.engine import score_accounts
from tierwise.model import TieringModel
from tierwise.sample import DEMO_AS_OF


def test_both_capped_tiers_overflow(
    default_model: TieringModel, demo_portfolio: pa.Table
) -> None:
    run = score_accounts(default_model, demo_portfolio, DEMO_AS_OF)
    tiers = {count.key: count for count in run.tiers}

    tier_1_candidates = tiers["tier_1"].accounts + tiers["tier_1"].capped_out
    assert tiers["tier_1"].accounts == 15
    assert 20 <= tier_1_candidates <= 40
    assert tiers["tier_2"].accounts == 100
    assert tiers["tier_2"].capped_out > 100
    assert tiers["tier_3"].accounts > 500
