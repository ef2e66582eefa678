"""Accounts that tell databases apart, for the table parity tests.

Each database scores a table in its own SQL, where text may compare without
case or accents, trim differently or sort by another order than DuckDB's.
Twenty strong accounts alike but for their ids compete for tier 1's fifteen
places, so the id order decides who is capped; their ids differ only by
case, accents, a trailing control character or ``ß``. The other accounts
hold list values in other cases, with accents, with every kind of white
space around them, blank, or missing, and dates on the edges of the
default model's windows.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pyarrow as pa

AS_OF = date(2026, 9, 30)

SCHEMA = pa.schema(
    [
        ("account_id", pa.string()),
        ("name", pa.string()),
        ("industry", pa.string()),
        ("country", pa.string()),
        ("employees", pa.float64()),
        ("annual_revenue", pa.float64()),
        ("revenue_growth_pct", pa.float64()),
        ("potential_acv", pa.float64()),
        ("expansion_units", pa.float64()),
        ("partner_value", pa.bool_()),
        ("reference_value", pa.string()),
        ("web_visits_30d", pa.float64()),
        ("content_downloads_90d", pa.float64()),
        ("events_attended_180d", pa.float64()),
        ("last_engagement_date", pa.date32()),
        ("relationship_strength", pa.string()),
        ("champion_identified", pa.bool_()),
        ("exec_sponsor", pa.bool_()),
        ("exec_access", pa.bool_()),
        ("competitor_incumbent", pa.bool_()),
        ("competitor_contract_end", pa.date32()),
    ]
)

STRONG: dict[str, Any] = {
    "name": "Strong",
    "industry": "Software",
    "country": "US",
    "employees": 14500.0,
    "annual_revenue": 9.86e10,
    "revenue_growth_pct": 30.0,
    "potential_acv": 5_000_000.0,
    "expansion_units": 4.0,
    "partner_value": True,
    "reference_value": "flagship",
    "web_visits_30d": 194.0,
    "content_downloads_90d": 71.0,
    "events_attended_180d": 42.0,
    "last_engagement_date": AS_OF,
    "relationship_strength": "strong",
    "champion_identified": True,
    "exec_sponsor": True,
    "exec_access": True,
    "competitor_incumbent": False,
    "competitor_contract_end": None,
}

# Binary order puts capitals before small letters and 'a' before 'a\x01';
# a case- and accent-blind collation calls many of these one id.
TIED_IDS = [
    "alpha",
    "ALPHA",
    "Alpha",
    "alphá",
    "alpha\x01",
    "Zeta",
    "zeta",
    "straße",
    "strasse",
    "strase",
    "Ñu",
    "nu",
    "NU",
    "éclair",
    "eclair",
    "Eclair",
    "a b",
    "a",
    "a\x01",
    "b",
]

# (id, changes to a middling account): list values and white space.
VARIANTS: list[tuple[str, dict[str, Any]]] = [
    ("m-accent", {"industry": "Sóftware", "country": "Frânce"}),
    ("m-capitals", {"industry": "TECHNOLOGY", "reference_value": "FLAGSHIP"}),
    ("m-no-break", {"industry": " technology\u00a0", "country": "uk\u200b"}),
    ("m-tabs", {"industry": "\tFinance\n", "country": "\u3000Germany\u3000"}),
    ("m-kelvin", {"industry": "Media", "country": "U\u212a"}),
    ("m-trailing", {"industry": "technology   ", "reference_value": "known "}),
    ("m-blank", {"industry": "", "country": "   ", "reference_value": "\u200b"}),
    ("m-missing", {"industry": None, "country": None, "reference_value": None}),
    ("m-del", {"industry": "\x7fsoftware", "country": "de\x7f"}),
    ("m-sharp-s", {"industry": "SOFTWAREß", "country": "STRAẞE"}),
    ("m-estimate", {"potential_acv": None, "annual_revenue": 3.1e8}),
    ("m-no-revenue", {"potential_acv": None, "annual_revenue": None}),
    ("m-shrinking", {"revenue_growth_pct": -5.5}),
    ("m-unknown-flags", {"partner_value": None, "exec_sponsor": None}),
    ("m-stale", {"last_engagement_date": AS_OF - timedelta(days=400)}),
    ("m-future", {"last_engagement_date": AS_OF + timedelta(days=3)}),
    (
        "m-entrenched",
        {
            **STRONG,
            "competitor_incumbent": True,
            "competitor_contract_end": AS_OF + timedelta(days=366),
        },
    ),
    (
        "m-contract-ends",
        {
            **STRONG,
            "competitor_incumbent": True,
            "competitor_contract_end": AS_OF + timedelta(days=365),
        },
    ),
]

MIDDLING: dict[str, Any] = {
    **STRONG,
    "employees": 600.0,
    "annual_revenue": 8e7,
    "potential_acv": 150_000.0,
    "web_visits_30d": 12.0,
    "exec_sponsor": False,
}


def edge_accounts() -> pa.Table:
    """The edge-case accounts, typed as a database table would hold them."""
    rows = [{**STRONG, "account_id": account} for account in TIED_IDS]
    rows += [
        {**MIDDLING, **changes, "account_id": account, "name": account}
        for account, changes in VARIANTS
    ]
    rows.append({**MIDDLING, "account_id": "m-no-name", "name": None})
    return pa.Table.from_pylist(rows, schema=SCHEMA)
