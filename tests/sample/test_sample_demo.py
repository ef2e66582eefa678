"""The Fortune 1000 demo portfolio: shape, firmographics and determinism."""

from __future__ import annotations

from datetime import date, timedelta

import pyarrow as pa
import pytest

from tierwise.model.fields import CANONICAL_FIELDS, FieldKind
from tierwise.sample import DEMO_AS_OF, PORTFOLIO_SCHEMA, build_demo_portfolio
from tierwise.sample.fortune import domain_from_website

ARROW_TYPE_OF_KIND = {
    FieldKind.TEXT: pa.string(),
    FieldKind.NUMBER: pa.float64(),
    FieldKind.BOOLEAN: pa.bool_(),
    FieldKind.DATE: pa.date32(),
}


def row(table: pa.Table, account_id: str) -> dict[str, object]:
    rows = [r for r in table.to_pylist() if r["account_id"] == account_id]
    assert len(rows) == 1
    return rows[0]


def test_demo_has_one_row_per_fortune_company(demo_portfolio: pa.Table) -> None:
    assert demo_portfolio.num_rows == 1000
    assert len(set(demo_portfolio.column("account_id").to_pylist())) == 1000


def test_every_canonical_field_has_its_arrow_type(demo_portfolio: pa.Table) -> None:
    expected = [
        (name, ARROW_TYPE_OF_KIND[kind]) for name, kind in CANONICAL_FIELDS.items()
    ]
    actual = [(field.name, field.type) for field in demo_portfolio.schema]

    assert actual == expected
    assert demo_portfolio.schema == PORTFOLIO_SCHEMA


def test_same_seed_gives_the_same_table() -> None:
    assert build_demo_portfolio(seed=7).equals(build_demo_portfolio(seed=7))


def test_another_seed_changes_generated_fields_only() -> None:
    first = build_demo_portfolio(seed=7)
    second = build_demo_portfolio(seed=8)

    assert first.select(["name", "annual_revenue"]).equals(
        second.select(["name", "annual_revenue"])
    )
    assert not first.column("potential_acv").equals(second.column("potential_acv"))


def test_a_later_as_of_moves_every_date_and_nothing_else() -> None:
    earlier = build_demo_portfolio(as_of=date(2026, 9, 30))
    later = build_demo_portfolio(as_of=date(2026, 10, 10))

    dated = ["last_engagement_date", "competitor_contract_end"]
    assert earlier.drop_columns(dated).equals(later.drop_columns(dated))
    for name in dated:
        shifted = [
            None if day is None else day + timedelta(days=10)
            for day in earlier.column(name).to_pylist()
        ]
        assert later.column(name).to_pylist() == shifted


def test_walmart_is_the_first_account(demo_portfolio: pa.Table) -> None:
    walmart = row(demo_portfolio, "F1000-0001")

    assert walmart["name"] == "Walmart"
    assert walmart["industry"] == "Retailing"
    assert walmart["country"] == "US"
    assert walmart["employees"] == 2_200_000.0
    # USD 523,964 million at the 0.90 planning rate.
    assert walmart["annual_revenue"] == 471_567_600_000.0


def test_ids_count_list_positions_where_ranks_tie(demo_portfolio: pa.Table) -> None:
    """PVH and Campbell Soup share rank 322; their ids still differ."""
    assert row(demo_portfolio, "F1000-0322")["name"] == "PVH"
    assert row(demo_portfolio, "F1000-0323")["name"] == "Campbell Soup"


def test_names_have_their_html_entities_decoded(demo_portfolio: pa.Table) -> None:
    names = demo_portfolio.column("name").to_pylist()

    assert "Lowe’s" in names
    assert not [name for name in names if "&#" in name]


@pytest.mark.parametrize(
    ("website", "domain"),
    [
        pytest.param("https://www.apple.com", "apple.com", id="www-dropped"),
        pytest.param("https://www8.hp.com", "hp.com", id="numbered-www-dropped"),
        pytest.param("https://apacorp.com/", "apacorp.com", id="trailing-slash"),
        pytest.param(
            "https://www.dominos.com/index.intl.html", "dominos.com", id="path-dropped"
        ),
        pytest.param(
            "https://investors.bestbuy.com/investor-relations/overview/default.aspx",
            "investors.bestbuy.com",
            id="other-subdomain-kept",
        ),
        pytest.param("www.Amazon.com", "amazon.com", id="no-scheme-and-capitals"),
    ],
)
def test_domain_is_the_website_host(website: str, domain: str) -> None:
    assert domain_from_website(website) == domain


def test_growth_compares_revenue_with_last_years_position(
    demo_portfolio: pa.Table,
) -> None:
    """Amazon moved from 5th to 2nd: 280,522 against CVS Health's 256,776 now 5th."""
    amazon = row(demo_portfolio, "F1000-0002")

    assert amazon["revenue_growth_pct"] == round((280_522 / 256_776 - 1) * 100, 1)


def test_growth_is_unknown_without_a_previous_rank(demo_portfolio: pa.Table) -> None:
    growth = demo_portfolio.column("revenue_growth_pct")

    assert growth.null_count == 523
    assert row(demo_portfolio, "F1000-0501")["revenue_growth_pct"] is None


def test_demo_dates_never_pass_as_of(demo_portfolio: pa.Table) -> None:
    engaged = demo_portfolio.column("last_engagement_date").drop_null().to_pylist()

    assert max(engaged) <= DEMO_AS_OF
