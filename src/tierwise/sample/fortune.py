"""The bundled Fortune 1000 list (2020), read as the demo's firmographics.

``tierwise/data/fortune1000_2020.csv`` is Fortune's published 2020 list as
saved in the GitHub repository BrandonHardatt/fortune-1000 (see PROVENANCE.md
beside it). Each row becomes one account:

- ``account_id`` is ``F1000-`` and the row's position in the list, zero-padded
  to four digits. The position, not the rank: three ranks are shared by two
  companies each (322, 457 and 478), so a rank would not be unique.
- ``name`` is the company name with its HTML entities decoded
  (``Lowe&#8217;s`` becomes ``Lowe’s``).
- ``domain`` is the host of the Website URL, lowercased, without scheme, path
  or a leading ``www.`` (or ``www8.`` and the like). Hosts such as
  ``investors.bestbuy.com`` stay as the list gives them.
- ``industry`` is Fortune's sector; ``country`` is ``US`` for every row.
- ``employees`` is the listed headcount.
- ``annual_revenue`` is the listed revenue (USD millions) times 1,000,000 times
  the planning rate ``USD_TO_EUR_PLANNING_RATE`` (0.90 EUR per USD), computed
  in Decimal and stored as float. The rate is a fixed planning assumption, not
  a market rate, so the demo does not change with exchange rates.
- ``revenue_growth_pct`` is estimated from the rank a company held on the
  previous year's list: its revenue divided by the revenue now held by the
  company at that list position, minus one, in percent, rounded to one
  decimal. The list's revenue curve moves little from year to year, so this
  reads as growth relative to the list. Where ``prev_rank`` is blank (ranks
  501-1000 and newcomers to the top 500) growth is unknown and left null.
"""

from __future__ import annotations

import csv
import html
import io
import re
from decimal import Decimal
from importlib import resources
from urllib.parse import urlsplit

import pyarrow as pa

__all__ = [
    "FORTUNE_ACCOUNT_COUNT",
    "FORTUNE_COUNTRY",
    "FORTUNE_DATA_FILE",
    "USD_TO_EUR_PLANNING_RATE",
    "domain_from_website",
    "read_fortune_list",
]

FORTUNE_DATA_FILE = "fortune1000_2020.csv"
FORTUNE_ACCOUNT_COUNT = 1000
FORTUNE_COUNTRY = "US"
USD_TO_EUR_PLANNING_RATE = Decimal("0.90")
USD_PER_MILLION = Decimal(1_000_000)

# "www.", "www2.", "www8." and the like, at the start of a host.
WWW_PREFIX = re.compile(r"^www\d*\.")


def read_fortune_list() -> dict[str, pa.Array]:
    """Read the bundled Fortune 1000 (2020) CSV into firmographic columns.

    The result maps canonical field names to Arrow arrays, in list order.
    """
    rows = _read_rows()

    names = [html.unescape(row["company"]).strip() for row in rows]
    domains = [domain_from_website(row["Website"]) for row in rows]
    industries = [row["sector"].strip() for row in rows]
    employees = [float(row["num. of employees"]) for row in rows]

    revenue_usd_millions = [Decimal(row["revenue"]) for row in rows]
    annual_revenue = [
        float(revenue * USD_PER_MILLION * USD_TO_EUR_PLANNING_RATE)
        for revenue in revenue_usd_millions
    ]
    growth = _growth_from_previous_rank(rows, revenue_usd_millions)

    account_ids = [f"F1000-{position:04d}" for position in range(1, len(rows) + 1)]
    return {
        "account_id": pa.array(account_ids, pa.string()),
        "name": pa.array(names, pa.string()),
        "domain": pa.array(domains, pa.string()),
        "industry": pa.array(industries, pa.string()),
        "country": pa.array([FORTUNE_COUNTRY] * len(rows), pa.string()),
        "employees": pa.array(employees, pa.float64()),
        "annual_revenue": pa.array(annual_revenue, pa.float64()),
        "revenue_growth_pct": pa.array(growth, pa.float64()),
    }


def domain_from_website(website: str) -> str:
    """The host of a website URL, lowercased, without scheme, path or ``www.``.

    >>> domain_from_website("https://www.Apple.com/about/")
    'apple.com'
    >>> domain_from_website("https://investors.bestbuy.com/overview.aspx")
    'investors.bestbuy.com'
    """
    text = website.strip()
    if "//" not in text:
        text = f"//{text}"

    host = urlsplit(text).hostname or ""
    return WWW_PREFIX.sub("", host.rstrip("."))


def _read_rows() -> list[dict[str, str]]:
    data_file = resources.files("tierwise").joinpath("data", FORTUNE_DATA_FILE)
    text = data_file.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))

    if len(rows) != FORTUNE_ACCOUNT_COUNT:
        raise RuntimeError(
            f"{FORTUNE_DATA_FILE}: expected {FORTUNE_ACCOUNT_COUNT} companies, "
            f"found {len(rows)}; the bundled file is damaged, reinstall tierwise."
        )
    return rows


def _growth_from_previous_rank(
    rows: list[dict[str, str]], revenue_usd_millions: list[Decimal]
) -> list[float | None]:
    """Revenue growth in percent against the list position held last year."""
    growth: list[float | None] = []
    for row, revenue in zip(rows, revenue_usd_millions, strict=True):
        previous_rank = row["prev_rank"].strip()
        if not previous_rank:
            growth.append(None)
            continue

        revenue_at_previous_rank = revenue_usd_millions[int(previous_rank) - 1]
        ratio = revenue / revenue_at_previous_rank - 1
        growth.append(round(float(ratio * 100), 1))
    return growth
