"""Lint rules for criteria: thresholds that measure something.

The framework asks for specific, measurable thresholds. A criterion fails
that when no threshold can change its points: every outcome scores the
same, a band or value can never be reached because an earlier one always
wins, or the lists it reads are empty. Each rule works out which outcomes
the engine can really reach, in the order the engine tries them:

* bands: the first band that holds wins, so a band inside the union of the
  bands before it is unreachable; ``otherwise`` is reachable when the bands
  leave some number uncovered;
* recency bands: tried newest first (sorted by ``within_days``), so of two
  bands with the same days only the first is reachable;
* category values: matched without case or surrounding spaces, so of two
  keys that match the same text only the first is reachable;
* membership lists: the first list holding the value wins, so a list whose
  values all sit in earlier lists is unreachable.

A missing value's points are left out on purpose: they say whether a value
is on record, not how good it is.
"""

from __future__ import annotations

from decimal import Decimal

from tierwise.model.lint.codes import Hit
from tierwise.model.loader import KeyPath
from tierwise.model.schema import (
    BandsCriterion,
    BooleanCriterion,
    CategoryCriterion,
    ConditionsCriterion,
    Criterion,
    MembershipCriterion,
    RecencyCriterion,
)
from tierwise.sources.values import sql_lower, trim

__all__ = ["criterion_hits"]

INFINITY = Decimal("Infinity")
Interval = tuple[Decimal, Decimal]
Lists = dict[str, list[str]]


def criterion_hits(path: KeyPath, crit: Criterion, lists: Lists | None) -> list[Hit]:
    """What is unmeasurable about one criterion.

    ``lists`` are the model's named lists, or ``None`` when they do not load
    (membership criteria are then left unjudged).
    """
    hits: list[Hit] = []
    outcomes: set[int] | None
    if isinstance(crit, BandsCriterion):
        outcomes = _bands(path, crit, hits)
    elif isinstance(crit, RecencyCriterion):
        outcomes = _recency(path, crit, hits)
    elif isinstance(crit, CategoryCriterion):
        outcomes = _category(path, crit, hits)
    elif isinstance(crit, MembershipCriterion):
        outcomes = _membership(path, crit, lists, hits)
    elif isinstance(crit, BooleanCriterion):
        outcomes = {crit.true_points, crit.false_points}
    else:
        outcomes = _conditions(crit)

    if outcomes is not None and len(outcomes) == 1:
        hits.append(_constant(path, crit, outcomes.pop()))
    return hits


def _constant(path: KeyPath, crit: Criterion, points: int) -> Hit:
    return Hit(
        "criterion-constant",
        path,
        (
            f"criterion {crit.key!r} gives {points} points whatever the value of "
            f"{crit.field!r}, so it cannot tell one account from another"
        ),
        (
            f"give its {_outcome_names(crit)} different points, or remove the "
            "criterion and move its weight to one that measures something"
        ),
    )


def _outcome_names(crit: Criterion) -> str:
    if isinstance(crit, CategoryCriterion):
        return "values and `default`"
    if isinstance(crit, BooleanCriterion):
        return "`true_points` and `false_points`"
    if isinstance(crit, MembershipCriterion):
        return "lists and `otherwise`"
    if isinstance(crit, ConditionsCriterion):
        return "rules and `otherwise`"
    return "bands and `otherwise`"


def _bands(path: KeyPath, crit: BandsCriterion, hits: list[Hit]) -> set[int]:
    outcomes: set[int] = set()
    covered: list[Interval] = []
    for i, band in enumerate(crit.bands):
        here = (*path, "bands", i)
        low = band.at_least if band.at_least is not None else -INFINITY
        high = band.below if band.below is not None else INFINITY

        if low >= high:
            hits.append(
                Hit(
                    "band-empty",
                    here,
                    f"bands[{i}] is {_span(low, high)}: no number fits it",
                    "make at_least smaller than below, or remove the band",
                )
            )
            continue

        reachable = _uncovered((low, high), covered)
        shadowed = _overlaps((low, high), covered)
        if reachable:
            outcomes.add(band.points)
        else:
            hits.append(
                Hit(
                    "band-unreachable",
                    here,
                    (
                        f"bands[{i}] ({_span(low, high)}) lies inside the bands "
                        "before it; the first band that holds wins, so its "
                        f"{band.points} points are never given"
                    ),
                    "remove the band or change the bounds of the bands before it",
                )
            )
        if reachable and shadowed:
            first = shadowed[0]
            hits.append(
                Hit(
                    "bands-overlap",
                    here,
                    (
                        f"bands[{i}] overlaps an earlier band where values are "
                        f"{_span(*first)}; those values score the earlier band"
                    ),
                    "make each band start where the previous one stops (below)",
                )
            )
        covered = _merged([*covered, (low, high)])

    if _uncovered((-INFINITY, INFINITY), covered):
        outcomes.add(crit.otherwise)
    return outcomes


def _recency(path: KeyPath, crit: RecencyCriterion, hits: list[Hit]) -> set[int]:
    if crit.bands is None:
        top = crit.max_points or 0
        return {*range(1, top + 1), crit.otherwise}

    reachable: dict[int, int] = {}
    ordered = sorted(enumerate(crit.bands), key=lambda pair: pair[1].within_days)
    for i, band in ordered:
        if band.within_days in reachable:
            hits.append(
                Hit(
                    "band-unreachable",
                    (*path, "bands", i),
                    (
                        f"bands[{i}] repeats within_days {band.within_days}; the "
                        f"first such band wins, so its {band.points} points are "
                        "never given"
                    ),
                    "remove the band or give it other days",
                )
            )
            continue
        reachable[band.within_days] = band.points

    points = set(reachable.values())
    if len(reachable) > 1 and len(points) == 1 and crit.otherwise not in points:
        widest = max(reachable)
        hits.append(
            Hit(
                "recency-bands-flat",
                (*path, "bands"),
                (
                    f"every band of {crit.key!r} gives {points.pop()} points, so "
                    f"only the widest ({widest} days) matters: fresher "
                    "engagement earns nothing more"
                ),
                "give the nearer bands more points, or keep only the widest band",
            )
        )
    return {*reachable.values(), crit.otherwise}


def _category(path: KeyPath, crit: CategoryCriterion, hits: list[Hit]) -> set[int]:
    outcomes = {crit.default}
    first_key: dict[str, str] = {}
    for key, points in crit.values.items():
        matched = sql_lower(trim(key))
        if matched in first_key:
            hits.append(
                Hit(
                    "value-unreachable",
                    (*path, "values", key),
                    (
                        f"{key!r} matches the same text as {first_key[matched]!r} "
                        "(case and surrounding spaces are ignored); the first "
                        "wins, so this one never scores"
                    ),
                    "remove one of the two keys",
                )
            )
            continue
        first_key[matched] = key
        outcomes.add(points)
    return outcomes


def _membership(
    path: KeyPath, crit: MembershipCriterion, lists: Lists | None, hits: list[Hit]
) -> set[int] | None:
    names = [entry.list_name for entry in crit.lists]
    if lists is None or any(name not in lists for name in names):
        return None
    if not any(lists[name] for name in names):
        hits.append(
            Hit(
                "membership-lists-empty",
                (*path, "lists"),
                (
                    f"every list {crit.key!r} reads ({', '.join(names)}) is empty, "
                    f"so every account scores `otherwise` ({crit.otherwise})"
                ),
                "fill those lists under `lists:`, or remove the criterion",
            )
        )
        return None

    outcomes = {crit.otherwise}
    seen: set[str] = set()
    for i, entry in enumerate(crit.lists):
        values = {sql_lower(trim(value)) for value in lists[entry.list_name]}
        if not values or values <= seen:
            why = "is empty" if not values else "holds only values of earlier lists"
            hits.append(
                Hit(
                    "value-unreachable",
                    (*path, "lists", i),
                    (
                        f"list {entry.list_name!r} {why}; the first list holding "
                        f"a value wins, so its {entry.points} points are never given"
                    ),
                    "fill the list with values of its own, or remove the entry",
                )
            )
        else:
            outcomes.add(entry.points)
        seen |= values
    return outcomes


def _conditions(crit: ConditionsCriterion) -> set[int]:
    return {*(rule.points for rule in crit.rules), crit.otherwise}


def _span(low: Decimal, high: Decimal) -> str:
    parts = []
    if low != -INFINITY:
        parts.append(f"at least {low:,}")
    if high != INFINITY:
        parts.append(f"below {high:,}")
    return ", ".join(parts) or "any number"


def _overlaps(interval: Interval, covered: list[Interval]) -> list[Interval]:
    low, high = interval
    return [
        (max(low, start), min(high, end))
        for start, end in covered
        if start < high and low < end
    ]


def _uncovered(interval: Interval, covered: list[Interval]) -> bool:
    """Whether part of ``interval`` lies outside every interval in ``covered``."""
    low, high = interval
    for start, end in covered:
        if start <= low < end:
            low = end
        if low >= high:
            return False
    return True


def _merged(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
