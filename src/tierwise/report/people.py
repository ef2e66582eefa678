"""The columns sales reads: one row per account with why it sits in its tier.

The workbook and the CSV for people share these columns, so both explain an
account the same way: its tier, rank, total and dimension scores, the reason
code with a plain sentence, the cap rank, completeness and potential (and
whether potential was estimated from revenue).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pyarrow as pa

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
        PeopleColumn("Why", Kind.TEXT, 48, lambda row: why(row, names, unknown)),
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
) -> str:
    """A sentence for the account's reason code, for people who do not know them.

    >>> why({"reason": "capped", "capped_from": "tier_1", "cap_rank": 18,
    ...      "tier": "tier_2", "completeness": 90.0}, {"tier_1": "Strategic",
    ...      "tier_2": "Focus"})
    'Qualified for Strategic, which was full (18th in its queue); placed in Focus.'
    """
    reason = str(row.get("reason") or "")
    tier = names.get(row.get("tier") or "", row.get("tier") or "")
    code, _, detail = reason.partition(":")

    if code == "met":
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
        if unknown_potential_blocks(row):
            return (
                "Too little is known for a higher tier: its potential is "
                f"unknown (none given, no revenue to estimate it){known}."
            )
        return f"Too little of its data is known for a higher tier{known}."
    if code == "below_threshold":
        return "Scores below every tier's minimum."
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


def _field(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row[name]


def _ordinal(number: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{_SUFFIXES.get(number % 10, 'th')}"
