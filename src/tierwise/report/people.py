"""The columns sales reads: one row per account with why it sits in its tier.

The workbook and the CSV for people share these columns, so both explain an
account the same way: its tier, rank, total and dimension scores, the reason
code with a plain sentence, the cap rank, completeness and potential (and
whether potential was estimated from revenue).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pyarrow as pa

from tierwise.engine.compile import UNASSIGNED
from tierwise.report.results import Results

__all__ = ["Kind", "PeopleColumn", "people_columns", "people_rows", "why"]

BATCH_ROWS = 10_000
_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


class Kind(Enum):
    """How a column's values are written: text is made safe, numbers stay numbers."""

    TEXT = "text"
    WHOLE = "whole"
    SCORE = "score"
    PERCENT = "percent"
    MONEY = "money"


@dataclass(frozen=True)
class PeopleColumn:
    """One column: its header, kind, typical width and how to get its value."""

    header: str
    kind: Kind
    width: int
    value: Callable[[dict[str, Any]], Any]


def people_columns(results: Results) -> list[PeopleColumn]:
    """The columns for ``results``, with one score column per model dimension."""
    names = results.tier_names()
    currency = results.model.currency
    unknown = _unknown_potential_blocks(results)
    below = _below_every_tier(results)
    including = {tier.key for tier in results.model.active_tiers() if tier.include}

    def tier_name(key: str) -> Callable[[dict[str, Any]], Any]:
        return lambda row: names.get(row[key], row[key]) if row[key] else None

    columns = [
        PeopleColumn("Account ID", Kind.TEXT, 18, lambda row: row["account_id"]),
        PeopleColumn("Account", Kind.TEXT, 32, lambda row: row["name"]),
        PeopleColumn("Tier", Kind.TEXT, 14, tier_name("tier")),
        PeopleColumn("Rank", Kind.WHOLE, 7, lambda row: row["rank"]),
        PeopleColumn("Total score", Kind.SCORE, 11, lambda row: row["total"]),
    ]
    for column, dimension in results.score_columns():
        columns.append(
            PeopleColumn(dimension, Kind.SCORE, 11, _field(column)),
        )
    columns += [
        PeopleColumn("Reason", Kind.TEXT, 18, lambda row: row["reason"]),
        PeopleColumn(
            "Why",
            Kind.TEXT,
            48,
            lambda row: why(row, names, unknown, below, including),
        ),
        PeopleColumn("Cap rank", Kind.WHOLE, 9, lambda row: row["cap_rank"]),
        PeopleColumn("Capped from", Kind.TEXT, 14, tier_name("capped_from")),
        PeopleColumn("Completeness %", Kind.PERCENT, 14, _field("completeness")),
        PeopleColumn(f"Potential ({currency})", Kind.MONEY, 16, _field("potential")),
        PeopleColumn(
            "Potential estimated",
            Kind.TEXT,
            10,
            lambda row: "yes" if row["potential_estimated"] else "no",
        ),
    ]
    return columns


def people_rows(table: pa.Table, columns: list[PeopleColumn]) -> Iterator[list[Any]]:
    """Each account of ``table`` as a list of raw values, one per column.

    Text is returned as it is; each writer makes it safe for its format.
    """
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        for row in batch.to_pylist():
            yield [column.value(row) for column in columns]


def why(
    row: dict[str, Any],
    names: dict[str, str],
    unknown_potential_blocks: Callable[[dict[str, Any]], bool] = lambda row: False,
    below_every_tier: Callable[[dict[str, Any]], str] = lambda row: "",
    including: Collection[str] = (),
) -> str:
    """A sentence for the account's reason code, for people who do not know them.

    ``including`` holds the keys of tiers with include rules: ``met`` there
    may mean an include rule named the account, which the results do not
    tell apart from meeting every requirement.

    >>> why({"reason": "capped", "capped_from": "tier_1", "cap_rank": 18,
    ...      "tier": "tier_2", "completeness": 90.0}, {"tier_1": "Strategic",
    ...      "tier_2": "Focus"})
    'Qualified for Strategic, which was full (18th in its queue); placed in Focus.'
    """
    reason = str(row.get("reason") or "")
    tier = names.get(row.get("tier") or "", row.get("tier") or "")
    code, _, detail = reason.partition(":")

    if code == "met":
        if row.get("tier") in including:
            return (
                f"Meets everything {tier} requires, or one of its include rules "
                "names it (`tierwise explain` says which)."
            )
        return f"Meets everything {tier} requires."
    if code == "override":
        return f"Placed in {tier} by a person (a manual override)."
    if code == "capped":
        higher = names.get(row.get("capped_from") or "", "a higher tier")
        cap_rank = row.get("cap_rank")
        queue = f" ({_ordinal(cap_rank)} in its queue)" if cap_rank else ""
        return f"Qualified for {higher}, which was full{queue}; placed in {tier}."
    if code == "missing_must_have":
        return f"Scores high enough for a higher tier but lacks its must-have {detail}."
    if code == "disqualified":
        return f"Kept out of a higher tier by the disqualifier {detail}."
    if code == "insufficient_data":
        completeness = row.get("completeness")
        known = "" if completeness is None else f" ({completeness:g}% known)"
        # An unassigned account has no tier to be kept above: what it lacks
        # is any tier at all.
        placed = row.get("tier") not in (None, UNASSIGNED)
        if unknown_potential_blocks(row):
            what = "for a higher tier" if placed else "to place it in a tier"
            return (
                f"Too little is known {what}: its potential is "
                f"unknown (none given, no revenue to estimate it){known}."
            )
        what = "for a higher tier" if placed else "to place it in any tier"
        return f"Too little of its data is known {what}{known}."
    if code == "below_threshold":
        return below_every_tier(row) or "Scores below every tier's minimum."
    return reason


def _unknown_potential_blocks(results: Results) -> Callable[[dict[str, Any]], bool]:
    """Whether an ``insufficient_data`` row owes it to an unknown potential.

    The engine gives that reason for two causes: too little of the model
    observed, or a total that meets a tier whose potential band cannot be
    checked for want of a potential. The second needs a banded tier, an
    unknown potential and a completeness at or above the model's minimum
    (below it, too little data is the reason whatever the potential).
    """
    model = results.model
    banded = any(tier.needs_potential for tier in model.active_tiers())
    floor = float(model.min_completeness_pct)

    def blocks(row: dict[str, Any]) -> bool:
        completeness = row.get("completeness")
        enough = completeness is None or completeness >= floor
        return banded and row.get("potential") is None and enough

    return blocks


def _below_every_tier(results: Results) -> Callable[[dict[str, Any]], str]:
    """What keeps a ``below_threshold`` row out of even the lowest tier.

    The engine gives that reason when the lowest tier's minimum score or its
    potential band is not met, so a total that clears the minimum must be
    told apart: its potential is what failed, and saying the score did would
    send the reader to the wrong lever.
    """
    tiers = results.model.active_tiers()
    lowest = tiers[-1] if tiers else None
    currency = results.model.currency

    def sentence(row: dict[str, Any]) -> str:
        total, potential = row.get("total"), row.get("potential")
        if lowest is None or lowest.potential is None or total is None:
            return ""
        band = lowest.potential
        if potential is None or total < float(lowest.min_score):
            return ""
        low = band.at_least is None or potential >= float(band.at_least)
        high = band.below is None or potential < float(band.below)
        if low and high:
            return ""
        if not low:
            needs = f"at least {_amount(band.at_least)}"
        else:
            needs = f"under {_amount(band.below)}"
        return (
            f"Scores {total:.2f}, enough for {lowest.name} (at least "
            f"{lowest.min_score:g}), but its potential of {_amount(potential)} "
            f"{currency} is outside the band it needs ({needs})."
        )

    return sentence


def _amount(value: Any) -> str:
    """25,000 for 25000.0; a fraction is cut, so a shown amount below a bound
    is below it."""
    number = float(value)
    return f"{math.floor(number):,}"


def _field(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row[name]


def _ordinal(number: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{_SUFFIXES.get(number % 10, 'th')}"
