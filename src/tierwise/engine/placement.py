"""Placing scored accounts into tiers: caps, reasons and ranks.

These steps read only the narrow ``eligible`` step, which the query keeps
materialised, so no engine recomputes the scores once per tier:

``fill_N``   the accounts that fill capped tier N: ``ORDER BY … LIMIT cap``
             over the accounts eligible for it and not placed higher up.
``queue_N``  the eligible accounts tier N could not hold, with their cap rank.
``joined``   the accounts that qualify for a capped tier, with its fill and
             queue joined on; no other account can be in either.
``placed``   each account's tier, the computed tier and the reason code: for
             the joined accounts from their fills and queues, for the rest
             (most of a large portfolio) from "in no fill or queue", written
             into the expressions so the engine can fold them away.

The final select adds the rank within each tier.
"""

from __future__ import annotations

from sqlglot import exp

from tierwise.engine.sql import (
    all_true,
    any_true,
    case,
    coalesce,
    col,
    ident,
    is_null,
    lit,
)
from tierwise.model.schema import Tier, TieringModel

__all__ = [
    "UNASSIGNED",
    "cap_order",
    "fill_step",
    "has_gate",
    "joined_step",
    "pin_numbers",
    "placed_step",
    "queue_step",
    "result_labels",
    "result_select",
]

UNASSIGNED = "unassigned"

# The gate columns a tier holds only when it has the rules behind them. A tier
# with no disqualifiers is never disqualified, one with no must-haves lacks
# none and one with no include rules names nobody: those columns would be the
# same for every account, so placing writes the constant in instead of
# reading a column (and the materialised step stays narrower).
RULES_OF_GATE = {
    "disqualified": "disqualifiers",
    "lacking": "must_have",
    "included": "include",
}


def has_gate(tier: Tier, gate: str) -> bool:
    """Whether ``tier`` has rules that make its ``gate`` column vary."""
    rules = RULES_OF_GATE.get(gate)
    return rules is None or bool(getattr(tier, rules))


def cap_order(model: TieringModel, tier: Tier, index: int) -> list[exp.Ordered]:
    """The order a capped tier fills in: includes, total, tie-breaks, id."""
    order: list[exp.Ordered] = []
    if has_gate(tier, "included"):
        included = col(f"included_{index}")
        order.append(exp.Ordered(this=included, desc=True, nulls_first=False))
    order.append(exp.Ordered(this=col("total_centi"), desc=True, nulls_first=False))
    for key in model.tie_break:
        order.append(
            exp.Ordered(this=tie_column(model, key), desc=True, nulls_first=False)
        )
    order.append(exp.Ordered(this=col("account_id"), desc=False, nulls_first=False))
    return order


def tie_column(model: TieringModel, key: str) -> exp.Column:
    """The column a tie-break key orders by: potential, completeness, a
    dimension's score or a number field."""
    if key == "potential":
        return col(model.potential.field)
    if key == "completeness":
        return col("completeness_centi")
    if key in {dim.key for dim in model.dimensions}:
        return col(f"{key}_centi")
    return col(key)


def fill_step(
    model: TieringModel, tiers: list[Tier], index: int, room: int, chain: str = ""
) -> exp.Select:
    """The accounts that fill a capped tier: top-N of its candidates.

    ``chain="unpinned_"`` fills the tier as if nobody had pinned an account:
    it tells where a pinned account would have landed (its computed tier).
    """
    return (
        exp.select(col("account_id"))
        .from_(ident("eligible"))
        .where(_candidates(tiers, index, chain))
        .order_by(*cap_order(model, tiers[index], index))
        .limit(room)
    )


def queue_step(model: TieringModel, tiers: list[Tier], index: int) -> exp.Select:
    """The candidates a capped tier could not hold, with their cap rank."""
    overflow = exp.and_(
        _candidates(tiers, index),
        exp.not_(exp.In(this=col("account_id"), query=_ids_of(f"fill_{index}"))),
    )
    order = cap_order(model, tiers[index], index)
    position = exp.Window(this=exp.RowNumber(), order=exp.Order(expressions=order))
    cap_rank = exp.Add(this=lit(tiers[index].max_accounts or 0), expression=position)
    return (
        exp.select(col("account_id"), exp.alias_(cap_rank, "cap_rank", quoted=True))
        .from_(ident("eligible"))
        .where(overflow)
    )


def joined_step(tiers: list[Tier], has_pins: bool = False) -> exp.Query:
    """The eligible-step rows that qualify for a capped tier, with each capped
    tier's membership and cap rank joined on (all eligible rows when no tier
    is capped).

    Only accounts that qualify for a capped tier can be in its fill or queue,
    so only they are joined; :func:`placed_step` places the rest without
    them. Joining every account on its id cost more than scoring it.
    """
    capped = _capped(tiers)
    everyone: list[exp.Expr] = [exp.Column(this=exp.Star(), table=ident("eligible"))]
    if not capped:
        return exp.select(*everyone).from_(ident("eligible"))
    columns = _joined_columns(tiers, has_pins)
    contenders = exp.select(
        *everyone,
        *(
            exp.alias_(joined, name, quoted=True)
            for name, (joined, _) in columns.items()
        ),
    ).from_(ident("eligible"))
    for other in _joined_steps(capped, has_pins):
        contenders = contenders.join(
            ident(other), on=_same_account(other), join_type="left"
        )
    return contenders.where(_contends(capped, has_pins))


def _joined_columns(
    tiers: list[Tier], has_pins: bool
) -> dict[str, tuple[exp.Expr, exp.Expr]]:
    """Each joined column: its value from the joined steps, and its value
    for an account that qualifies for no capped tier (in no fill, no queue)."""
    columns: dict[str, tuple[exp.Expr, exp.Expr]] = {}
    capped = _capped(tiers)
    for index in capped if has_pins else []:
        member = exp.not_(is_null(col("account_id", f"unpinned_fill_{index}")))
        columns[f"unpinned_in_{index}"] = (member, lit(False))
    for index in capped:
        member = exp.not_(is_null(col("account_id", f"fill_{index}")))
        rank = col("cap_rank", f"queue_{index}")
        columns[f"in_{index}"] = (member, lit(False))
        columns[f"over_{index}"] = (rank, exp.cast(exp.Null(), "BIGINT"))
    return columns


def _joined_steps(capped: list[int], has_pins: bool) -> list[str]:
    steps = [f"unpinned_fill_{index}" for index in capped] if has_pins else []
    for index in capped:
        steps += [f"fill_{index}", f"queue_{index}"]
    return steps


def _contends(capped: list[int], has_pins: bool) -> exp.Expr:
    """Qualifies for a capped tier, so may be in its fill or queue."""
    flag = _qualifies_flag(has_pins)
    return coalesce(any_true([col(f"{flag}_{i}") for i in capped]), lit(False))


def _qualifies_flag(has_pins: bool) -> str:
    """The column that says an account qualifies for a tier, pins aside.

    Without pins, qualifying is being eligible, so the materialised step
    holds that flag once, as ``eligible_N``.
    """
    return "qualifies" if has_pins else "eligible"


def placed_step(
    model: TieringModel, tiers: list[Tier], has_pins: bool = False
) -> exp.Query:
    """Each account's tier, the tier it computed to, reason and cap rank.

    The accounts :func:`joined_step` leaves out are placed by the same
    expressions with their joined columns written in as constants (in no
    fill, no queue), which an engine folds: the reasons and cap ranks of
    most of a large portfolio then cost next to nothing.
    """
    placing = _placing(model, tiers, has_pins)
    joined = exp.select(exp.Star(), *placing).from_(ident("joined"))
    capped = _capped(tiers)
    if not capped:
        return joined
    constants = {
        name: constant
        for name, (_, constant) in _joined_columns(tiers, has_pins).items()
    }

    def fixed(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and not node.table and node.name in constants:
            return constants[node.name].copy()
        return node

    others = exp.select(
        exp.Column(this=exp.Star(), table=ident("eligible")),
        *(
            exp.alias_(value.copy(), name, quoted=True)
            for name, value in constants.items()
        ),
        *(column.transform(fixed) for column in placing),
    ).from_(ident("eligible"))
    contends = _contends(capped, has_pins)
    return exp.union(joined, others.where(exp.not_(contends)), distinct=False)


def _placing(model: TieringModel, tiers: list[Tier], has_pins: bool) -> list[exp.Expr]:
    """The placing columns, over the joined columns of :func:`joined_step`."""
    capped = _capped(tiers)
    computed = case(
        [(_member(i, tiers), lit(tier.key)) for i, tier in enumerate(tiers)],
        lit(UNASSIGNED),
    )
    computed_tier = computed.copy()
    # Without pins nothing is pinned: the step holds no ``pinned`` column.
    placed_tier = coalesce(_pinned_tier(tiers), computed) if has_pins else computed
    if has_pins:
        # A pinned account's computed tier: where it lands if nobody is pinned.
        unpinned = case(
            [(_member(i, tiers, "unpinned_"), lit(t.key)) for i, t in enumerate(tiers)],
            lit(UNASSIGNED),
        )
        is_pinned = exp.not_(is_null(col("pinned")))
        computed_tier = case([(is_pinned, unpinned)], computed.copy())

    # Why an account is not in tier i, when that is not simply its score:
    # a disqualifier, then a must-have, then too little data, then the cap.
    potential = model.potential.field
    blockers = [
        _blocker(i, tier, i in capped, potential, has_pins)
        for i, tier in enumerate(tiers)
    ]
    reasons: list[tuple[exp.Expr, exp.Expr]] = []
    if has_pins:
        reasons.append((exp.not_(is_null(col("pinned"))), lit("override")))
    # The reason names the nearest tier above that a gate or the cap kept the
    # account out of: what stands between it and one tier higher. Known
    # shortcoming: an account an include rule placed is `met` too, so the
    # results, the store and the exports cannot tell it from one that meets
    # every requirement; only `tierwise explain` says which rule named it.
    reasons += [
        (_member(i, tiers), coalesce(*reversed(blockers[:i]), lit("met")))
        for i in range(len(tiers))
    ]
    too_thin = exp.LT(
        this=coalesce(col("completeness_centi"), lit(0)),
        expression=lit(int(model.min_completeness_pct * 100)),
    )
    reasons.append((too_thin, lit("insufficient_data")))
    reason = case(reasons, coalesce(*reversed(blockers), lit("below_threshold")))

    # The cap rank and tier of the nearest capped tier that pushed it down.
    pushed = [
        (exp.and_(_member(i, tiers), exp.not_(is_null(col(f"over_{j}")))), j)
        for i in range(len(tiers))
        for j in reversed(capped)
        if j < i
    ]
    pushed += [(exp.not_(is_null(col(f"over_{j}"))), j) for j in reversed(capped)]
    cap_rank = case([(when, col(f"over_{j}")) for when, j in pushed])
    capped_from = case(
        [(when.copy(), lit(tiers[j].key)) for when, j in pushed],
        exp.cast(exp.Null(), "VARCHAR"),
    )
    included = case(
        [(_member(i, tiers), _included(tier, i)) for i, tier in enumerate(tiers)],
        lit(False),
    )
    if not any(has_gate(tier, "included") for tier in tiers):
        included = lit(False)

    return [
        exp.alias_(placed_tier, "tier", quoted=True),
        exp.alias_(computed_tier, "computed_tier", quoted=True),
        exp.alias_(reason, "reason", quoted=True),
        exp.alias_(cap_rank, "cap_rank", quoted=True),
        exp.alias_(capped_from, "capped_from", quoted=True),
        exp.alias_(included, "included", quoted=True),
    ]


def result_select(model: TieringModel, tiers: list[Tier]) -> exp.Query:
    """The narrow result: one row per account, displayed scores, rank in tier."""
    names = case(
        [(exp.EQ(this=col("tier"), expression=lit(t.key)), lit(t.name)) for t in tiers],
        lit("Unassigned"),
    )
    order = [
        exp.Ordered(this=col("included"), desc=True, nulls_first=False),
        exp.Ordered(this=col("total_centi"), desc=True, nulls_first=False),
    ]
    order += [
        exp.Ordered(this=tie_column(model, key), desc=True, nulls_first=False)
        for key in model.tie_break
    ]
    order.append(exp.Ordered(this=col("account_id"), desc=False, nulls_first=False))
    # Unassigned accounts have no tier to rank in; leaving them out of the
    # window spares sorting what is often most of a large portfolio.
    window = exp.Window(
        this=exp.RowNumber(),
        partition_by=[col("tier")],
        order=exp.Order(expressions=order),
    )
    unassigned = exp.EQ(this=col("tier"), expression=lit(UNASSIGNED))
    ranked = _result_columns(model, names, window)
    unranked = _result_columns(model, names.copy(), exp.cast(exp.Null(), "BIGINT"))
    return exp.union(
        exp.select(*ranked).from_(ident("placed")).where(exp.not_(unassigned)),
        exp.select(*unranked).from_(ident("placed")).where(unassigned.copy()),
        distinct=False,
    )


def result_labels(tiers: list[Tier]) -> dict[str, list[str]]:
    """Every value each text column of the result can hold, by column.

    Tier keys, tier names and reason codes come from the model alone, so an
    engine can store these columns as small numbers with a list of labels
    (DuckDB writes such a column to Parquet as text in a tenth of the time).
    """
    keys = [tier.key for tier in tiers] + [UNASSIGNED]
    names = [tier.name for tier in tiers] + ["Unassigned"]
    reasons = ["override", "met", "capped", "insufficient_data", "below_threshold"]
    for tier in tiers:
        reasons += [f"disqualified:{gate.name}" for gate in tier.disqualifiers]
        reasons += [f"missing_must_have:{gate.name}" for gate in tier.must_have]
    return {
        "tier": keys,
        "tier_name": list(dict.fromkeys(names)),
        "reason": list(dict.fromkeys(reasons)),
        "capped_from": keys,
        "computed_tier": keys,
    }


def _result_columns(
    model: TieringModel, names: exp.Expr, rank: exp.Expr
) -> list[exp.Expr]:
    selected: list[exp.Expr] = [
        col("account_id"),
        col("name"),
        col("tier"),
        exp.alias_(names, "tier_name", quoted=True),
        exp.alias_(_display(col("total_centi")), "total", quoted=True),
    ]
    selected += [
        exp.alias_(_display(col(f"{dim.key}_centi")), f"{dim.key}_score", quoted=True)
        for dim in model.dimensions
    ]
    selected += [
        col("reason"),
        exp.alias_(rank, "rank", quoted=True),
        col("cap_rank"),
        col("capped_from"),
        exp.alias_(_display(col("completeness_centi")), "completeness", quoted=True),
        exp.alias_(col(model.potential.field), "potential", quoted=True),
        col("potential_estimated"),
        col("computed_tier"),
    ]
    return selected


def _capped(tiers: list[Tier]) -> list[int]:
    return [index for index, tier in enumerate(tiers) if tier.max_accounts is not None]


def _candidates(tiers: list[Tier], index: int, chain: str = "") -> exp.Expr:
    """Eligible for tier ``index`` and not placed in a tier above it."""
    placed: list[exp.Expr] = []
    for above in range(index):
        if tiers[above].max_accounts is not None:
            filled = f"{chain}fill_{above}"
            placed.append(exp.In(this=col("account_id"), query=_ids_of(filled)))
        else:
            placed.append(_candidates(tiers, above, chain))
    flag = "qualifies" if chain else "eligible"
    return all_true(
        [col(f"{flag}_{index}"), exp.not_(exp.Paren(this=any_true(placed)))]
    )


def _member(index: int, tiers: list[Tier], chain: str = "") -> exp.Expr:
    """Whether an account landed in tier ``index`` by computation (not a pin)."""
    if tiers[index].max_accounts is not None:
        return coalesce(col(f"{chain}in_{index}"), lit(False))
    above = [_member(i, tiers, chain) for i in range(index)]
    flag = "qualifies" if chain else "eligible"
    return all_true([col(f"{flag}_{index}"), exp.not_(exp.Paren(this=any_true(above)))])


def _included(tier: Tier, index: int) -> exp.Expr:
    return col(f"included_{index}") if has_gate(tier, "included") else lit(False)


def _blocker(
    index: int, tier: Tier, capped: bool, potential: str, has_pins: bool
) -> exp.Expr:
    """Why an account is not in tier ``index`` when a gate or the cap keeps
    it out; NULL when its score does. Gates the tier lacks are left out."""
    coverage_ok = coalesce(col(f"coverage_ok_{index}"), lit(False))
    # Total high enough, potential unknown (none given, none to estimate
    # from): whether it belongs here cannot be told, which is a lack of data
    # rather than a low score. It counts as reaching the tier's score for
    # the gates before it, as score_ok does.
    unsure = _potential_unknown(tier, potential)
    reached: exp.Expr = col(f"score_ok_{index}")
    too_little: exp.Expr = exp.not_(coverage_ok)
    if unsure is not None:
        reached = exp.or_(reached, unsure)
        too_little = exp.or_(too_little, unsure.copy())

    whens = _gate_whens(index, tier, reached)
    thin = [reached.copy(), exp.Paren(this=too_little)]
    unnamed = _not_named(index, tier)
    whens.append((all_true([*unnamed, *thin]), lit("insufficient_data")))
    if capped:
        eligible: exp.Expr = col(f"eligible_{index}")
        if has_pins:
            eligible = exp.and_(eligible, is_null(col("pinned")))
        whens.append((eligible, lit("capped")))
    return case(whens, exp.cast(exp.Null(), "VARCHAR"))


def _gate_whens(
    index: int, tier: Tier, reached: exp.Expr
) -> list[tuple[exp.Expr, exp.Expr]]:
    """The disqualifier and must-have reasons of tier ``index``, if it has
    such gates: a disqualifier bars even a named account."""
    disqualified = col(f"disqualified_{index}")
    lacking = col(f"lacking_{index}")
    whens: list[tuple[exp.Expr, exp.Expr]] = []
    if has_gate(tier, "disqualified"):
        within = reached.copy()
        if has_gate(tier, "included"):
            within = exp.or_(col(f"included_{index}"), within)
        names = [gate.name for gate in tier.disqualifiers]
        whens.append(
            (
                exp.and_(exp.not_(is_null(disqualified)), within),
                _gate_reason(disqualified, "disqualified", names),
            )
        )
    if has_gate(tier, "lacking"):
        lacks = [exp.not_(is_null(lacking)), reached.copy()]
        names = [gate.name for gate in tier.must_have]
        whens.append(
            (
                all_true([*_not_named(index, tier), *lacks]),
                _gate_reason(lacking, "missing_must_have", names),
            )
        )
    return whens


def _not_named(index: int, tier: Tier) -> list[exp.Expr]:
    """Not named by an include rule of tier ``index``: nothing to test when
    the tier has no such rules."""
    if not has_gate(tier, "included"):
        return []
    return [exp.not_(col(f"included_{index}"))]


def _potential_unknown(tier: Tier, potential: str) -> exp.Expr | None:
    """True when the total meets ``tier`` but its potential band cannot be
    checked for want of a potential; None when the tier has no band."""
    if not tier.needs_potential:
        return None
    return exp.and_(
        exp.GTE(this=col("total_centi"), expression=lit(int(tier.min_score * 100))),
        is_null(col(potential)),
    )


def _gate_reason(number: exp.Expr, code: str, names: list[str]) -> exp.Expr:
    """The reason code of the gate at position ``number`` (1-based)."""
    return case(
        [
            (
                exp.EQ(this=number.copy(), expression=lit(position)),
                lit(f"{code}:{name}"),
            )
            for position, name in enumerate(names, start=1)
        ],
        exp.cast(exp.Null(), "VARCHAR"),
    )


def pin_numbers(tiers: list[Tier]) -> dict[str, int]:
    """The number a pin to each tier key is held as: the tiers from 1, and
    unassigned after them (an account a person took out of every tier).

    >>> from tierwise.model import load_model
    >>> pin_numbers(load_model().active_tiers())
    {'tier_1': 1, 'tier_2': 2, 'tier_3': 3, 'unassigned': 4}
    """
    numbers = {tier.key: number for number, tier in enumerate(tiers, start=1)}
    return {**numbers, UNASSIGNED: len(tiers) + 1}


def _pinned_tier(tiers: list[Tier]) -> exp.Expr:
    """The tier key a person pinned the account to, from its number."""
    return case(
        [
            (exp.EQ(this=col("pinned"), expression=lit(number)), lit(key))
            for key, number in pin_numbers(tiers).items()
        ],
        exp.cast(exp.Null(), "VARCHAR"),
    )


def _ids_of(step: str) -> exp.Subquery:
    return exp.select(col("account_id")).from_(ident(step)).subquery()


def _same_account(other: str) -> exp.Expr:
    return exp.EQ(
        this=col("account_id", "eligible"), expression=col("account_id", other)
    )


def _display(centi: exp.Expr) -> exp.Expr:
    return exp.Div(this=exp.cast(centi, "DOUBLE"), expression=lit(100))
