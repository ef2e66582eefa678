"""Compile a tiering model into one SQL query tree.

The query is a chain of named steps (common table expressions):

``source``  the input's fields, typed; absent fields are typed NULLs, and
            potential is the given value or the model's estimate.
``points``  each criterion's whole points and whether its value was observed.
``scored``  integer sums: dimension scores, the total and completeness, in
            hundredths, cut (never rounded) so the shown number is compared.
``gated``   per tier: disqualifiers, must-haves, includes, thresholds, and
            whether the account is eligible.
``tier_N``  per capped tier, the accounts that fill it (``ORDER BY … LIMIT``
            on the eligible accounts) and the overflow with its cap rank.
``placed``  each account's tier and the reason code; the final select adds
            its rank within the tier.

All decisions compare whole numbers. The tree renders in any sqlglot dialect.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlglot import exp

from tierwise.engine.criteria import gate_sql, observed_sql, points_sql
from tierwise.engine.sql import (
    SQL_TYPES,
    all_true,
    any_true,
    case,
    coalesce,
    col,
    ident,
    is_null,
    lit,
    sum_of,
)
from tierwise.model.schema import Tier, TieringModel
from tierwise.model.weights import effective_weights

__all__ = ["HUNDREDTHS", "UNASSIGNED", "CompiledModel", "compile_model"]

UNASSIGNED = "unassigned"

# Scores are kept in hundredths of a point on the 0-100 scale.
HUNDREDTHS = 100 * 100

SOURCE_TABLE = "accounts"


@dataclass(frozen=True)
class CompiledModel:
    """The query tree for one model, as-of date and set of input columns."""

    query: exp.Select
    steps: dict[str, exp.Select]
    model: TieringModel
    as_of: date

    def sql(self, dialect: str = "duckdb", pretty: bool = True) -> str:
        """The query as text in ``dialect``."""
        return self.query.sql(dialect=dialect, pretty=pretty)

    def step_query(self, step: str, where: exp.Expr | None = None) -> exp.Select:
        """A query that selects one step of the chain, e.g. for explanations."""
        query = exp.select(exp.Star()).from_(ident(step))
        for name, body in self.steps.items():
            query = query.with_(ident(name), as_=body)
            if name == step:
                break
        return query.where(where) if where is not None else query


def compile_model(
    model: TieringModel,
    as_of: date,
    columns: Collection[str],
    source: str = SOURCE_TABLE,
    pins: Mapping[str, str] | None = None,
) -> CompiledModel:
    """Compile ``model`` into a query over the table ``source``.

    Args:
        model: a validated tiering model.
        as_of: the run's date; recency and date conditions count from it.
        columns: the fields the input has; the rest are read as missing.
        source: the table or view holding the accounts.
        pins: account id to tier key, set by people (overrides); a pinned
            account takes its tier first and counts against that tier's cap.

    >>> from tierwise.model import load_model
    >>> compiled = compile_model(load_model(), date(2026, 9, 30), ["account_id"])
    >>> "LIMIT 15" in compiled.sql()
    True
    """
    steps: dict[str, exp.Select] = {}
    pins = dict(pins or {})
    tiers = model.active_tiers()

    steps["source"] = _source_step(model, columns, source)
    steps["points"] = _points_step(model, as_of)
    steps["scored"] = _scored_step(model)
    steps["gated"] = _gated_step(model, as_of, tiers, pins)

    steps["eligible"] = _eligible_step(tiers)

    previous = "eligible"
    for index, tier in enumerate(tiers):
        if tier.max_accounts is None:
            continue
        pinned_here = sum(key == tier.key for key in pins.values())
        room = max(tier.max_accounts - pinned_here, 0)
        order = _cap_order(model, index)
        steps[f"fill_{index}"] = _fill_step(previous, tiers, index, order, room)
        steps[f"queue_{index}"] = _queue_step(previous, tiers, index, order)
        steps[f"after_{index}"] = _after_step(previous, index)
        previous = f"after_{index}"

    steps["placed"] = _placed_step(model, previous, tiers)
    query = _final_select(model, tiers)
    for name, body in steps.items():
        query = query.with_(ident(name), as_=body)
    return CompiledModel(query=query, steps=steps, model=model, as_of=as_of)


def _source_step(
    model: TieringModel, columns: Collection[str], source: str
) -> exp.Select:
    kinds = model.field_kinds()
    available = set(columns)
    selected: list[exp.Expr] = []
    for name, kind in kinds.items():
        value = col(name) if name in available else exp.Null()
        typed: exp.Expr = exp.cast(value, SQL_TYPES[kind])
        if name == model.potential.field:
            given = typed
            typed = coalesce(given, _estimate(model, available))
            estimated = exp.and_(is_null(given), exp.not_(is_null(typed)))
            selected.append(exp.alias_(estimated, "potential_estimated", quoted=True))
        selected.append(exp.alias_(typed, name, quoted=True))
    return exp.select(*selected).from_(ident(source))


def _estimate(model: TieringModel, available: set[str]) -> exp.Expr:
    rule = model.potential.estimate
    if rule is None or "annual_revenue" not in available:
        return exp.cast(exp.Null(), "DOUBLE")

    # Whole currency units: floor(revenue) * p / q, with the share as p/q exact.
    share = Fraction(rule.share_of_revenue)
    revenue = exp.cast(
        exp.Floor(this=exp.cast(col("annual_revenue"), "DOUBLE")), "BIGINT"
    )
    scaled = exp.IntDiv(
        this=exp.Mul(this=revenue, expression=lit(share.numerator)),
        expression=lit(share.denominator),
    )
    bounded: exp.Expr = exp.Greatest(this=scaled, expressions=[lit(int(rule.at_least))])
    if rule.at_most is not None:
        bounded = exp.Least(this=bounded, expressions=[lit(int(rule.at_most))])
    guarded = case([(exp.GT(this=col("annual_revenue"), expression=lit(0)), bounded)])
    return exp.cast(guarded, "DOUBLE")


def _points_step(model: TieringModel, as_of: date) -> exp.Select:
    selected: list[exp.Expr] = [exp.Star()]
    for _, crit in model.criteria():
        points = points_sql(crit, model, as_of)
        selected.append(exp.alias_(points, f"pts_{crit.key}", quoted=True))
        observed = observed_sql(crit, as_of)
        selected.append(exp.alias_(observed, f"obs_{crit.key}", quoted=True))
    return exp.select(*selected).from_(ident("source"))


def _scored_step(model: TieringModel) -> exp.Select:
    weights = effective_weights(model)
    scale = model.points_scale
    selected: list[exp.Expr] = [exp.Star()]

    for dim in model.dimensions:
        earned = sum_of(
            [_times(crit.weight, _points_or_zero(crit.key)) for crit in dim.criteria]
        )
        possible = sum_of(
            [_times(crit.weight * scale, _scored(crit.key)) for crit in dim.criteria]
        )
        selected.append(
            exp.alias_(_hundredths(earned, possible), f"{dim.key}_centi", quoted=True)
        )

    criteria = [crit for _, crit in model.criteria()]
    earned = sum_of([_times(weights[c.key], _points_or_zero(c.key)) for c in criteria])
    possible = sum_of(
        [_times(weights[c.key] * scale, _scored(c.key)) for c in criteria]
    )
    observed = sum_of(
        [_times(weights[c.key] * scale, _flag(col(f"obs_{c.key}"))) for c in criteria]
    )
    everything = sum(weights.values()) * scale

    selected.append(
        exp.alias_(_hundredths(earned, possible), "total_centi", quoted=True)
    )
    selected.append(
        exp.alias_(
            _hundredths(observed, lit(everything)), "completeness_centi", quoted=True
        )
    )
    return exp.select(*selected).from_(ident("points"))


def _gated_step(
    model: TieringModel, as_of: date, tiers: list[Tier], pins: Mapping[str, str]
) -> exp.Select:
    selected: list[exp.Expr] = [exp.Star()]
    pinned = case(
        [
            (exp.EQ(this=col("account_id"), expression=lit(account)), lit(tier))
            for account, tier in sorted(pins.items())
        ],
        exp.cast(exp.Null(), "VARCHAR"),
    )
    selected.append(exp.alias_(pinned, "pinned_tier", quoted=True))

    for index, tier in enumerate(tiers):
        for name, value in _tier_gates(model, as_of, tier).items():
            selected.append(exp.alias_(value, f"{name}_{index}", quoted=True))
    return exp.select(*selected).from_(ident("scored"))


def _tier_gates(model: TieringModel, as_of: date, tier: Tier) -> dict[str, exp.Expr]:
    disqualified = case(
        [
            (gate_sql(gate.when, model, as_of), lit(f"disqualified:{gate.name}"))
            for gate in tier.disqualifiers
        ],
        exp.cast(exp.Null(), "VARCHAR"),
    )
    lacking = case(
        [
            (
                exp.not_(gate_sql(gate.when, model, as_of)),
                lit(f"missing_must_have:{gate.name}"),
            )
            for gate in tier.must_have
        ],
        exp.cast(exp.Null(), "VARCHAR"),
    )
    included = any_true([gate_sql(gate.when, model, as_of) for gate in tier.include])

    coverage = max(tier.min_coverage_pct, model.min_completeness_pct)
    coverage_ok = exp.GTE(
        this=coalesce(col("completeness_centi"), lit(0)),
        expression=lit(int(coverage * 100)),
    )
    return {
        "disqualified": disqualified,
        "lacking": lacking,
        "included": included,
        "score_ok": coalesce(all_true(_thresholds(tier)), lit(False)),
        "coverage_ok": coverage_ok,
    }


def _eligible_step(tiers: list[Tier]) -> exp.Select:
    """Eligible: not pinned, not disqualified, and included or fully qualified."""
    selected: list[exp.Expr] = [exp.Star()]
    for index in range(len(tiers)):
        qualifies = all_true(
            [
                is_null(col(f"lacking_{index}")),
                col(f"score_ok_{index}"),
                col(f"coverage_ok_{index}"),
            ]
        )
        eligible = all_true(
            [
                is_null(col("pinned_tier")),
                is_null(col(f"disqualified_{index}")),
                exp.Paren(this=exp.or_(col(f"included_{index}"), qualifies)),
            ]
        )
        selected.append(exp.alias_(eligible, f"eligible_{index}", quoted=True))
    return exp.select(*selected).from_(ident("gated"))


def _thresholds(tier: Tier) -> list[exp.Expr]:
    total = col("total_centi")
    checks: list[exp.Expr] = [
        exp.GTE(this=total, expression=lit(int(tier.min_score * 100)))
    ]
    band = tier.potential
    if band is not None and band.at_least is not None:
        checks.append(exp.GTE(this=col("potential_acv"), expression=lit(band.at_least)))
    if band is not None and band.below is not None:
        checks.append(exp.LT(this=col("potential_acv"), expression=lit(band.below)))
    return checks


def _cap_order(model: TieringModel, index: int) -> list[exp.Ordered]:
    order = [
        exp.Ordered(this=col(f"included_{index}"), desc=True, nulls_first=False),
        exp.Ordered(this=col("total_centi"), desc=True, nulls_first=False),
    ]
    for key in model.tie_break:
        order.append(
            exp.Ordered(this=_tie_column(model, key), desc=True, nulls_first=False)
        )
    order.append(exp.Ordered(this=col("account_id"), desc=False, nulls_first=False))
    return order


def _placed_before(index: int, tiers: list[Tier]) -> exp.Expr:
    """True when an account already has a tier above tier ``index``."""
    taken: list[exp.Expr] = [exp.not_(is_null(col("pinned_tier")))]
    taken += [_member(i, tiers) for i in range(index)]
    return any_true(taken)


def _member(index: int, tiers: list[Tier]) -> exp.Expr:
    """Membership of tier ``index`` as computed (pins excluded)."""
    if tiers[index].max_accounts is not None:
        return coalesce(col(f"in_{index}"), lit(False))
    return exp.and_(col(f"eligible_{index}"), exp.not_(_placed_before(index, tiers)))


def _fill_step(
    previous: str, tiers: list[Tier], index: int, order: list[exp.Ordered], room: int
) -> exp.Select:
    """The accounts that fill a capped tier: top-N of its eligible accounts."""
    return (
        exp.select(col("account_id"))
        .from_(ident(previous))
        .where(_candidates(tiers, index))
        .order_by(*order)
        .limit(room)
    )


def _queue_step(
    previous: str, tiers: list[Tier], index: int, order: list[exp.Ordered]
) -> exp.Select:
    """The eligible accounts a capped tier could not hold, with their cap rank."""
    filled = exp.select(col("account_id")).from_(ident(f"fill_{index}"))
    overflow = exp.and_(
        _candidates(tiers, index),
        exp.not_(exp.In(this=col("account_id"), query=filled.subquery())),
    )
    position = exp.Window(
        this=exp.RowNumber(), order=exp.Order(expressions=[o.copy() for o in order])
    )
    cap_rank = exp.Add(this=lit(tiers[index].max_accounts or 0), expression=position)
    return (
        exp.select(col("account_id"), exp.alias_(cap_rank, "cap_rank", quoted=True))
        .from_(ident(previous))
        .where(overflow)
    )


def _after_step(previous: str, index: int) -> exp.Select:
    """Mark the tier's members and carry the overflow's cap rank."""
    filled, queued = f"fill_{index}", f"queue_{index}"
    member = exp.not_(is_null(col("account_id", filled)))
    return (
        exp.select(
            exp.Column(this=exp.Star(), table=ident(previous)),
            exp.alias_(member, f"in_{index}", quoted=True),
            exp.alias_(col("cap_rank", queued), f"over_{index}", quoted=True),
        )
        .from_(ident(previous))
        .join(ident(filled), on=_same_account(previous, filled), join_type="left")
        .join(ident(queued), on=_same_account(previous, queued), join_type="left")
    )


def _candidates(tiers: list[Tier], index: int) -> exp.Expr:
    return exp.and_(col(f"eligible_{index}"), exp.not_(_placed_before(index, tiers)))


def _same_account(left: str, right: str) -> exp.Expr:
    return exp.EQ(this=col("account_id", left), expression=col("account_id", right))


def _placed_step(model: TieringModel, previous: str, tiers: list[Tier]) -> exp.Select:
    capped_tiers = [i for i, tier in enumerate(tiers) if tier.max_accounts is not None]
    computed = case(
        [(_member(i, tiers), lit(tier.key)) for i, tier in enumerate(tiers)],
        lit(UNASSIGNED),
    )
    tier_key = coalesce(col("pinned_tier"), computed)

    # Why an account is not in tier i, when that is not simply its score:
    # a disqualifier, then a must-have, then too little data, then the cap.
    blockers = [_blocker(i, tier, i in capped_tiers) for i, tier in enumerate(tiers)]
    reason_whens: list[tuple[exp.Expr, exp.Expr]] = [
        (exp.not_(is_null(col("pinned_tier"))), lit("override"))
    ]
    for i in range(len(tiers)):
        reason_whens.append((_member(i, tiers), coalesce(*blockers[:i], lit("met"))))
    too_thin = exp.LT(
        this=coalesce(col("completeness_centi"), lit(0)),
        expression=lit(int(model.min_completeness_pct * 100)),
    )
    unplaced = coalesce(*blockers, lit("below_threshold"))
    reason = case([*reason_whens, (too_thin, lit("insufficient_data"))], unplaced)

    capped = [j for j in capped_tiers]
    cap_rank = case(
        [
            (
                _member(i, tiers),
                coalesce(*[col(f"over_{j}") for j in capped if j < i], exp.Null()),
            )
            for i in range(len(tiers))
        ],
        coalesce(*[col(f"over_{j}") for j in capped], exp.Null()),
    )
    capped_from = case(
        [
            (
                exp.and_(_member(i, tiers), exp.not_(is_null(col(f"over_{j}")))),
                lit(tiers[j].key),
            )
            for i in range(len(tiers))
            for j in capped
            if j < i
        ]
        + [(exp.not_(is_null(col(f"over_{j}"))), lit(tiers[j].key)) for j in capped],
        exp.cast(exp.Null(), "VARCHAR"),
    )
    included = case(
        [(_member(i, tiers), col(f"included_{i}")) for i in range(len(tiers))],
        lit(False),
    )

    return exp.select(
        exp.Star(),
        exp.alias_(tier_key, "tier", quoted=True),
        exp.alias_(computed, "computed_tier", quoted=True),
        exp.alias_(reason, "reason", quoted=True),
        exp.alias_(cap_rank, "cap_rank", quoted=True),
        exp.alias_(capped_from, "capped_from", quoted=True),
        exp.alias_(included, "included", quoted=True),
    ).from_(ident(previous))


def _blocker(index: int, tier: Tier, capped: bool) -> exp.Expr:
    score_ok = col(f"score_ok_{index}")
    included = col(f"included_{index}")
    whens: list[tuple[exp.Expr, exp.Expr]] = [
        (
            exp.and_(
                exp.not_(is_null(col(f"disqualified_{index}"))),
                exp.or_(included, score_ok),
            ),
            col(f"disqualified_{index}"),
        ),
        (
            all_true(
                [
                    exp.not_(included),
                    exp.not_(is_null(col(f"lacking_{index}"))),
                    score_ok,
                ]
            ),
            col(f"lacking_{index}"),
        ),
        (
            all_true(
                [
                    exp.not_(included),
                    score_ok,
                    exp.not_(coalesce(col(f"coverage_ok_{index}"), lit(False))),
                ]
            ),
            lit("insufficient_data"),
        ),
    ]
    if capped:
        whens.append((col(f"eligible_{index}"), lit("capped")))
    return case(whens, exp.cast(exp.Null(), "VARCHAR"))


def _final_select(model: TieringModel, tiers: list[Tier]) -> exp.Select:
    names = case(
        [(exp.EQ(this=col("tier"), expression=lit(t.key)), lit(t.name)) for t in tiers],
        lit("Unassigned"),
    )
    order = [
        exp.Ordered(this=col("included"), desc=True, nulls_first=False),
        exp.Ordered(this=col("total_centi"), desc=True, nulls_first=False),
    ]
    for key in model.tie_break:
        order.append(
            exp.Ordered(this=_tie_column(model, key), desc=True, nulls_first=False)
        )
    order.append(exp.Ordered(this=col("account_id"), desc=False, nulls_first=False))
    rank = exp.Window(
        this=exp.RowNumber(),
        partition_by=[col("tier")],
        order=exp.Order(expressions=order),
    )

    selected: list[exp.Expr] = [
        col("account_id"),
        col("name"),
        col("tier"),
        exp.alias_(names, "tier_name", quoted=True),
        exp.alias_(_display(col("total_centi")), "total", quoted=True),
    ]
    selected += [
        exp.alias_(_display(col(f"{d.key}_centi")), f"{d.key}_score", quoted=True)
        for d in model.dimensions
    ]
    selected += [
        col("reason"),
        exp.alias_(rank, "rank", quoted=True),
        col("cap_rank"),
        col("capped_from"),
        exp.alias_(_display(col("completeness_centi")), "completeness", quoted=True),
        exp.alias_(col("potential_acv"), "potential", quoted=True),
        col("potential_estimated"),
        col("computed_tier"),
    ]
    return exp.select(*selected).from_(ident("placed"))


def _tie_column(model: TieringModel, key: str) -> exp.Column:
    """The column a tie-break key orders by: potential, completeness, a
    dimension's score or a number field."""
    if key == "potential":
        return col(model.potential.field)
    if key == "completeness":
        return col("completeness_centi")
    if key in {dim.key for dim in model.dimensions}:
        return col(f"{key}_centi")
    return col(key)


def _display(centi: exp.Expr) -> exp.Expr:
    return exp.Div(this=exp.cast(centi, "DOUBLE"), expression=lit(100))


def _times(weight: int, value: exp.Expr) -> exp.Expr:
    return exp.Mul(this=lit(weight), expression=value)


def _points_or_zero(key: str) -> exp.Expr:
    return coalesce(col(f"pts_{key}"), lit(0))


def _scored(key: str) -> exp.Expr:
    return _flag(exp.not_(is_null(col(f"pts_{key}"))))


def _flag(condition: exp.Expr) -> exp.Expr:
    return case([(condition, lit(1))], lit(0))


def _hundredths(earned: exp.Expr, possible: exp.Expr) -> exp.Expr:
    """``earned / possible`` on a 0-100 scale in hundredths, cut down (floor)."""
    scaled = exp.Mul(this=earned, expression=lit(HUNDREDTHS))
    return case(
        [
            (
                exp.GT(this=possible, expression=lit(0)),
                exp.IntDiv(this=scaled, expression=possible),
            )
        ]
    )
