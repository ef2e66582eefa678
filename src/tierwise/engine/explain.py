"""Explanations on demand: every criterion's points behind an account's tier.

An explanation re-runs the query's steps up to the gates for the accounts
asked about only, so it costs nothing for the rest of the portfolio;
:func:`explain_all_query` gives every account's points in one table when
they are all wanted (``tier --explain-all``). The numbers are the query's
own integers: the weighted points of the criteria add up to each
dimension's subtotal and to the total, exactly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
from sqlglot import exp

from tierwise.engine.compile import HUNDREDTHS, CompiledModel
from tierwise.engine.explain_gates import Decision, GateLine, decide, gate_lines, marked
from tierwise.engine.run import RESULT_TABLE
from tierwise.engine.signal_explain import Evidence, criterion_fields, signal_evidence
from tierwise.engine.sql import coalesce, col, ident, is_null, lit, sum_of
from tierwise.model.weights import effective_weights

__all__ = [
    "CriterionLine",
    "Decision",
    "DimensionLine",
    "Evidence",
    "Explanation",
    "GateLine",
    "explain",
    "explain_rows",
    "wanted_accounts",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CriterionLine:
    dimension: str
    key: str
    label: str
    field: str
    value: Any
    observed: bool
    points: int | None
    max_points: int
    weight: int
    effective_weight: int
    earned: int
    possible: int
    policy: str
    # The value is the model's estimate (revenue potential from revenue).
    estimated: bool = False
    # The signal rows behind the fields the criterion reads, when a signal
    # file filled them.
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class DimensionLine:
    key: str
    name: str
    weight: int
    earned: int
    possible: int
    score: float | None


@dataclass(frozen=True)
class Explanation:
    """Why one account got its score and its tier."""

    account_id: str
    name: str
    criteria: list[CriterionLine]
    dimensions: list[DimensionLine]
    earned: int
    possible: int
    total: float | None
    completeness: float | None
    potential: float | None
    potential_estimated: bool
    gates: list[GateLine]
    tier: str | None
    tier_name: str | None
    reason: str | None
    rank: int | None
    cap_rank: int | None
    # The signal rows behind every field a signal file filled (also those
    # only gates read, such as an executive sponsor).
    signals: tuple[Evidence, ...] = ()
    # The run's as-of date, from which dates are counted.
    as_of: date | None = None
    # Which tier's gates gave the reason code, in a sentence; None when the
    # run's results were not at hand.
    decision: Decision | None = None

    def adds_up(self) -> bool:
        """True when criteria, dimensions and total agree to the last point."""
        by_dimension = sum(dim.earned for dim in self.dimensions)
        by_criterion = sum(line.earned for line in self.criteria)
        if self.possible == 0:
            return self.total is None
        total_centi = self.earned * HUNDREDTHS // self.possible
        shown = round((self.total or 0) * 100)
        return by_criterion == by_dimension == self.earned and total_centi == shown


def explain(
    connection: duckdb.DuckDBPyConnection,
    compiled: CompiledModel,
    account_ids: list[str],
) -> list[Explanation]:
    """Explain the accounts ``account_ids``; unknown ids are left out.

    ``connection`` must hold the source the model was compiled against and,
    for the tier and rank, the results of :func:`score_accounts`.
    """
    query = compiled.explain_query(wanted_accounts(account_ids))
    cursor = connection.sql(query.sql(dialect="duckdb"))
    names = cursor.columns
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return explain_rows(connection, compiled, rows)


def wanted_accounts(account_ids: list[str]) -> exp.Expr:
    """The condition :meth:`CompiledModel.explain_query` selects accounts by.

    >>> print(wanted_accounts(["a-1", "b-2"]).sql())
    "account_id" IN ('a-1', 'b-2')
    """
    return exp.In(this=col("account_id"), expressions=[lit(i) for i in account_ids])


def explain_rows(
    connection: duckdb.DuckDBPyConnection,
    compiled: CompiledModel,
    rows: list[dict[str, Any]],
) -> list[Explanation]:
    """Explanations from rows of :meth:`CompiledModel.explain_query`.

    The rows may come from any database that ran the query, as long as
    their values are the Python types DuckDB gives; ``connection`` holds the
    run's results (tier and rank) and its signal tables, if any.
    """
    found = [str(row["account_id"]) for row in rows]
    placed = _placements(connection, found)
    evidence = signal_evidence(connection, compiled, found)
    return [
        _explain_row(compiled, row, placed.get(str(row["account_id"])), evidence)
        for row in rows
    ]


def _placements(
    connection: duckdb.DuckDBPyConnection, account_ids: list[str]
) -> dict[str, dict[str, Any]]:
    tables = {row[0] for row in connection.sql("SHOW TABLES").fetchall()}
    if RESULT_TABLE not in tables:
        return {}
    cursor = connection.execute(
        f'SELECT * FROM "{RESULT_TABLE}" WHERE "account_id" IN '
        f"(SELECT UNNEST(?::VARCHAR[]))",
        [account_ids],
    )
    names = [column[0] for column in cursor.description]
    return {
        str(row[0]): dict(zip(names, row, strict=True)) for row in cursor.fetchall()
    }


def _explain_row(
    compiled: CompiledModel,
    row: dict[str, Any],
    placed: dict[str, Any] | None,
    evidence: dict[tuple[str, str], Evidence],
) -> Explanation:
    model = compiled.model
    weights = effective_weights(model)
    scale = model.points_scale

    criteria: list[CriterionLine] = []
    dimensions: list[DimensionLine] = []
    for dim in model.dimensions:
        dim_earned = dim_possible = 0
        for crit in dim.criteria:
            points = row[f"pts_{crit.key}"]
            weight = weights[crit.key]
            earned = weight * (points or 0)
            possible = weight * scale if points is not None else 0
            dim_earned += earned
            dim_possible += possible
            policy = (
                "unknown: left out"
                if crit.missing == "unknown"
                else f"missing scores {crit.missing}"
            )
            criteria.append(
                CriterionLine(
                    dimension=dim.key,
                    key=crit.key,
                    label=crit.label or crit.key,
                    field=crit.field,
                    value=row.get(crit.field),
                    observed=bool(row[f"obs_{crit.key}"]),
                    points=points,
                    max_points=scale,
                    weight=crit.weight,
                    effective_weight=weight,
                    earned=earned,
                    possible=possible,
                    policy=policy,
                    estimated=crit.field == model.potential.field
                    and bool(row["potential_estimated"]),
                    evidence=tuple(
                        evidence[(str(row["account_id"]), name)]
                        for name in criterion_fields(crit)
                        if (str(row["account_id"]), name) in evidence
                    ),
                )
            )
        dimensions.append(
            DimensionLine(
                dim.key,
                dim.name,
                dim.weight,
                dim_earned,
                dim_possible,
                _centi(row[f"{dim.key}_centi"]),
            )
        )

    account_id = str(row["account_id"])
    gates = gate_lines(model, row)
    decision = _decision(compiled, row, placed)
    if decision is not None:
        gates = marked(gates, decision)
    placed = placed or {}
    return Explanation(
        account_id=account_id,
        name=str(row["name"]),
        criteria=criteria,
        dimensions=dimensions,
        earned=sum(line.earned for line in criteria),
        possible=sum(line.possible for line in criteria),
        total=_centi(row["total_centi"]),
        completeness=_centi(row["completeness_centi"]),
        potential=row[compiled.model.potential.field],
        potential_estimated=bool(row["potential_estimated"]),
        gates=gates,
        tier=placed.get("tier"),
        tier_name=placed.get("tier_name"),
        reason=placed.get("reason"),
        rank=placed.get("rank"),
        cap_rank=placed.get("cap_rank"),
        signals=tuple(
            item for (account, _), item in evidence.items() if account == account_id
        ),
        as_of=compiled.as_of,
        decision=decision,
    )


def _decision(
    compiled: CompiledModel, row: dict[str, Any], placed: dict[str, Any] | None
) -> Decision | None:
    """The deciding gates, checked against the reason the run gave."""
    if not placed or placed.get("tier") is None:
        return None
    decision = decide(
        compiled.model,
        row,
        str(placed["tier"]),
        placed.get("cap_rank"),
        overridden=placed.get("reason") == "override",
    )
    if decision.reason != placed.get("reason"):
        # The run's own reason stands; a sentence that disagrees is left out.
        log.warning(
            "explaining %s found reason %s, but the run gave %s",
            row["account_id"],
            decision.reason,
            placed.get("reason"),
        )
        return None
    return decision


def _centi(value: int | None) -> float | None:
    return None if value is None else value / 100


def explain_all_query(compiled: CompiledModel) -> exp.Select:
    """Each account's points per criterion and dimension, one row per account.

    The columns, all whole numbers from the scoring query itself:
    ``account_id``; per criterion ``<key>_points`` (0 to the model's points
    scale, NULL when unknown and left out) and ``<key>_earned`` (points times
    the criterion's weight in the total, 0 when unknown); per dimension
    ``dimension_<key>_earned`` and ``dimension_<key>_possible`` with the same
    weights;
    ``earned`` and ``possible`` for the total; and ``total_centi``, the total
    in hundredths, which is ``earned * 10000 // possible``. So the criteria's
    ``_earned`` add up to their dimension's and to ``earned`` exactly, and
    ``total_centi / 100`` is the ``total`` in ``tiers.parquet``.
    """
    model = compiled.model
    weights = effective_weights(model)
    scale = model.points_scale
    selected: list[exp.Expr] = [col("account_id")]
    earned_all: list[exp.Expr] = []
    possible_all: list[exp.Expr] = []
    for dim in model.dimensions:
        earned_here: list[exp.Expr] = []
        possible_here: list[exp.Expr] = []
        for crit in dim.criteria:
            points = col(f"pts_{crit.key}")
            earned = _weighted(weights[crit.key], coalesce(points, lit(0)))
            # INT: PostgreSQL casts no boolean to BIGINT.
            scored = exp.cast(exp.not_(is_null(points.copy())), "INT")
            possible = _weighted(weights[crit.key] * scale, scored)
            selected.append(
                exp.alias_(points.copy(), f"{crit.key}_points", quoted=True)
            )
            selected.append(exp.alias_(earned, f"{crit.key}_earned", quoted=True))
            earned_here.append(earned.copy())
            possible_here.append(possible)
        selected.append(
            exp.alias_(sum_of(earned_here), f"dimension_{dim.key}_earned", quoted=True)
        )
        selected.append(
            exp.alias_(
                sum_of(possible_here), f"dimension_{dim.key}_possible", quoted=True
            )
        )
        earned_all += earned_here
        possible_all += possible_here
    selected.append(exp.alias_(sum_of(earned_all), "earned", quoted=True))
    selected.append(exp.alias_(sum_of(possible_all), "possible", quoted=True))
    selected.append(col("total_centi"))

    query = exp.select(*selected).from_(ident("scored"))
    for name, body in compiled.steps.items():
        query = query.with_(ident(name), as_=body)
        if name == "scored":
            break
    return query


def _weighted(weight: int, value: exp.Expr) -> exp.Expr:
    return exp.Mul(this=exp.cast(lit(weight), "BIGINT"), expression=value)
