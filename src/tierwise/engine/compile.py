"""Compile a tiering model into one SQL query tree.

The query is a chain of named steps (common table expressions):

``source``  the input's fields, typed; absent fields are typed NULLs, and
            potential is the given value or the model's estimate.
``points``  each criterion's whole points and whether its value was observed.
``weighed`` each dimension's earned and possible points (integer sums).
``scored``  dimension scores, the total and completeness, in hundredths,
            cut (never rounded) so the shown number is compared.
``gated``   per tier: disqualifiers, must-haves, includes and thresholds.
``eligible`` the narrow set placing needs, with each tier's eligibility;
            materialised, so engines score once however often it is read.
``fill_N``, ``queue_N``, ``joined``, ``placed``: the caps, tiers and reason
            codes (see :mod:`tierwise.engine.placement`); the final select
            adds each account's rank within its tier.

All decisions compare whole numbers. The tree renders in any sqlglot dialect.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlglot import exp

from tierwise.engine.criteria import gate_sql, observed_sql, points_sql, text_key
from tierwise.engine.placement import (
    UNASSIGNED,
    fill_step,
    has_gate,
    joined_step,
    pin_numbers,
    placed_step,
    queue_step,
    result_select,
)
from tierwise.engine.signals import join_signals, signal_steps, signal_values
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
    normalised_text,
    sum_of,
)
from tierwise.errors import TierwiseError
from tierwise.model.fields import REQUIRED_FIELDS, FieldKind
from tierwise.model.schema import Dimension, Tier, TieringModel
from tierwise.model.weights import (
    dimension_weights,
    effective_weights,
    within_weights,
)

__all__ = ["HUNDREDTHS", "UNASSIGNED", "CompiledModel", "compile_model"]

# Scores are kept in hundredths of a point on the 0-100 scale.
HUNDREDTHS = 100 * 100

SOURCE_TABLE = "accounts"


@dataclass(frozen=True)
class CompiledModel:
    """The query tree for one model, as-of date and set of input columns."""

    query: exp.Query
    steps: dict[str, exp.Query]
    model: TieringModel
    as_of: date
    # The table or view the query reads the accounts from.
    source: str = SOURCE_TABLE

    def sql(self, dialect: str = "duckdb", pretty: bool = True) -> str:
        """The query as text in ``dialect``."""
        return _without_hints(self.query, dialect).sql(dialect=dialect, pretty=pretty)

    def step_query(self, step: str, where: exp.Expr | None = None) -> exp.Select:
        """A query that selects one step of the chain."""
        query = exp.select(exp.Star()).from_(ident(step))
        for name, body in self.steps.items():
            query = query.with_(ident(name), as_=body)
            if name == step:
                break
        return query.where(where) if where is not None else query

    def explain_query(self, where: exp.Expr) -> exp.Select:
        """Every input, point and gate of the accounts ``where`` selects.

        It stops before placing, so it costs nothing for other accounts; the
        tier and rank come from the results of the whole run. Beside the
        engine's first triggered disqualifier and first missing must-have of
        each tier, it tests every one of them (:func:`_each_gate`), for these
        accounts only, so an explanation names all that apply.
        """
        tiers = self.model.active_tiers()
        each = _each_gate(self.model, self.as_of, tiers)
        query = (
            exp.select(exp.Star(), *_eligibility(tiers), *each)
            .from_(ident("gated"))
            .where(where)
        )
        for name, body in self.steps.items():
            query = query.with_(ident(name), as_=body)
            if name == "gated":
                break
        return query


# Engines that understand ``AS MATERIALIZED``; elsewhere the hint is dropped.
HINTED_DIALECTS = {"duckdb", "postgres"}

# Steps read by several later steps: ``eligible`` is computed once, so no
# engine scores twice; the wide steps after it are recomputed from it rather
# than held in memory (an engine may otherwise keep each one it reads twice).
MATERIALIZED_STEPS = {"eligible": True, "joined": False, "placed": False}

GATE_COLUMNS = ("disqualified", "lacking", "included", "score_ok", "coverage_ok")


def _without_hints(query: exp.Query, dialect: str) -> exp.Query:
    if dialect in HINTED_DIALECTS:
        return query
    plain = query.copy()
    for cte in plain.find_all(exp.CTE):
        cte.set("materialized", None)
    return plain


def compile_model(
    model: TieringModel,
    as_of: date,
    columns: Collection[str],
    source: str = SOURCE_TABLE,
    pins: Mapping[str, str] | None = None,
    signal_sources: Collection[str] = (),
    text_trimmed: bool = False,
) -> CompiledModel:
    """Compile ``model`` into a query over the table ``source``.

    Args:
        model: a validated tiering model.
        as_of: the run's date; recency and date conditions count from it.
        columns: the fields the input has; the rest are read as missing.
        source: the table or view holding the accounts.
        pins: account id to tier key, set by people (overrides); a pinned
            account takes its tier first and counts against that tier's cap.
        signal_sources: the signal files the run has (``activity``,
            ``intent``, ``contacts``, ``events``); the fields they fill are
            rolled up from their matched tables (see
            :mod:`tierwise.engine.signals`), not read from ``source``.
        text_trimmed: the text in ``source`` is already trimmed of white
            space, as the readers leave it (:func:`tierwise.read_accounts`
            and the Parquet view); text is then matched after lower-casing
            only, which spares the query a trim per value.

    >>> from tierwise.model import load_model
    >>> compiled = compile_model(load_model(), date(2026, 9, 30), ["account_id"])
    >>> "LIMIT 15" in compiled.sql()
    True
    """
    steps: dict[str, exp.Query] = {}
    pins = dict(pins or {})
    tiers = model.active_tiers()

    steps.update(signal_steps(model, as_of, signal_sources))
    steps["source"] = _source_step(model, columns, source, signal_sources, text_trimmed)
    steps["points"] = _points_step(model, as_of)
    steps["weighed"] = _weighed_step(model)
    steps["scored"] = _scored_step(model)
    steps["gated"] = _gated_step(model, as_of, tiers, pins)

    steps["eligible"] = _eligible_step(model, tiers, has_pins=bool(pins))

    for index, tier in enumerate(tiers):
        if tier.max_accounts is None:
            continue
        pinned_here = sum(key == tier.key for key in pins.values())
        room = max(tier.max_accounts - pinned_here, 0)
        steps[f"fill_{index}"] = fill_step(model, tiers, index, room)
        steps[f"queue_{index}"] = queue_step(model, tiers, index)
        if pins:
            unpinned = fill_step(model, tiers, index, tier.max_accounts, "unpinned_")
            steps[f"unpinned_fill_{index}"] = unpinned
    steps["joined"] = joined_step(tiers, has_pins=bool(pins))
    steps["placed"] = placed_step(model, tiers, has_pins=bool(pins))

    query = result_select(model, tiers)
    for name, body in steps.items():
        materialized = MATERIALIZED_STEPS.get(name)
        # Attached, not copied: copying the growing query for each step cost
        # more than building it. Other queries built from ``steps`` copy them.
        query = query.with_(
            ident(name), as_=body, materialized=materialized, copy=False
        )
    return CompiledModel(
        query=query, steps=steps, model=model, as_of=as_of, source=source
    )


def _source_step(
    model: TieringModel,
    columns: Collection[str],
    source: str,
    signal_sources: Collection[str] = (),
    text_trimmed: bool = False,
) -> exp.Select:
    kinds = model.field_kinds()
    available = set(columns)
    filled = signal_values(model, signal_sources)
    # The identity fields are matched as text only when a criterion or gate
    # tests them, which spares normalising every id when none does.
    tested = model.tested_fields()
    selected: list[exp.Expr] = []
    for name, kind in kinds.items():
        value: exp.Expr = col(name) if name in available else exp.Null()
        value = filled.get(name, value)
        typed: exp.Expr = exp.cast(value, SQL_TYPES[kind])
        if name == model.potential.field:
            given = typed
            typed = coalesce(given, _estimate(model, available))
            estimated = exp.and_(is_null(given), exp.not_(is_null(typed)))
            selected.append(exp.alias_(estimated, "potential_estimated", quoted=True))
        selected.append(exp.alias_(typed, name, quoted=True))
        if kind == FieldKind.TEXT and (name not in REQUIRED_FIELDS or name in tested):
            # Matched without case or spaces: normalised once, not per test.
            text = exp.cast(value.copy(), "VARCHAR")
            trimmed = text_trimmed and name in available and name not in filled
            if name not in available and name not in filled:
                # Absent: nothing to trim (SQLite could not run the test).
                key: exp.Expr = exp.cast(exp.Null(), "VARCHAR")
            elif trimmed:
                key = exp.Lower(this=text)
            else:
                key = normalised_text(text)
            selected.append(exp.alias_(key, text_key(name), quoted=True))
    step = exp.select(*selected).from_(ident(source))
    return join_signals(step, signal_sources)


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


def _weighed_step(model: TieringModel) -> exp.Select:
    """Each dimension's earned and possible points, weighed within it."""
    scale = model.points_scale
    within = within_weights(model)
    selected: list[exp.Expr] = [exp.Star()]
    for dim in model.dimensions:
        bound = _dimension_bound(dim, within, scale)
        earned = sum_of(
            [
                _times(within[crit.key], _wide(_points_or_zero(crit.key), bound))
                for crit in dim.criteria
            ]
        )
        possible = sum_of(
            [
                _times(within[crit.key] * scale, _wide(_scored(crit.key), bound))
                for crit in dim.criteria
            ]
        )
        selected.append(exp.alias_(earned, f"{dim.key}_earned", quoted=True))
        selected.append(exp.alias_(possible, f"{dim.key}_possible", quoted=True))
    return exp.select(*selected).from_(ident("points"))


def _scored_step(model: TieringModel) -> exp.Select:
    """Dimension scores, the total and completeness from the weighed sums.

    The total weighs each dimension's sums by :func:`dimension_weights`, so
    it is the same quotient as summing every criterion with its effective
    weight (:func:`~tierwise.model.weights.effective_weights`), with a few
    additions per account instead of one per criterion.
    """
    weights = effective_weights(model)
    within = within_weights(model)
    scale = model.points_scale
    selected: list[exp.Expr] = [exp.Star()]
    for dim in model.dimensions:
        earned = _wide(col(f"{dim.key}_earned"), _dimension_bound(dim, within, scale))
        of = col(f"{dim.key}_possible")
        selected.append(
            exp.alias_(_hundredths(earned, of), f"{dim.key}_centi", quoted=True)
        )

    by_dimension = dimension_weights(model)
    bound = sum(
        by_dimension[dim.key] * _dimension_bound(dim, within, scale)
        for dim in model.dimensions
    )
    earned = sum_of(
        [
            _times(by_dimension[dim.key], _wide(col(f"{dim.key}_earned"), bound))
            for dim in model.dimensions
        ]
    )
    possible = sum_of(
        [
            _times(by_dimension[dim.key], _wide(col(f"{dim.key}_possible"), bound))
            for dim in model.dimensions
        ]
    )
    criteria = [crit for _, crit in model.criteria()]
    everything = sum(weights.values()) * scale
    observed = sum_of(
        [
            _times(
                weights[c.key] * scale, _wide(_flag(col(f"obs_{c.key}")), everything)
            )
            for c in criteria
        ]
    )

    selected.append(
        exp.alias_(_hundredths(earned, possible), "total_centi", quoted=True)
    )
    selected.append(
        exp.alias_(
            _hundredths(observed, lit(everything)), "completeness_centi", quoted=True
        )
    )
    return exp.select(*selected).from_(ident("weighed"))


def _dimension_bound(dim: Dimension, within: Mapping[str, int], scale: int) -> int:
    """The most points a dimension's weighed sum can reach."""
    return sum(within[crit.key] for crit in dim.criteria) * scale


# Sums that could pass this once multiplied by :data:`HUNDREDTHS` are summed
# as 64-bit integers; the model checks keep them inside those.
INT32_MAX = 2**31 - 1


def _wide(value: exp.Expr, bound: int) -> exp.Expr:
    """``value`` as a 64-bit integer when sums up to ``bound`` need one."""
    if bound * HUNDREDTHS <= INT32_MAX:
        return value
    return exp.cast(value, "BIGINT")


def _gated_step(
    model: TieringModel, as_of: date, tiers: list[Tier], pins: Mapping[str, str]
) -> exp.Select:
    selected: list[exp.Expr] = [exp.Star()]
    numbers = pin_numbers(tiers)
    unknown = sorted({key for key in pins.values() if key not in numbers})
    if unknown:
        raise TierwiseError(
            f"overrides name tiers the model does not have switched on: "
            f"{', '.join(unknown)}; use one of {', '.join(numbers)}"
        )
    pinned = case(
        [
            (
                exp.EQ(this=col("account_id"), expression=lit(account)),
                lit(numbers[tier]),
            )
            for account, tier in sorted(pins.items())
        ],
        exp.cast(exp.Null(), "INTEGER"),
    )
    selected.append(exp.alias_(pinned, "pinned", quoted=True))

    for index, tier in enumerate(tiers):
        for name, value in _tier_gates(model, as_of, tier).items():
            selected.append(exp.alias_(value, f"{name}_{index}", quoted=True))
    return exp.select(*selected).from_(ident("scored"))


def _tier_gates(model: TieringModel, as_of: date, tier: Tier) -> dict[str, exp.Expr]:
    # Which gate failed, by its position (1-based) in the tier's list: a small
    # number keeps the materialised step narrow; names are put back at the end.
    disqualified = case(
        [
            (gate_sql(gate.when, model, as_of), lit(number))
            for number, gate in enumerate(tier.disqualifiers, start=1)
        ],
        exp.cast(exp.Null(), "INTEGER"),
    )
    lacking = case(
        [
            (exp.not_(gate_sql(gate.when, model, as_of)), lit(number))
            for number, gate in enumerate(tier.must_have, start=1)
        ],
        exp.cast(exp.Null(), "INTEGER"),
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
        "score_ok": coalesce(
            all_true(_thresholds(tier, model.potential.field)), lit(False)
        ),
        "coverage_ok": coverage_ok,
    }


def _each_gate(model: TieringModel, as_of: date, tiers: list[Tier]) -> list[exp.Expr]:
    """Per tier, whether each disqualifier triggers and each must-have is missing.

    Named ``triggers_<tier>_<n>`` and ``misses_<tier>_<n>`` (n from 1, in the
    model's order), false where the engine's ``CASE`` would pass the gate
    (an unknown value neither triggers nor misses), so the first true one
    is the engine's ``disqualified_<tier>`` or ``lacking_<tier>``. Only the
    explain query reads them: the tiering query keeps its first hits.
    """
    flags: list[exp.Expr] = []
    for index, tier in enumerate(tiers):
        for number, gate in enumerate(tier.disqualifiers, start=1):
            triggers = coalesce(gate_sql(gate.when, model, as_of), lit(False))
            name = f"triggers_{index}_{number}"
            flags.append(exp.alias_(triggers, name, quoted=True))
        for number, gate in enumerate(tier.must_have, start=1):
            holds = gate_sql(gate.when, model, as_of)
            misses = coalesce(exp.not_(holds), lit(False))
            name = f"misses_{index}_{number}"
            flags.append(exp.alias_(misses, name, quoted=True))
    return flags


def _eligibility(tiers: list[Tier], has_pins: bool = True) -> list[exp.Expr]:
    """Per tier: qualifies (not disqualified; included, or meets every gate),
    and eligible (qualifies and nobody pinned the account elsewhere).

    Without pins (``has_pins`` false) the two are the same, and only
    ``eligible_N`` is given: placing reads it for both.
    """
    flags: list[exp.Expr] = []
    for index, tier in enumerate(tiers):
        qualifies = _qualifies(tier, index)
        if not has_pins:
            flags.append(exp.alias_(qualifies, f"eligible_{index}", quoted=True))
            continue
        flags.append(exp.alias_(qualifies, f"qualifies_{index}", quoted=True))
        eligible = exp.and_(is_null(col("pinned")), qualifies.copy())
        flags.append(exp.alias_(eligible, f"eligible_{index}", quoted=True))
    return flags


def _qualifies(tier: Tier, index: int) -> exp.Expr:
    """Whether an account qualifies for ``tier``, from the gates it has."""
    meets: list[exp.Expr] = [col(f"score_ok_{index}"), col(f"coverage_ok_{index}")]
    if has_gate(tier, "lacking"):
        meets.insert(0, is_null(col(f"lacking_{index}")))
    passes = all_true(meets)
    if has_gate(tier, "included"):
        passes = exp.Paren(this=exp.or_(col(f"included_{index}"), passes))
    if not has_gate(tier, "disqualified"):
        return passes
    return all_true([is_null(col(f"disqualified_{index}")), passes])


def _eligible_step(
    model: TieringModel, tiers: list[Tier], has_pins: bool
) -> exp.Select:
    """Only what placing needs, so the materialised step stays narrow: the
    gate columns a tier has rules for (see :func:`~tierwise.engine.placement.has_gate`),
    and without pins neither ``pinned`` nor a second flag per tier."""
    names = ["account_id", "name", model.potential.field, "potential_estimated"]
    names += ["total_centi", "completeness_centi"]
    names += ["pinned"] if has_pins else []
    names += [f"{dim.key}_centi" for dim in model.dimensions]
    names += [key for key in model.tie_break if key in model.field_kinds()]
    for index, tier in enumerate(tiers):
        kept = [gate for gate in GATE_COLUMNS if has_gate(tier, gate)]
        names += [f"{gate}_{index}" for gate in kept]
    selected: list[exp.Expr] = [col(name) for name in dict.fromkeys(names)]
    flags = _eligibility(tiers, has_pins)
    return exp.select(*selected, *flags).from_(ident("gated"))


def _thresholds(tier: Tier, potential: str) -> list[exp.Expr]:
    total = col("total_centi")
    checks: list[exp.Expr] = [
        exp.GTE(this=total, expression=lit(int(tier.min_score * 100)))
    ]
    band = tier.potential
    if band is not None and band.at_least is not None:
        checks.append(exp.GTE(this=col(potential), expression=lit(band.at_least)))
    if band is not None and band.below is not None:
        checks.append(exp.LT(this=col(potential), expression=lit(band.below)))
    return checks


def _times(weight: int, value: exp.Expr) -> exp.Expr:
    return exp.Mul(this=lit(weight), expression=value)


def _points_or_zero(key: str) -> exp.Expr:
    return coalesce(col(f"pts_{key}"), lit(0))


def _scored(key: str) -> exp.Expr:
    return _flag(exp.not_(is_null(col(f"pts_{key}"))))


def _flag(condition: exp.Expr) -> exp.Expr:
    return exp.cast(condition, "INTEGER")


def _hundredths(earned: exp.Expr, possible: exp.Expr) -> exp.Expr:
    """``earned / possible`` on a 0-100 scale in hundredths, cut down (floor).

    The quotient is at most 10,000, so it is kept as a 32-bit integer.
    """
    scaled = exp.Mul(this=earned, expression=lit(HUNDREDTHS))
    return case(
        [
            (
                exp.GT(this=possible, expression=lit(0)),
                exp.cast(exp.IntDiv(this=scaled, expression=possible), "INTEGER"),
            )
        ]
    )
