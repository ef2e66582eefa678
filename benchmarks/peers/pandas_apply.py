"""The default model in pandas, row by row with ``DataFrame.apply``.

This is how a scorecard often starts life in a notebook: one Python function
that reads an account's fields and returns its score, applied to every row.
It is exact (whole numbers throughout) and easy to read, and slow: the
benchmark runs it at 100,000 accounts only.

    python benchmarks/peers/pandas_apply.py ACCOUNTS.parquet OUT.parquet \
        --as-of 2026-09-30
"""

from __future__ import annotations

import math
from typing import Any

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


def missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def is_true(value: Any) -> bool:
    return not missing(value) and bool(value)


def text_key(value: Any) -> str | None:
    if missing(value):
        return None
    key = str(value).strip(" ").lower()
    return key or None


def band_points(value: Any, steps: tuple[tuple[float, int], ...]) -> int | None:
    if missing(value):
        return None
    for at_least, points in steps:
        if value >= at_least:
            return points
    return 0


def potential_of(row: pd.Series) -> float | None:
    if not missing(row["potential_acv"]):
        return float(row["potential_acv"])
    revenue = row["annual_revenue"]
    if missing(revenue) or revenue <= 0:
        return None
    numerator, denominator = REVENUE_SHARE
    estimate = math.floor(revenue) * numerator // denominator
    return float(min(max(estimate, ESTIMATE_AT_LEAST), ESTIMATE_AT_MOST))


def criterion_points(
    row: pd.Series, potential: float | None, dates: Dates
) -> dict[str, tuple[int | None, bool]]:
    """Each criterion's points (None when unknown) and whether it was observed.

    Dates arrive from Parquet as ``datetime.date`` and compare as such.
    """
    points: dict[str, tuple[int | None, bool]] = {}
    for key, (column, steps) in BANDS.items():
        value = potential if column == "potential_acv" else row[column]
        pts = band_points(value, steps)
        points[key] = (pts, pts is not None)

    for key, column, lists in (
        ("industry_fit", "industry", INDUSTRY_POINTS),
        ("geography", "country", GEOGRAPHY_POINTS),
    ):
        text = text_key(row[column])
        pts = None if text is None else next((p for v, p in lists if text in v), 0)
        points[key] = (pts, pts is not None)

    for key, column, values in (
        ("reference", "reference_value", REFERENCE_POINTS),
        ("relationship", "relationship_strength", RELATIONSHIP_POINTS),
    ):
        text = text_key(row[column])
        pts = None if text is None else values.get(text, 0)
        points[key] = (pts, pts is not None)

    partner = row["partner_value"]
    if missing(partner):
        points["partner"] = (None, False)
    else:
        points["partner"] = (10 if partner else 0, True)
    for key, column in (
        ("champion", "champion_identified"),
        ("executive_access", "exec_access"),
    ):
        value = row[column]
        points[key] = (10 if is_true(value) else 0, not missing(value))

    engaged = row["last_engagement_date"]
    seen = not missing(engaged) and engaged <= dates.as_of
    recency = 0
    if seen:
        recency = next((p for since, p in dates.recency if engaged >= since), 0)
    points["recency"] = (recency, seen)

    incumbent, contract_end = (
        row["competitor_incumbent"],
        row["competitor_contract_end"],
    )
    if missing(incumbent):
        points["competitive_position"] = (None, False)
    elif not incumbent:
        points["competitive_position"] = (10, True)
    else:
        ends_soon = not missing(contract_end) and contract_end <= dates.contract_horizon
        points["competitive_position"] = (5 if ends_soon else 0, True)
    return points


def score_account(
    row: pd.Series, dates: Dates
) -> tuple[int, float | None, bool, bool, bool]:
    """Total (hundredths), potential and whether each tier's gates hold."""
    potential = potential_of(row)
    earned = possible = observed = 0
    for key, (pts, seen) in criterion_points(row, potential, dates).items():
        weight = WEIGHTS[key]
        if pts is not None:
            earned += weight * pts
            possible += weight * POINTS_SCALE
        if seen:
            observed += weight * POINTS_SCALE
    total = earned * CENTI // possible
    completeness = observed * CENTI // ALL_WEIGHT

    contract_end = row["competitor_contract_end"]
    entrenched = (
        is_true(row["competitor_incumbent"])
        and not missing(contract_end)
        and contract_end > dates.contract_horizon
    )
    flags = []
    for tier in TIERS:
        ok = (
            total >= tier.min_total_centi
            and completeness >= tier.min_completeness_centi
            and potential is not None
            and potential >= tier.min_potential
        )
        if tier.needs_exec_sponsor:
            ok = ok and is_true(row["exec_sponsor"])
        if tier.keeps_out_entrenched:
            ok = ok and not entrenched
        flags.append(ok)
    return (total, potential, *flags)


def main() -> None:
    args = parse_args(__doc__ or "")
    accounts = pd.read_parquet(args.accounts, columns=list(INPUT_COLUMNS))
    flags = [f"{tier.key}_ok" for tier in TIERS]
    scored = accounts.apply(
        score_account, axis=1, result_type="expand", args=(args.dates,)
    )
    scored.columns = ["total", "potential", *flags]
    scored["account_id"] = accounts["account_id"]

    tiers = []
    placed: set[str] = set()
    for tier, flag in zip(TIERS, flags, strict=True):
        candidates = scored[scored[flag] & ~scored["account_id"].isin(placed)]
        if tier.cap is not None:
            candidates = candidates.sort_values(
                ["total", "potential", "account_id"], ascending=[False, False, True]
            ).head(tier.cap)
        placed.update(candidates["account_id"])
        tiers.append(candidates["account_id"].to_frame().assign(tier=tier.key))
    tier_of = pd.concat(tiers).set_index("account_id")["tier"]
    scored["tier"] = scored["account_id"].map(tier_of).fillna(UNASSIGNED)
    scored[["account_id", "tier", "total"]].to_parquet(args.out, index=False)


if __name__ == "__main__":
    main()
