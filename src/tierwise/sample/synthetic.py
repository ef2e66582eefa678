"""Made-up companies for portfolios larger than the Fortune list.

Synthetic company number k (counting from 1) is called ``Company 000000k``,
has the id ``S-000000k`` and the domain ``company000000k.example`` (numbers
are padded to seven digits and grow past them beyond 9,999,999). The
``.example`` domain is reserved, so no real company can match one.

- ``industry`` is drawn from ``SYNTHETIC_INDUSTRIES``: Fortune's 21 sectors
  plus a few that a wider market holds, with the weights given there.
- ``country`` is drawn from ``SYNTHETIC_COUNTRIES``, 17 ISO codes with weights;
  it includes ``NA`` (Namibia), which careless readers turn into a null.
- ``employees`` is log-normal with median ``EMPLOYEES_MEDIAN`` and log-sigma
  ``EMPLOYEES_LOG_SIGMA``, a whole number between 1 and ``EMPLOYEES_MAX``.
- ``annual_revenue`` (EUR) is headcount times a log-normal revenue per
  employee (median ``REVENUE_PER_EMPLOYEE_MEDIAN``), in whole thousands of
  euros, at least EUR 1,000.
- ``revenue_growth_pct`` is unknown (null) for ``GROWTH_UNKNOWN_SHARE`` of
  companies and otherwise normal around ``GROWTH_MEAN_PCT``, one decimal.
- ``parent_id`` is left null: no group structures are made up.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "FORTUNE_SECTORS",
    "SYNTHETIC_COUNTRIES",
    "SYNTHETIC_INDUSTRIES",
    "synthesise_firmographics",
]

ID_DIGITS = 7

FORTUNE_SECTORS = (
    "Aerospace & Defense",
    "Apparel",
    "Business Services",
    "Chemicals",
    "Energy",
    "Engineering & Construction",
    "Financials",
    "Food & Drug Stores",
    "Food, Beverages & Tobacco",
    "Health Care",
    "Hotels, Restaurants & Leisure",
    "Household Products",
    "Industrials",
    "Materials",
    "Media",
    "Motor Vehicles & Parts",
    "Retailing",
    "Technology",
    "Telecommunications",
    "Transportation",
    "Wholesalers",
)

# Weights are relative; a wider market than the Fortune list has more
# technology and business services and a public and education sector.
SYNTHETIC_INDUSTRIES: dict[str, float] = {
    "Aerospace & Defense": 1.0,
    "Apparel": 2.0,
    "Business Services": 12.0,
    "Chemicals": 2.0,
    "Energy": 3.0,
    "Engineering & Construction": 6.0,
    "Financials": 9.0,
    "Food & Drug Stores": 2.0,
    "Food, Beverages & Tobacco": 3.0,
    "Health Care": 7.0,
    "Hotels, Restaurants & Leisure": 5.0,
    "Household Products": 2.0,
    "Industrials": 6.0,
    "Materials": 2.0,
    "Media": 3.0,
    "Motor Vehicles & Parts": 2.0,
    "Retailing": 6.0,
    "Technology": 12.0,
    "Telecommunications": 1.0,
    "Transportation": 4.0,
    "Wholesalers": 4.0,
    "Education": 3.0,
    "Government & Public Sector": 2.0,
    "Non-profit": 1.0,
    "Agriculture": 1.0,
}

SYNTHETIC_COUNTRIES: dict[str, float] = {
    "US": 30.0,
    "GB": 9.0,
    "DE": 9.0,
    "FR": 7.0,
    "NL": 5.0,
    "BE": 3.0,
    "ES": 5.0,
    "IT": 5.0,
    "SE": 3.0,
    "PL": 3.0,
    "CA": 5.0,
    "AU": 4.0,
    "JP": 5.0,
    "IN": 4.0,
    "BR": 3.0,
    "ZA": 1.5,
    "NA": 0.5,
}

EMPLOYEES_MEDIAN = 120.0
EMPLOYEES_LOG_SIGMA = 1.5
EMPLOYEES_MAX = 2_500_000.0
REVENUE_PER_EMPLOYEE_MEDIAN = 150_000.0
REVENUE_PER_EMPLOYEE_LOG_SIGMA = 0.6
REVENUE_ROUNDING = 1_000.0
GROWTH_UNKNOWN_SHARE = 0.5
GROWTH_MEAN_PCT = 6.0
GROWTH_SD_PCT = 15.0


def synthesise_firmographics(
    rng: np.random.Generator, first_number: int, count: int
) -> dict[str, pa.Array]:
    """Firmographic columns for synthetic companies ``first_number`` onwards.

    The result maps canonical field names to Arrow arrays of ``count`` values.
    """
    numbers = pa.array(np.arange(first_number, first_number + count, dtype=np.int64))
    padded = pc.utf8_lpad(pc.cast(numbers, pa.string()), width=ID_DIGITS, padding="0")

    industry = _weighted_choice(rng, SYNTHETIC_INDUSTRIES, count)
    country = _weighted_choice(rng, SYNTHETIC_COUNTRIES, count)

    employee_draw = EMPLOYEES_MEDIAN * np.exp(
        EMPLOYEES_LOG_SIGMA * rng.standard_normal(count)
    )
    employees = np.clip(np.round(employee_draw), 1.0, EMPLOYEES_MAX)

    revenue_per_employee = REVENUE_PER_EMPLOYEE_MEDIAN * np.exp(
        REVENUE_PER_EMPLOYEE_LOG_SIGMA * rng.standard_normal(count)
    )
    revenue_draw = employees * revenue_per_employee
    annual_revenue = np.maximum(
        np.round(revenue_draw / REVENUE_ROUNDING) * REVENUE_ROUNDING,
        REVENUE_ROUNDING,
    )

    growth_unknown = rng.random(count) < GROWTH_UNKNOWN_SHARE
    growth_draw = GROWTH_MEAN_PCT + GROWTH_SD_PCT * rng.standard_normal(count)
    growth = np.round(growth_draw, 1)

    return {
        "account_id": pc.binary_join_element_wise("S-", padded, ""),
        "name": pc.binary_join_element_wise("Company ", padded, ""),
        "domain": pc.binary_join_element_wise("company", padded, ".example", ""),
        "industry": industry,
        "country": country,
        "employees": pa.array(employees, pa.float64()),
        "annual_revenue": pa.array(annual_revenue, pa.float64()),
        "revenue_growth_pct": pa.array(growth, pa.float64(), mask=growth_unknown),
    }


def _weighted_choice(
    rng: np.random.Generator, weights: dict[str, float], count: int
) -> pa.Array:
    labels = pa.array(list(weights), pa.string())
    shares = np.asarray(list(weights.values()), dtype=np.float64)
    positions = rng.choice(len(shares), size=count, p=shares / shares.sum())
    return labels.take(pa.array(positions))
