"""The finding codes lint reports, each with its severity and a summary.

One registry holds them so the report, ``--allow`` and the docs all read the
same list: a code's severity is fixed here, never chosen by a rule.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from tierwise.model.loader import KeyPath

__all__ = ["ALLOWABLE_CODES", "CODES", "LOAD", "Code", "Hit", "Severity"]

Severity = Literal["error", "warning"]


class Code(NamedTuple):
    severity: Severity
    summary: str


class Hit(NamedTuple):
    """What a rule found: its code, where, what is wrong and how to fix it."""

    code: str
    path: KeyPath
    message: str
    fix: str


LOAD = "load"

CODES: dict[str, Code] = {
    LOAD: Code("error", "the model does not load; `tierwise tier` refuses it"),
    # Too many Tier 1 accounts.
    "tier1-no-cap": Code("error", "Tier 1 has no max_accounts"),
    "tier1-cap-above-20": Code("error", "Tier 1 may hold more than 20 accounts"),
    "tier1-cap-outside-10-15": Code("warning", "Tier 1's cap is not 10 to 15"),
    # Forgetting disqualification logic.
    "no-disqualifiers": Code("error", "no tier has a disqualifier"),
    # Static tiering.
    "static-tiering": Code("error", "a movement section without demotion triggers"),
    # No sales buy-in.
    "no-sign-off": Code("error", "a governance section without sign-off roles"),
    # Vague criteria: thresholds that do not measure anything.
    "criterion-constant": Code("error", "every value of a criterion scores the same"),
    "band-empty": Code("error", "a band whose at_least is not below its below"),
    "band-unreachable": Code("error", "a band that earlier bands always win"),
    "bands-overlap": Code("warning", "a band that partly overlaps an earlier one"),
    "value-unreachable": Code("error", "a value or list that earlier ones win"),
    "membership-lists-empty": Code("error", "a membership whose lists are empty"),
    "recency-bands-flat": Code("warning", "every recency band gives the same points"),
    # Weights and dimensions.
    "weights-not-100": Code("warning", "dimension weights do not sum to 100"),
    "dimension-empty": Code("error", "a dimension without criteria"),
    "dimension-zero-weight": Code("error", "a dimension with weight 0"),
    # Tiers that cannot be reached or whose order means nothing.
    "tier-unreachable": Code("error", "no account can ever land in a tier"),
    "tier-order-inverted": Code("warning", "a lower tier asks more than the one above"),
    "potential-ceiling": Code("warning", "a potential band's upper bound skips tiers"),
    # Budget against the tiers' expected share of accounts.
    "budget-not-100": Code("error", "budget shares of enabled tiers do not sum to 100"),
    "expected-share-not-100": Code("warning", "expected shares do not sum to 100"),
    "budget-inverts-tiers": Code("warning", "more budget per account in a lower tier"),
    # With --accounts: what a portfolio shows.
    "tier-empty": Code("warning", "no account of the portfolio lands in a tier"),
    "cap-pressure": Code("warning", "far more accounts qualify than a tier's cap"),
    "signal-constant": Code("warning", "a criterion scores every account the same"),
}

# A load problem cannot be accepted: `tierwise tier` refuses such a model.
ALLOWABLE_CODES = tuple(code for code in CODES if code != LOAD)
