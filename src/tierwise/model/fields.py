"""The canonical account fields the engine reads, and their value kinds.

Every layer agrees on these names: a CRM preset maps its own headers onto them,
the model's criteria and gates name them, and the engine casts absent ones to
typed NULLs. A model may declare further fields of its own under ``fields:``.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CANONICAL_FIELDS", "IDENTITY_FIELDS", "REQUIRED_FIELDS", "FieldKind"]


class FieldKind(StrEnum):
    """How a field's values are read and compared."""

    TEXT = "text"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"


CANONICAL_FIELDS: dict[str, FieldKind] = {
    # Identity.
    "account_id": FieldKind.TEXT,
    "name": FieldKind.TEXT,
    "domain": FieldKind.TEXT,
    "parent_id": FieldKind.TEXT,
    # Firmographics.
    "industry": FieldKind.TEXT,
    "country": FieldKind.TEXT,
    "employees": FieldKind.NUMBER,
    "annual_revenue": FieldKind.NUMBER,
    "revenue_growth_pct": FieldKind.NUMBER,
    # Potential.
    "potential_acv": FieldKind.NUMBER,
    "expansion_units": FieldKind.NUMBER,
    "partner_value": FieldKind.BOOLEAN,
    "reference_value": FieldKind.TEXT,
    # Engagement and intent.
    "web_visits_30d": FieldKind.NUMBER,
    "content_downloads_90d": FieldKind.NUMBER,
    "events_attended_180d": FieldKind.NUMBER,
    "intent_score": FieldKind.NUMBER,
    "last_engagement_date": FieldKind.DATE,
    # Accessibility.
    "relationship_strength": FieldKind.TEXT,
    "champion_identified": FieldKind.BOOLEAN,
    "exec_sponsor": FieldKind.BOOLEAN,
    "exec_access": FieldKind.BOOLEAN,
    "competitor_incumbent": FieldKind.BOOLEAN,
    "competitor_contract_end": FieldKind.DATE,
}

IDENTITY_FIELDS = ("account_id", "name", "domain", "parent_id")

# A file without these two columns cannot be tiered at all.
REQUIRED_FIELDS = ("account_id", "name")
