"""A run's results as stored, and read back exactly as the engine wrote them.

The engine gives each account a tier, a computed tier, a reason code, the
tier a cap pushed it from, whether its potential was estimated, its scores
and completeness (whole hundredths shown as numbers with two decimals), its
ranks and its potential. The store keeps the five categorical fields as one
`ResultOutcome` row per distinct combination and the scores as the whole
hundredths, so a result row is a few integers: storing a million results is
dominated by the values each row sends (see `tierwise.store.bulk`).

Both conversions are exact: a shown score is ``hundredths / 100`` in the
engine, and ``round(score * 100)`` gives the hundredths back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, insert, select

from tierwise.engine import TieringRun
from tierwise.engine.run import RESULT_TABLE
from tierwise.store.tables import ResultOutcome, RunResult

__all__ = [
    "CATEGORICAL",
    "ENGINE_FIELDS",
    "HUNDREDTHS",
    "STORED_COLUMNS",
    "encoded_batches",
    "from_hundredths",
    "outcomes_for",
    "outcomes_view",
    "stored_results",
]

log = logging.getLogger(__name__)

# The engine's categorical result fields, kept once per combination.
CATEGORICAL = ("tier", "computed_tier", "reason", "capped_from", "potential_estimated")
# Each engine score and the column holding it in whole hundredths.
# Known shortcoming: these are the default model's four dimensions, so a
# run of a model with another dimension key cannot be recorded (DuckDB's
# binder error on the missing column stops tier; see
# tests/store/test_store_dimension_keys.py).
HUNDREDTHS = {
    "total": "total_centi",
    "fit_score": "fit_centi",
    "strategic_score": "strategic_centi",
    "engagement_score": "engagement_centi",
    "accessibility_score": "accessibility_centi",
    "completeness": "completeness_centi",
}
# Stored as they come from the engine.
PLAIN = ("rank", "cap_rank", "potential")
# The columns a batch from `encoded_batches` holds, in order (the run id is
# the same for every row and is added by the bulk insert).
STORED_COLUMNS = ("account_id", "outcome_id", *HUNDREDTHS.values(), *PLAIN)
# The fields `stored_results` gives back for each account, as the engine
# named them.
ENGINE_FIELDS = ("account_id", *CATEGORICAL, *HUNDREDTHS, *PLAIN)

OUTCOMES_VIEW = "tierwise_store_outcomes"
OUTCOME_SCHEMA = pa.schema(
    [
        ("outcome_id", pa.int32()),
        ("tier", pa.string()),
        ("computed_tier", pa.string()),
        ("reason", pa.string()),
        ("capped_from", pa.string()),
        ("potential_estimated", pa.bool_()),
    ]
)

Outcome = tuple[Any, ...]


def outcomes_for(connection: Connection, run: TieringRun) -> pa.Table:
    """The outcome id of every combination in ``run``, adding the new ones.

    Runs inside the recording transaction, which holds the store's write
    lock, so no other writer adds the same combination meanwhile.
    """
    names = ", ".join(f'"{name}"' for name in CATEGORICAL)
    wanted: list[Outcome] = [
        tuple(row)
        for row in run.connection.sql(
            f'SELECT DISTINCT {names} FROM "{RESULT_TABLE}" ORDER BY {names}'
        ).fetchall()
    ]
    columns = [getattr(ResultOutcome, name) for name in CATEGORICAL]
    known: dict[Outcome, int] = {
        tuple(row[1:]): row[0]
        for row in connection.execute(select(ResultOutcome.id, *columns))
    }
    for outcome in wanted:
        if outcome not in known:
            known[outcome] = connection.execute(
                insert(ResultOutcome)
                .values(dict(zip(CATEGORICAL, outcome, strict=True)))
                .returning(ResultOutcome.id)
            ).scalar_one()
    rows = [(known[outcome], *outcome) for outcome in wanted]
    return pa.Table.from_pylist(
        [dict(zip(OUTCOME_SCHEMA.names, row, strict=True)) for row in rows],
        schema=OUTCOME_SCHEMA,
    )


@contextmanager
def outcomes_view(run: TieringRun, outcomes: pa.Table) -> Iterator[None]:
    """Expose ``outcomes`` (from `outcomes_for`) to `encoded_batches`."""
    run.connection.register(OUTCOMES_VIEW, outcomes)
    try:
        yield
    finally:
        run.connection.unregister(OUTCOMES_VIEW)


def encoded_batches(
    run: TieringRun, batch_rows: int, registry: tuple[str, str] | None = None
) -> Iterator[pa.RecordBatch]:
    """``run``'s results as `STORED_COLUMNS`, in account order.

    Reads the outcome ids from `outcomes_view`, which must be open. Rows go
    in account order, so the (run, account) key grows at its end.
    ``registry`` adds columns after those: what to select (the result table
    is ``r``) and the join that brings them.
    """
    same = " AND ".join(
        f'r."{name}" IS NOT DISTINCT FROM o."{name}"' for name in CATEGORICAL
    )
    scores = ", ".join(
        f'CAST(round(r."{field}" * 100) AS INTEGER) AS "{column}"'
        for field, column in HUNDREDTHS.items()
    )
    plain = ", ".join(f'r."{name}"' for name in PLAIN)
    extra, join = (f", {registry[0]}", registry[1]) if registry else ("", "")
    query = (
        f'SELECT r."account_id", o."outcome_id", {scores}, {plain}{extra} '
        f'FROM "{RESULT_TABLE}" r JOIN "{OUTCOMES_VIEW}" o ON {same} {join} '
        'ORDER BY r."account_id"'
    )
    yield from run.connection.sql(query).to_arrow_reader(batch_rows)


def stored_results(
    connection: Connection, run_id: int, account_ids: list[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Run ``run_id``'s results as the engine gave them, in account order.

    Each is a dict of `ENGINE_FIELDS`; ``account_ids`` limits them to those
    accounts.
    """
    result = RunResult.__table__.c
    outcome = ResultOutcome.__table__.c
    query = (
        select(
            result.account_id,
            *(outcome[name] for name in CATEGORICAL),
            *(result[column] for column in HUNDREDTHS.values()),
            *(result[name] for name in PLAIN),
        )
        .join_from(RunResult, ResultOutcome, outcome.id == result.outcome_id)
        .where(result.run_id == run_id)
        .order_by(result.account_id)
    )
    if account_ids is not None:
        query = query.where(result.account_id.in_(account_ids))
    scores = {1 + len(CATEGORICAL) + index for index in range(len(HUNDREDTHS))}
    for row in connection.execute(query):
        values = [
            from_hundredths(value) if index in scores else value
            for index, value in enumerate(row)
        ]
        yield dict(zip(ENGINE_FIELDS, values, strict=True))


def from_hundredths(value: int | None) -> float | None:
    """A stored score as the engine shows it: whole hundredths over 100.

    >>> from_hundredths(7125), from_hundredths(None)
    (71.25, None)
    """
    return None if value is None else value / 100
