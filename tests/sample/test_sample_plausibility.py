"""Generated values behave like a real portfolio, on the demo and at scale."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from tierwise.sample import DEMO_AS_OF

COUNT_FIELDS = [
    "employees",
    "potential_acv",
    "expansion_units",
    "web_visits_30d",
    "content_downloads_90d",
    "events_attended_180d",
]

PORTFOLIOS = ["demo_portfolio", "synthetic_accounts"]


def numbers(table: pa.Table, name: str) -> npt.NDArray[np.float64]:
    values: npt.NDArray[np.float64] = table.column(name).to_numpy()
    return values


def share(table: pa.Table, name: str) -> float:
    values = table.column(name).to_numpy(zero_copy_only=False)
    return float(np.mean(values))


@pytest.fixture(params=PORTFOLIOS)
def portfolio(request: pytest.FixtureRequest) -> pa.Table:
    table: pa.Table = request.getfixturevalue(request.param)
    return table


def test_counts_and_potential_are_whole_numbers(portfolio: pa.Table) -> None:
    for name in COUNT_FIELDS:
        values = numbers(portfolio, name)
        assert np.array_equal(values, np.round(values)), name
        assert values.min() >= 0, name


def test_potential_is_bounded(portfolio: pa.Table) -> None:
    potential = numbers(portfolio, "potential_acv")

    assert potential.min() >= 10_000
    assert potential.max() <= 5_000_000


def test_potential_follows_revenue(portfolio: pa.Table) -> None:
    log_potential = np.log(numbers(portfolio, "potential_acv"))
    log_revenue = np.log(numbers(portfolio, "annual_revenue"))

    assert np.corrcoef(log_potential, log_revenue)[0, 1] > 0.5


def test_potential_is_centred_on_five_hundredths_of_a_percent(
    demo_portfolio: pa.Table,
) -> None:
    """Below the 5M bound, the median ratio to revenue is close to 0.05%."""
    potential = numbers(demo_portfolio, "potential_acv")
    revenue = numbers(demo_portfolio, "annual_revenue")
    unbounded = potential < 5_000_000

    median_ratio = float(np.median(potential[unbounded] / revenue[unbounded]))
    assert 0.0003 < median_ratio < 0.0006


def test_executive_sponsors_and_champions_are_rare(portfolio: pa.Table) -> None:
    assert 0.005 < share(portfolio, "exec_sponsor") < 0.08
    assert 0.005 < share(portfolio, "champion_identified") < 0.08


def test_sponsors_cluster_where_the_relationship_is_strong(
    synthetic_accounts: pa.Table,
) -> None:
    strength = synthetic_accounts.column("relationship_strength")
    strong = synthetic_accounts.filter(pc.equal(strength, "strong"))
    without = synthetic_accounts.filter(pc.equal(strength, "none"))

    assert share(strong, "exec_sponsor") > 10 * share(without, "exec_sponsor")
    assert share(strong, "champion_identified") > 10 * share(
        without, "champion_identified"
    )


def test_a_sponsor_always_brings_executive_access(portfolio: pa.Table) -> None:
    sponsored = portfolio.filter(portfolio.column("exec_sponsor"))

    assert sponsored.num_rows > 0
    assert pc.all(sponsored.column("exec_access")).as_py()


def test_intent_is_null_for_most_accounts(portfolio: pa.Table) -> None:
    intent = portfolio.column("intent_score")

    assert intent.null_count > 0.5 * portfolio.num_rows
    assert pc.min(intent).as_py() >= 0
    assert pc.max(intent).as_py() <= 100


def test_engagement_rises_with_size(synthetic_accounts: pa.Table) -> None:
    revenue = numbers(synthetic_accounts, "annual_revenue")
    visits = numbers(synthetic_accounts, "web_visits_30d")
    larger = revenue > np.median(revenue)

    assert visits[larger].mean() > 1.5 * visits[~larger].mean()


def test_engagement_channels_rise_together(portfolio: pa.Table) -> None:
    visits = np.log1p(numbers(portfolio, "web_visits_30d"))
    downloads = np.log1p(numbers(portfolio, "content_downloads_90d"))
    events = np.log1p(numbers(portfolio, "events_attended_180d"))

    assert np.corrcoef(visits, downloads)[0, 1] > 0.3
    assert np.corrcoef(visits, events)[0, 1] > 0.3


def test_no_engagement_date_lies_after_as_of(portfolio: pa.Table) -> None:
    engaged = portfolio.column("last_engagement_date")

    assert pc.max(engaged).as_py() <= DEMO_AS_OF
    assert 0 < engaged.null_count < portfolio.num_rows


def test_recent_visits_mean_a_recent_engagement_date(portfolio: pa.Table) -> None:
    visited = portfolio.filter(pc.greater(portfolio.column("web_visits_30d"), 0))
    cut_off = DEMO_AS_OF - timedelta(days=30)

    assert visited.column("last_engagement_date").null_count == 0
    assert pc.min(visited.column("last_engagement_date")).as_py() > cut_off


def test_contract_ends_only_with_an_incumbent(portfolio: pa.Table) -> None:
    incumbent = portfolio.column("competitor_incumbent")
    has_end = pc.is_valid(portfolio.column("competitor_contract_end"))

    assert incumbent.to_pylist() == has_end.to_pylist()
    assert 0.02 < share(portfolio, "competitor_incumbent") < 0.1


def test_contract_ends_run_from_passed_to_three_years_out(
    synthetic_accounts: pa.Table,
) -> None:
    ends = synthetic_accounts.column("competitor_contract_end").drop_null()

    assert pc.min(ends).as_py() < DEMO_AS_OF
    assert pc.max(ends).as_py() > DEMO_AS_OF + timedelta(days=2 * 365)
    assert pc.max(ends).as_py() <= DEMO_AS_OF + timedelta(days=3 * 365)


def test_allowed_labels_only(portfolio: pa.Table) -> None:
    relationship = set(portfolio.column("relationship_strength").to_pylist())
    reference = set(portfolio.column("reference_value").to_pylist())

    assert relationship == {"strong", "some", "none"}
    assert reference == {"flagship", "known", "none"}
