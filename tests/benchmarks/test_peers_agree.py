"""The benchmark's peers give every account the tier and total tierwise gives.

Each peer script in ``benchmarks/peers`` runs as the benchmark runs it (a
subprocess reading Parquet and writing Parquet) on a 3,000-account sampled
portfolio, and on a copy of it edited to reach the model's edge cases:
estimated potential, blank and oddly cased text, missing booleans, future
and on-the-threshold dates, numbers on band boundaries. polars and pandas
are in the ``bench`` extra, not ``dev``: their peers skip without them.
No timings here; ``make bench`` measures.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tierwise.model import TieringModel
from tierwise.model.schema import BandsCriterion, RecencyCriterion
from tierwise.model.weights import effective_weights
from tierwise.sample import write_portfolio

REPO = Path(__file__).resolve().parents[2]
PEERS = REPO / "benchmarks" / "peers"
AS_OF = date(2026, 9, 30)
ACCOUNTS = 3000
SEED = 11

# Each peer and the library it needs beyond the base install.
PEER_NEEDS = {
    "duckdb_peer": "duckdb",
    "polars_peer": "polars",
    "pandas_vectorized": "pandas",
    "pandas_apply": "pandas",
}

Tiers = dict[str, tuple[str, int]]


def _tiers_of(path: Path, total_in_points: bool) -> Tiers:
    table = pq.read_table(path, columns=["account_id", "tier", "total"])
    tiers: Tiers = {}
    for row in table.to_pylist():
        total = row["total"]
        centi = round(total * 100) if total_in_points else int(total)
        tiers[row["account_id"]] = (row["tier"], centi)
    return tiers


def _edge_cases(table: pa.Table) -> pa.Table:
    """The sampled accounts, every few rows pushed onto a rule's edge."""
    horizon = AS_OF + timedelta(days=365)
    dates = [AS_OF + timedelta(days=3)] + [
        AS_OF - timedelta(days=days) for days in (14, 15, 45, 46, 90, 91)
    ]
    rows: list[dict[str, Any]] = table.to_pylist()
    for i, row in enumerate(rows):
        if i % 7 == 0:
            row["potential_acv"] = None
            row["annual_revenue"] = {
                0: None,
                1: 0.0,
                2: -5.0,
                3: 999_999_999.5,  # floor / 2000 = 499,999: just below Tier 1
                4: 1_000_000_000.7,  # 500,000: just in
            }.get(i // 7 % 9, row["annual_revenue"])
        if i % 11 == 0:
            row["industry"] = f"  {row['industry'].upper()} "
        if i % 13 == 0:
            row["industry"] = ""
        if i % 17 == 0:
            row["country"] = f" {row['country'].lower()}"
        if i % 19 == 0:
            row["reference_value"] = "FLAGSHIP "
        if i % 23 == 0:
            row["relationship_strength"] = "   "
        for step, column in enumerate(
            (
                "champion_identified",
                "exec_access",
                "exec_sponsor",
                "partner_value",
                "competitor_incumbent",
            )
        ):
            if i % (29 + 2 * step) == 0:
                row[column] = None
        if i % 5 == 1:
            row["last_engagement_date"] = dates[i // 5 % len(dates)]
        if i % 9 in (2, 3, 4):
            row["competitor_incumbent"] = True
            row["competitor_contract_end"] = {
                2: horizon,
                3: horizon + timedelta(days=1),
                4: None,
            }[i % 9]
        if i % 10 == 3:
            row["employees"] = 50.0
        if i % 10 == 4:
            row["employees"] = 49.0  # a count: whole, just below a band
        if i % 12 == 5:
            row["intent_score"] = 40.0
    return pa.Table.from_pylist(rows, schema=table.schema)


def _run_tierwise(accounts: Path, out: Path) -> Tiers:
    tierwise = Path(sys.executable).with_name("tierwise")
    env = {k: v for k, v in os.environ.items() if k != "TIERWISE_DATABASE_URL"}
    command = [str(tierwise), "tier", str(accounts), "--as-of", AS_OF.isoformat()]
    subprocess.run(
        [*command, "--out", str(out), "--accept-warnings", "--no-store"],
        cwd=out.parent,
        env=env,
        check=True,
        capture_output=True,
    )
    return _tiers_of(out / "tiers.parquet", total_in_points=True)


@pytest.fixture(scope="module")
def portfolios(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("portfolios")
    sampled = folder / "sampled.parquet"
    write_portfolio(sampled, ACCOUNTS, SEED, as_of=AS_OF)
    edges = folder / "edge-cases.parquet"
    pq.write_table(_edge_cases(pq.read_table(sampled)), edges)
    return {"sampled": sampled, "edge-cases": edges}


@pytest.fixture(scope="module")
def tierwise_tiers(
    portfolios: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Tiers]:
    return {
        name: _run_tierwise(path, tmp_path_factory.mktemp(name) / "out")
        for name, path in portfolios.items()
    }


@pytest.mark.parametrize("portfolio", ["sampled", "edge-cases"])
@pytest.mark.parametrize("peer", list(PEER_NEEDS))
def test_peer_tiers_equal_tierwise(
    peer: str,
    portfolio: str,
    portfolios: dict[str, Path],
    tierwise_tiers: dict[str, Tiers],
    tmp_path: Path,
) -> None:
    needs = PEER_NEEDS[peer]
    if importlib.util.find_spec(needs) is None:
        pytest.skip(
            f"{needs} is not installed; it comes with pip install -e '.[bench]'"
        )
    out = tmp_path / f"{peer}.parquet"

    script = [sys.executable, str(PEERS / f"{peer}.py")]
    subprocess.run(
        [*script, str(portfolios[portfolio]), str(out), "--as-of", AS_OF.isoformat()],
        check=True,
        capture_output=True,
    )

    expected = tierwise_tiers[portfolio]
    actual = _tiers_of(out, total_in_points=False)
    differing = [
        (account, expected.get(account), actual.get(account))
        for account in sorted(expected.keys() | actual.keys())
        if expected.get(account) != actual.get(account)
    ]
    assert differing[:10] == [], f"{len(differing)} accounts differ"


def test_portfolios_reach_every_tier(tierwise_tiers: dict[str, Tiers]) -> None:
    for tiers in tierwise_tiers.values():
        reached = {tier for tier, _ in tiers.values()}
        assert reached == {"tier_1", "tier_2", "tier_3", "unassigned"}


def _peer_model() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_default_model", PEERS / "default_model.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up by name while the module executes.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_peer_constants_match_the_bundled_model(default_model: TieringModel) -> None:
    peer = _peer_model()
    by_key = {crit.key: crit for _, crit in default_model.criteria()}

    assert effective_weights(default_model) == peer.WEIGHTS
    fixed = {key for key, crit in by_key.items() if crit.missing == 0}
    assert fixed == peer.MISSING_SCORES_ZERO
    lists = {
        name: {value.strip().lower() for value in values}
        for name, values in default_model.lists.items()
    }
    assert lists["icp_industries"] == peer.ICP_INDUSTRIES
    assert lists["adjacent_industries"] == peer.ADJACENT_INDUSTRIES
    assert lists["target_markets"] == peer.TARGET_MARKETS
    assert lists["secondary_markets"] == peer.SECONDARY_MARKETS
    for key, values in (
        ("reference", peer.REFERENCE_POINTS),
        ("relationship", peer.RELATIONSHIP_POINTS),
    ):
        assert values == by_key[key].values  # type: ignore[union-attr]

    for key, (column, steps) in peer.BANDS.items():
        crit = by_key[key]
        assert isinstance(crit, BandsCriterion)
        assert (crit.field, crit.otherwise) == (column, 0)
        # Highest first, each band ending where the one above starts.
        bands = sorted(crit.bands, key=lambda band: band.at_least, reverse=True)
        assert [b.below for b in bands] == [None] + [b.at_least for b in bands[:-1]]
        assert [(b.at_least, b.points) for b in bands] == list(steps)
    recency = by_key["recency"]
    assert isinstance(recency, RecencyCriterion) and recency.bands is not None
    days = sorted((band.within_days, band.points) for band in recency.bands)
    assert tuple(days) == peer.RECENCY_POINTS

    estimate = default_model.potential.estimate
    assert estimate is not None
    numerator, denominator = peer.REVENUE_SHARE
    assert estimate.share_of_revenue * denominator == numerator
    assert (estimate.at_least, estimate.at_most) == (
        peer.ESTIMATE_AT_LEAST,
        peer.ESTIMATE_AT_MOST,
    )
    assert default_model.tie_break == ["potential"]

    tiers = [
        peer.Tier(
            key=tier.key,
            min_total_centi=int(tier.min_score * 100),
            min_completeness_centi=int(
                max(tier.min_coverage_pct, default_model.min_completeness_pct) * 100
            ),
            min_potential=int(tier.potential.at_least) if tier.potential else 0,
            cap=tier.max_accounts,
            needs_exec_sponsor=[g.name for g in tier.must_have] == ["exec_sponsor"],
            keeps_out_entrenched=[g.name for g in tier.disqualifiers]
            == ["entrenched_competitor"],
        )
        for tier in default_model.active_tiers()
    ]
    assert list(peer.TIERS) == tiers
