"""The bundled default model, written out by hand for the benchmark's peers.

Every peer (polars, DuckDB SQL, pandas) reads its numbers from here, the way
an analyst would keep a scorecard's constants at the top of a script. None of
it is imported from tierwise: the peers are a second, independent reading of
``src/tierwise/model/default-model.yaml``, and
``tests/benchmarks/test_peers_agree.py`` checks that this reading still
matches the bundled model.

Decisions are made on whole numbers, as tierwise makes them:

* each criterion gives whole points (0-10) or is unknown;
* a criterion's weight in the total is a whole number (``WEIGHTS``): its
  dimension's weight times its share of the dimension, scaled by the least
  common multiple of the dimensions' weight sums and reduced;
* the total, in hundredths of a point, is
  ``floor(10000 * sum(weight * points) / sum(weight * 10))`` over the scored
  criteria; completeness is the same over the observed criteria against all
  of them;
* thresholds compare those integers, so no float rounding moves an account.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from math import gcd, lcm
from pathlib import Path

POINTS_SCALE = 10
CENTI = 10_000  # hundredths of a point on the 0-100 scale

# Dimension weight, and each criterion's weight within its dimension.
DIMENSIONS: dict[str, tuple[int, dict[str, int]]] = {
    "fit": (
        30,
        {
            "industry_fit": 3,
            "size_by_headcount": 2,
            "size_by_revenue": 2,
            "geography": 2,
            "growth": 1,
        },
    ),
    "strategic": (
        25,
        {"contract_value": 4, "expansion": 2, "partner": 1, "reference": 1},
    ),
    "engagement": (
        25,
        {
            "web_visits": 2,
            "content_downloads": 2,
            "events": 1,
            "intent": 3,
            "recency": 2,
        },
    ),
    "accessibility": (
        20,
        {
            "relationship": 3,
            "champion": 2,
            "executive_access": 2,
            "competitive_position": 3,
        },
    ),
}


def _effective_weights() -> dict[str, int]:
    sums = [sum(criteria.values()) for _, criteria in DIMENSIONS.values()]
    common = reduce(lcm, sums, 1)
    scaled = {
        key: weight * own * (common // total)
        for (weight, criteria), total in zip(DIMENSIONS.values(), sums, strict=True)
        for key, own in criteria.items()
    }
    divisor = reduce(gcd, scaled.values())
    return {key: value // divisor for key, value in scaled.items()}


WEIGHTS = _effective_weights()
ALL_WEIGHT = sum(WEIGHTS.values()) * POINTS_SCALE

# Criteria whose missing value scores fixed points (0) instead of dropping out
# of the score; they still count as unobserved for completeness.
MISSING_SCORES_ZERO = frozenset({"recency", "champion", "executive_access"})

# Text is matched lower-cased with surrounding spaces trimmed.
ICP_INDUSTRIES = frozenset(
    {
        "technology",
        "software",
        "financials",
        "finance",
        "banking",
        "insurance",
        "telecommunications",
        "business services",
        "consulting",
        "electronics",
    }
)
ADJACENT_INDUSTRIES = frozenset(
    {
        "health care",
        "healthcare",
        "medical",
        "biotechnology",
        "media",
        "entertainment",
        "marketing",
        "retailing",
        "retail",
        "industrials",
        "manufacturing",
        "energy",
        "transportation",
        "services",
        "wholesalers",
    }
)
TARGET_MARKETS = frozenset(
    {
        "us",
        "usa",
        "united states",
        "gb",
        "uk",
        "united kingdom",
        "de",
        "germany",
        "nl",
        "netherlands",
        "fr",
        "france",
    }
)
SECONDARY_MARKETS = frozenset(
    {
        "ca",
        "canada",
        "ie",
        "ireland",
        "be",
        "belgium",
        "lu",
        "luxembourg",
        "at",
        "austria",
        "ch",
        "switzerland",
        "se",
        "sweden",
        "dk",
        "denmark",
        "no",
        "norway",
        "fi",
        "finland",
        "es",
        "spain",
        "it",
        "italy",
        "au",
        "australia",
    }
)
INDUSTRY_POINTS = ((ICP_INDUSTRIES, 10), (ADJACENT_INDUSTRIES, 5))
GEOGRAPHY_POINTS = ((TARGET_MARKETS, 10), (SECONDARY_MARKETS, 5))
REFERENCE_POINTS = {"flagship": 10, "known": 5, "none": 0}
RELATIONSHIP_POINTS = {"strong": 10, "some": 5, "none": 0}

# Number bands as (at least, points), highest first; below the last: 0 points.
BANDS: dict[str, tuple[str, tuple[tuple[float, int], ...]]] = {
    "size_by_headcount": (
        "employees",
        ((5000, 10), (1000, 8), (200, 6), (50, 3)),
    ),
    "size_by_revenue": (
        "annual_revenue",
        ((1_000_000_000, 10), (250_000_000, 8), (50_000_000, 6), (10_000_000, 3)),
    ),
    "growth": ("revenue_growth_pct", ((25, 10), (10, 7), (0, 4))),
    "contract_value": (
        "potential_acv",
        ((500_000, 10), (250_000, 7), (100_000, 5), (50_000, 3)),
    ),
    "expansion": ("expansion_units", ((4, 10), (2, 5))),
    "web_visits": ("web_visits_30d", ((50, 10), (10, 6), (1, 3))),
    "content_downloads": ("content_downloads_90d", ((3, 10), (1, 5))),
    "events": ("events_attended_180d", ((2, 10), (1, 6))),
    "intent": ("intent_score", ((80, 10), (60, 7), (40, 4))),
}

# Days since the last engagement as (within days, points), newest first.
RECENCY_POINTS = ((14, 10), (45, 6), (90, 3))

# Competitive position: no incumbent 10; an incumbent whose contract ends
# within this many days of the as-of date 5; otherwise 0. Tier 1 keeps out an
# incumbent whose contract ends later than that.
CONTRACT_HORIZON_DAYS = 365

# Potential when potential_acv is absent: floor(revenue) * 1 / 2000 in whole
# euros (0.05%), between the bounds; nothing when revenue is not above 0.
REVENUE_SHARE = (1, 2000)
ESTIMATE_AT_LEAST = 10_000
ESTIMATE_AT_MOST = 5_000_000


@dataclass(frozen=True)
class Tier:
    """One tier's gates, thresholds in hundredths of a point."""

    key: str
    min_total_centi: int
    min_completeness_centi: int
    min_potential: int
    cap: int | None
    needs_exec_sponsor: bool = False
    keeps_out_entrenched: bool = False


# Best first. Completeness is the larger of the tier's min_coverage_pct and
# the model's min_completeness_pct (25).
TIERS = (
    Tier("tier_1", 7000, 6000, 500_000, 15, True, True),
    Tier("tier_2", 5000, 4000, 100_000, 100),
    Tier("tier_3", 3000, 2500, 50_000, None),
)
UNASSIGNED = "unassigned"

# The input columns every peer (and the floor) reads.
INPUT_COLUMNS = (
    "account_id",
    "industry",
    "country",
    "employees",
    "annual_revenue",
    "revenue_growth_pct",
    "potential_acv",
    "expansion_units",
    "partner_value",
    "reference_value",
    "web_visits_30d",
    "content_downloads_90d",
    "events_attended_180d",
    "intent_score",
    "last_engagement_date",
    "relationship_strength",
    "champion_identified",
    "exec_sponsor",
    "exec_access",
    "competitor_incumbent",
    "competitor_contract_end",
)


@dataclass(frozen=True)
class Dates:
    """The dates a run compares against, worked out once from the as-of date."""

    as_of: date
    recency: tuple[tuple[date, int], ...]
    contract_horizon: date

    @classmethod
    def for_run(cls, as_of: date) -> Dates:
        recency = tuple(
            (as_of - timedelta(days=days), points) for days, points in RECENCY_POINTS
        )
        horizon = as_of + timedelta(days=CONTRACT_HORIZON_DAYS)
        return cls(as_of=as_of, recency=recency, contract_horizon=horizon)


@dataclass(frozen=True)
class PeerArgs:
    accounts: Path
    out: Path
    dates: Dates


def parse_args(description: str) -> PeerArgs:
    """``PEER ACCOUNTS.parquet OUT.parquet --as-of YYYY-MM-DD``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("accounts", type=Path, help="accounts Parquet file")
    parser.add_argument("out", type=Path, help="Parquet file to write")
    parser.add_argument(
        "--as-of", type=date.fromisoformat, required=True, help="YYYY-MM-DD"
    )
    args = parser.parse_args()
    return PeerArgs(args.accounts, args.out, Dates.for_run(args.as_of))
