"""Criteria and conditions as SQL expressions over one account row.

Each criterion becomes a points expression (whole points, or NULL when its
value is unknown under the ``unknown`` policy) and an observed flag (the
value was really there, which feeds the completeness figure). Dates are
compared with date literals computed here from the as-of date, so no engine
does date arithmetic and every engine decides the same way.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from sqlglot import exp

from tierwise.engine.sql import (
    case,
    col,
    date_literal,
    is_null,
    lit,
)
from tierwise.model.schema import (
    BandsCriterion,
    BooleanCriterion,
    CategoryCriterion,
    Condition,
    Criterion,
    MembershipCriterion,
    RecencyBand,
    RecencyCriterion,
    TieringModel,
)
from tierwise.sources.values import sql_lower, trim

__all__ = [
    "condition_sql",
    "gate_sql",
    "observed_sql",
    "points_sql",
    "recency_bands",
    "text_key",
    "text_value",
]


def points_sql(crit: Criterion, model: TieringModel, as_of: date) -> exp.Expr:
    """Whole points for ``crit``, NULL when unknown under its missing policy."""
    value = col(crit.field)
    missing = lit(None) if crit.missing == "unknown" else lit(crit.missing)
    unknown = exp.not_(observed_sql(crit, as_of))

    if isinstance(crit, BandsCriterion):
        whens = _band_whens(value, crit)
        otherwise = crit.otherwise
    elif isinstance(crit, CategoryCriterion):
        text = col(text_key(crit.field))
        whens = [
            (exp.EQ(this=text, expression=lit(text_value(key))), lit(points))
            for key, points in crit.values.items()
        ]
        otherwise = crit.default
    elif isinstance(crit, BooleanCriterion):
        whens = [(exp.EQ(this=value, expression=lit(True)), lit(crit.true_points))]
        otherwise = crit.false_points
    elif isinstance(crit, RecencyCriterion):
        whens = [
            (
                exp.GTE(
                    this=value,
                    expression=date_literal(as_of - timedelta(band.within_days)),
                ),
                lit(band.points),
            )
            for band in recency_bands(crit)
        ]
        otherwise = crit.otherwise
    elif isinstance(crit, MembershipCriterion):
        whens = [
            (
                _in_values(col(text_key(crit.field)), model.lists[entry.list_name]),
                lit(entry.points),
            )
            for entry in crit.lists
        ]
        otherwise = crit.otherwise
    else:
        whens = [
            (gate_sql(rule.when, model, as_of), lit(rule.points)) for rule in crit.rules
        ]
        otherwise = crit.otherwise

    return case([(unknown, missing), *whens], lit(otherwise))


def observed_sql(crit: Criterion, as_of: date) -> exp.Expr:
    """True when the criterion's value is really there for this account.

    A date after the as-of date has not happened yet from the run's point of
    view, so a recency criterion treats it as missing.
    """
    present = exp.not_(is_null(col(crit.field)))
    if isinstance(crit, RecencyCriterion):
        not_future = exp.LTE(this=col(crit.field), expression=date_literal(as_of))
        return exp.and_(present, not_future)
    return present


def recency_bands(crit: RecencyCriterion) -> list[RecencyBand]:
    """The criterion's day bands, newest first; a half-life becomes bands.

    With a half-life ``h`` and ``m`` points at day 0, an engagement ``d``
    days old is worth ``floor(m * 0.5 ** (d / h))`` points. Each point level
    ``p`` therefore holds while ``d <= h * log2(m / p)``; those day limits
    are worked out here once, so the query compares whole days only.
    """
    if crit.bands is not None:
        return sorted(crit.bands, key=lambda band: band.within_days)

    half_life = crit.half_life_days or 1
    top = crit.max_points or 0
    bands = []
    for points in range(top, 0, -1):
        days = math.floor(half_life * math.log2(top / points))
        while top * 0.5 ** ((days + 1) / half_life) >= points:
            days += 1
        while days >= 0 and top * 0.5 ** (days / half_life) < points:
            days -= 1
        if days >= 0:
            bands.append(RecencyBand(within_days=days, points=points))
    return sorted(bands, key=lambda band: band.within_days)


def gate_sql(condition: Condition, model: TieringModel, as_of: date) -> exp.Expr:
    """A condition that is false, not unknown, when its values are missing."""
    return exp.Coalesce(
        this=condition_sql(condition, model, as_of),
        expressions=[lit(False)],
    )


def condition_sql(condition: Condition, model: TieringModel, as_of: date) -> exp.Expr:
    """A condition as a three-valued SQL expression (NULL when unknown)."""
    if condition.all_of is not None:
        parts = [condition_sql(part, model, as_of) for part in condition.all_of]
        return exp.Paren(this=exp.and_(*parts))
    if condition.any_of is not None:
        parts = [condition_sql(part, model, as_of) for part in condition.any_of]
        return exp.Paren(this=exp.or_(*parts))
    if condition.not_ is not None:
        return exp.not_(exp.Paren(this=condition_sql(condition.not_, model, as_of)))

    value = col(condition.field or "")
    ((test, wanted),) = condition.tests().items()
    if test == "is":
        return exp.EQ(this=value, expression=lit(bool(wanted)))
    if test == "missing":
        return is_null(value) if wanted else exp.not_(is_null(value))
    if test == "equals":
        if isinstance(wanted, str):
            key = col(text_key(condition.field or ""))
            return exp.EQ(this=key, expression=lit(text_value(wanted)))
        return exp.EQ(this=value, expression=lit(wanted))
    if test in ("one_of", "in_list"):
        values = wanted if test == "one_of" else model.lists[wanted]
        return _in_values(col(text_key(condition.field or "")), values)
    return _compare(test, value, wanted, as_of)


_NUMBER_TESTS = {
    "at_least": exp.GTE,
    "above": exp.GT,
    "at_most": exp.LTE,
    "below": exp.LT,
}


def _compare(
    test: str, value: exp.Expr, wanted: Decimal | int, as_of: date
) -> exp.Expr:
    if test in _NUMBER_TESTS:
        return _NUMBER_TESTS[test](this=value, expression=lit(wanted))

    days = int(wanted)
    if test == "days_until_above":
        return exp.GT(this=value, expression=date_literal(as_of + timedelta(days)))
    if test == "days_until_at_most":
        return exp.LTE(this=value, expression=date_literal(as_of + timedelta(days)))
    if test == "days_since_above":
        return exp.LT(this=value, expression=date_literal(as_of - timedelta(days)))
    # days_since_at_most: on or before the as-of date and not longer ago than
    # that. A date after the as-of date has not happened yet, as for recency.
    return exp.Between(
        this=value,
        low=date_literal(as_of - timedelta(days)),
        high=date_literal(as_of),
    )


def _band_whens(
    value: exp.Expr, crit: BandsCriterion
) -> list[tuple[exp.Expr, exp.Expr]]:
    """The points of each band, as CASE branches over ``value``.

    Bands that follow on from each other (each ends where the next begins)
    are tested from the highest down with one comparison each, as a person
    would write them; any other set keeps its order and both bounds.
    """
    bands = sorted(crit.bands, key=lambda band: band.at_least or Decimal("-Infinity"))
    following = all(band.at_least is not None for band in bands) and all(
        lower.below is not None and lower.below == upper.at_least
        for lower, upper in pairwise(bands)
    )
    if not following:
        return [
            (_in_band(value, band.at_least, band.below), lit(band.points))
            for band in crit.bands
        ]
    whens: list[tuple[exp.Expr, exp.Expr]] = []
    top = bands[-1].below
    if top is not None:
        whens.append((exp.GTE(this=value, expression=lit(top)), lit(crit.otherwise)))
    whens += [
        (exp.GTE(this=value, expression=lit(band.at_least)), lit(band.points))
        for band in reversed(bands)
    ]
    return whens


def _in_band(
    value: exp.Expr, at_least: Decimal | None, below: Decimal | None
) -> exp.Expr:
    parts: list[exp.Expr] = []
    if at_least is not None:
        parts.append(exp.GTE(this=value, expression=lit(at_least)))
    if below is not None:
        parts.append(exp.LT(this=value, expression=lit(below)))
    return exp.and_(*parts) if parts else lit(True)


def _in_values(key: exp.Expr, values: list[str]) -> exp.Expr:
    """``key`` (already normalised) is one of ``values``, without case or spaces."""
    wanted = sorted({text_value(item) for item in values})
    return exp.In(this=key, expressions=[lit(value) for value in wanted])


def text_value(text: str) -> str:
    """A model's text as the engine compares it: trimmed and lower-cased.

    The same white space as `trimmed_text` and the same lower case as SQL
    ``LOWER``, so that a key spelled ``İnşaat`` matches data spelled
    ``İnşaat``, ``inşaat`` or ``İNŞAAT``.

    >>> text_value(" Retail ")
    'retail'
    """
    return sql_lower(trim(text))


def text_key(field: str) -> str:
    """The column holding a text field lower-cased and trimmed, for matching."""
    return f"{field}__key"
