"""The default model in polars: a lazy scan, expressions, ``top_k`` caps.

Points, weights and sums are integers and the total is an integer floor
division, because polars' float division by a constant is not exact: a
probe at 10M accounts moved accounts across a tier threshold when the total
was divided as floats and compared.

    python benchmarks/peers/polars_peer.py ACCOUNTS.parquet OUT.parquet \
        --as-of 2026-09-30
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from default_model import (
    ALL_WEIGHT,
    BANDS,
    CENTI,
    ESTIMATE_AT_LEAST,
    ESTIMATE_AT_MOST,
    GEOGRAPHY_POINTS,
    INDUSTRY_POINTS,
    INPUT_COLUMNS,
    MISSING_SCORES_ZERO,
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

POINTS = pl.Int64


def text_key(column: str) -> pl.Expr:
    """Lower-cased and trimmed of spaces; blank text is missing."""
    key = pl.col(column).str.strip_chars(" ").str.to_lowercase()
    return pl.when(key != "").then(key)


def unknown_unless(present: pl.Expr, points: pl.Expr) -> pl.Expr:
    return pl.when(present).then(points).otherwise(None)


def first_match(cases: Iterable[tuple[pl.Expr, int]], otherwise: int) -> pl.Expr:
    """``when a then x when b then y ... otherwise z``, as whole points."""
    (condition, points), *rest = cases
    chain = pl.when(condition).then(points)
    for condition, points in rest:
        chain = chain.when(condition).then(points)
    return chain.otherwise(otherwise).cast(POINTS)


def bands(column: str, steps: Iterable[tuple[float, int]]) -> pl.Expr:
    value = pl.col(column)
    points = first_match(((value >= low, pts) for low, pts in steps), 0)
    return unknown_unless(value.is_not_null(), points)


def listed(key: pl.Expr, lists: Iterable[tuple[frozenset[str], int]]) -> pl.Expr:
    points = first_match(((key.is_in(sorted(v)), pts) for v, pts in lists), 0)
    return unknown_unless(key.is_not_null(), points)


def category(key: pl.Expr, values: dict[str, int]) -> pl.Expr:
    points = key.replace_strict(values, default=0, return_dtype=POINTS)
    return unknown_unless(key.is_not_null(), points)


def flag(column: str, points: int = POINTS_SCALE) -> pl.Expr:
    """True scores ``points``, false 0, missing stays missing."""
    return pl.col(column).cast(POINTS) * points


def potential() -> pl.Expr:
    numerator, denominator = REVENUE_SHARE
    revenue = pl.col("annual_revenue")
    estimate = (
        (revenue.floor().cast(pl.Int64) * numerator // denominator)
        .clip(ESTIMATE_AT_LEAST, ESTIMATE_AT_MOST)
        .cast(pl.Float64)
    )
    return pl.col("potential_acv").fill_null(pl.when(revenue > 0).then(estimate))


def criteria_points(dates: Dates) -> dict[str, pl.Expr]:
    engaged = pl.col("last_engagement_date")
    engaged = pl.when(engaged <= dates.as_of).then(engaged)
    recency = first_match(((engaged >= since, pts) for since, pts in dates.recency), 0)

    incumbent = pl.col("competitor_incumbent")
    ends_soon = pl.col("competitor_contract_end") <= dates.contract_horizon
    competitive = first_match([(incumbent.not_(), 10), (ends_soon, 5)], 0)

    points = {
        "industry_fit": listed(text_key("industry"), INDUSTRY_POINTS),
        "geography": listed(text_key("country"), GEOGRAPHY_POINTS),
        "partner": flag("partner_value"),
        "reference": category(text_key("reference_value"), REFERENCE_POINTS),
        "recency": recency,
        "relationship": category(
            text_key("relationship_strength"), RELATIONSHIP_POINTS
        ),
        "champion": flag("champion_identified").fill_null(0),
        "executive_access": flag("exec_access").fill_null(0),
        "competitive_position": unknown_unless(incumbent.is_not_null(), competitive),
    }
    points.update({key: bands(column, steps) for key, (column, steps) in BANDS.items()})
    return points


def observed(dates: Dates) -> dict[str, pl.Expr]:
    """Criteria whose points are fixed when missing: was the value there?"""
    engaged = pl.col("last_engagement_date")
    return {
        "recency": engaged.is_not_null() & (engaged <= dates.as_of),
        "champion": pl.col("champion_identified").is_not_null(),
        "executive_access": pl.col("exec_access").is_not_null(),
    }


def scored(accounts: pl.LazyFrame, dates: Dates) -> pl.LazyFrame:
    points = criteria_points(dates)
    seen = observed(dates)
    earned = pl.sum_horizontal(
        pl.col(f"p_{key}").fill_null(0) * weight for key, weight in WEIGHTS.items()
    )
    possible = pl.sum_horizontal(
        pl.col(f"p_{key}").is_not_null().cast(POINTS) * weight * POINTS_SCALE
        for key, weight in WEIGHTS.items()
    )
    observed_weight = pl.sum_horizontal(
        (
            seen[key]
            if key in MISSING_SCORES_ZERO
            else pl.col(f"p_{key}").is_not_null()
        ).cast(POINTS)
        * weight
        * POINTS_SCALE
        for key, weight in WEIGHTS.items()
    )
    return (
        accounts.with_columns(potential_acv=potential())
        .with_columns(**{f"p_{key}": expr for key, expr in points.items()})
        .select(
            "account_id",
            potential=pl.col("potential_acv"),
            total_centi=earned * CENTI // possible,
            completeness_centi=observed_weight * CENTI // ALL_WEIGHT,
            exec_sponsor=pl.col("exec_sponsor").fill_null(False),
            entrenched=(
                pl.col("competitor_incumbent")
                & (pl.col("competitor_contract_end") > dates.contract_horizon)
            ).fill_null(False),
        )
    )


def eligibility() -> dict[str, pl.Expr]:
    flags = {}
    for tier in TIERS:
        ok = (
            (pl.col("total_centi") >= tier.min_total_centi)
            & (pl.col("completeness_centi") >= tier.min_completeness_centi)
            & (pl.col("potential") >= tier.min_potential).fill_null(False)
        )
        if tier.needs_exec_sponsor:
            ok = ok & pl.col("exec_sponsor")
        if tier.keeps_out_entrenched:
            ok = ok & pl.col("entrenched").not_()
        flags[f"{tier.key}_ok"] = ok
    return flags


def place(eligible: pl.DataFrame) -> pl.Expr:
    """Each account's tier: capped tiers take their top N of the accounts
    not placed higher up; the rest go to the first tier they qualify for."""
    placed = pl.Series("account_id", [], dtype=pl.String)
    chain = None
    for spec in TIERS:
        member = pl.col(f"{spec.key}_ok")
        if spec.cap is not None:
            candidates = eligible.filter(
                member & pl.col("account_id").is_in(placed.implode()).not_()
            )
            fill = candidates.top_k(
                spec.cap,
                by=["total_centi", "potential", "account_id"],
                reverse=[False, False, True],
            ).get_column("account_id")
            placed = pl.concat([placed, fill])
            member = pl.col("account_id").is_in(fill.implode())
        then = pl.lit(spec.key)
        chain = (
            pl.when(member).then(then)
            if chain is None
            else chain.when(member).then(then)
        )
    if chain is None:
        return pl.lit(UNASSIGNED)
    return chain.otherwise(pl.lit(UNASSIGNED))


def main() -> None:
    args = parse_args(__doc__ or "")
    accounts = pl.scan_parquet(args.accounts).select(INPUT_COLUMNS)
    flags = eligibility()
    eligible = (
        scored(accounts, args.dates)
        .select("account_id", "total_centi", "potential", **flags)
        .collect()
    )
    tiers = eligible.select("account_id", tier=place(eligible), total="total_centi")
    tiers.write_parquet(args.out)


if __name__ == "__main__":
    main()
