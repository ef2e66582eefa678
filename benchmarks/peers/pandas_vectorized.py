"""The default model in pandas, vectorised: whole columns with numpy.

Points are small integers held beside a "known" mask, sums are int64 and the
total is an integer floor division, so no float rounding decides a tier. The
capped tiers sort their eligible accounts and take the head.

    python benchmarks/peers/pandas_vectorized.py ACCOUNTS.parquet OUT.parquet \
        --as-of 2026-09-30
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from default_model import (
    ALL_WEIGHT,
    BANDS,
    CENTI,
    ESTIMATE_AT_LEAST,
    ESTIMATE_AT_MOST,
    GEOGRAPHY_POINTS,
    INDUSTRY_POINTS,
    INPUT_COLUMNS,
    POINTS_SCALE,
    REFERENCE_POINTS,
    RELATIONSHIP_POINTS,
    REVENUE_SHARE,
    TIERS,
    UNASSIGNED,
    WEIGHTS,
    Dates,
    parse_args,
)

# A criterion's points, and whether they count in the score (known) and in
# completeness (observed). Unknown points are 0 here and simply not counted.
Scored = tuple[np.ndarray, np.ndarray, np.ndarray]


def text_key(values: pd.Series) -> pd.Series:
    """Lower-cased and trimmed of spaces; blank text is missing."""
    key = values.str.strip(" ").str.lower()
    return key.mask(key == "")


def unknown_when_missing(points: np.ndarray, present: pd.Series) -> Scored:
    known = present.to_numpy(dtype=bool)
    return np.where(known, points, 0), known, known


def bands(values: pd.Series, steps: Iterable[tuple[float, int]]) -> Scored:
    steps = list(steps)
    points = np.select(
        [values.ge(low).to_numpy(dtype=bool) for low, _ in steps],
        [pts for _, pts in steps],
        default=0,
    )
    return unknown_when_missing(points, values.notna())


def listed(key: pd.Series, lists: Iterable[tuple[frozenset[str], int]]) -> Scored:
    lists = list(lists)
    points = np.select(
        [key.isin(values).to_numpy(dtype=bool) for values, _ in lists],
        [pts for _, pts in lists],
        default=0,
    )
    return unknown_when_missing(points, key.notna())


def category(key: pd.Series, values: dict[str, int]) -> Scored:
    points = key.map(values).fillna(0).to_numpy(dtype=np.int64)
    return unknown_when_missing(points, key.notna())


def is_true(values: pd.Series) -> np.ndarray:
    """True where the value is True; missing values are not true."""
    return values.eq(True).to_numpy(dtype=bool)


def flag(values: pd.Series, missing_scores_zero: bool = False) -> Scored:
    points = np.where(is_true(values), POINTS_SCALE, 0)
    present = values.notna().to_numpy(dtype=bool)
    known = np.ones(len(values), dtype=bool) if missing_scores_zero else present
    return points, known, present


def potential(accounts: pd.DataFrame) -> pd.Series:
    numerator, denominator = REVENUE_SHARE
    revenue = accounts["annual_revenue"]
    whole = np.floor(revenue.fillna(0).to_numpy()).astype(np.int64)
    estimate = np.clip(
        whole * numerator // denominator, ESTIMATE_AT_LEAST, ESTIMATE_AT_MOST
    )
    estimated = pd.Series(estimate.astype(float), index=accounts.index).where(
        revenue > 0
    )
    return accounts["potential_acv"].fillna(estimated)


def criteria(accounts: pd.DataFrame, dates: Dates) -> dict[str, Scored]:
    engaged = pd.to_datetime(accounts["last_engagement_date"])
    engaged = engaged.where(engaged <= pd.Timestamp(dates.as_of))
    recency = np.select(
        [
            engaged.ge(pd.Timestamp(since)).to_numpy(dtype=bool)
            for since, _ in dates.recency
        ],
        [pts for _, pts in dates.recency],
        default=0,
    )

    incumbent = accounts["competitor_incumbent"]
    contract_end = pd.to_datetime(accounts["competitor_contract_end"])
    competitive = np.select(
        [
            incumbent.eq(False).to_numpy(dtype=bool),
            contract_end.le(pd.Timestamp(dates.contract_horizon)).to_numpy(dtype=bool),
        ],
        [10, 5],
        default=0,
    )

    every = np.ones(len(accounts), dtype=bool)
    scored = {
        "industry_fit": listed(text_key(accounts["industry"]), INDUSTRY_POINTS),
        "geography": listed(text_key(accounts["country"]), GEOGRAPHY_POINTS),
        "partner": flag(accounts["partner_value"]),
        "reference": category(text_key(accounts["reference_value"]), REFERENCE_POINTS),
        "recency": (recency, every, engaged.notna().to_numpy(dtype=bool)),
        "relationship": category(
            text_key(accounts["relationship_strength"]), RELATIONSHIP_POINTS
        ),
        "champion": flag(accounts["champion_identified"], missing_scores_zero=True),
        "executive_access": flag(accounts["exec_access"], missing_scores_zero=True),
        "competitive_position": unknown_when_missing(competitive, incumbent.notna()),
    }
    for key, (column, steps) in BANDS.items():
        scored[key] = bands(accounts[column], steps)
    return scored


def score(accounts: pd.DataFrame, dates: Dates) -> pd.DataFrame:
    accounts = accounts.assign(potential_acv=potential(accounts))
    earned = possible = observed = np.zeros(len(accounts), dtype=np.int64)
    for key, (points, known, seen) in criteria(accounts, dates).items():
        weight = WEIGHTS[key]
        earned = earned + weight * points
        possible = possible + weight * POINTS_SCALE * known
        observed = observed + weight * POINTS_SCALE * seen

    horizon = pd.Timestamp(dates.contract_horizon)
    contract_end = pd.to_datetime(accounts["competitor_contract_end"])
    entrenched = is_true(accounts["competitor_incumbent"]) & contract_end.gt(
        horizon
    ).to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "account_id": accounts["account_id"],
            "potential": accounts["potential_acv"],
            "total_centi": earned * CENTI // possible,
            "completeness_centi": observed * CENTI // ALL_WEIGHT,
            "exec_sponsor": is_true(accounts["exec_sponsor"]),
            "entrenched": entrenched,
        }
    )


def place(scored: pd.DataFrame) -> pd.Series:
    tier = pd.Series(UNASSIGNED, index=scored.index)
    unplaced = np.ones(len(scored), dtype=bool)
    for spec in TIERS:
        ok = (
            scored["total_centi"].ge(spec.min_total_centi)
            & scored["completeness_centi"].ge(spec.min_completeness_centi)
            & scored["potential"].ge(spec.min_potential)
        )
        if spec.needs_exec_sponsor:
            ok &= scored["exec_sponsor"]
        if spec.keeps_out_entrenched:
            ok &= ~scored["entrenched"]
        candidates = ok.to_numpy(dtype=bool) & unplaced
        if spec.cap is None:
            members = scored.index[candidates]
        else:
            members = (
                scored.loc[candidates]
                .sort_values(
                    ["total_centi", "potential", "account_id"],
                    ascending=[False, False, True],
                )
                .head(spec.cap)
                .index
            )
        tier.loc[members] = spec.key
        unplaced &= ~scored.index.isin(members)
    return tier


def main() -> None:
    args = parse_args(__doc__ or "")
    accounts = pd.read_parquet(args.accounts, columns=list(INPUT_COLUMNS))
    scored = score(accounts, args.dates)
    result = pd.DataFrame(
        {
            "account_id": scored["account_id"],
            "tier": place(scored),
            "total": scored["total_centi"],
        }
    )
    result.to_parquet(args.out, index=False)


if __name__ == "__main__":
    main()
