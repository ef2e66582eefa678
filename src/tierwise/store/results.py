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

A result row has four dimension columns. A model with more dimensions
keeps the scores past the fourth in a narrow table, a row each
(`RunDimensionScore`), so the rows of the common run, of four dimensions
or fewer, stay as small as they were.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
from sqlalchemy import ColumnElement, Connection, FromClause, and_, insert, select
from sqlalchemy.sql.selectable import NamedFromClause

from tierwise.engine import TieringRun
from tierwise.engine.run import RESULT_TABLE
from tierwise.model import parse_model
from tierwise.store.tables import (
    ModelVersion,
    ResultOutcome,
    Run,
    RunDimensionScore,
    RunResult,
)

__all__ = [
    "CATEGORICAL",
    "DIMENSION_COLUMNS",
    "ENGINE_FIELDS",
    "HUNDREDTHS",
    "SCORE_COLUMNS",
    "STORED_COLUMNS",
    "account_rows",
    "dimension_scores",
    "encoded_batches",
    "extra_columns",
    "extra_score_batches",
    "from_hundredths",
    "outcomes_for",
    "outcomes_view",
    "run_dimensions",
    "score_columns",
    "stored_results",
]

log = logging.getLogger(__name__)

# The engine's categorical result fields, kept once per combination.
CATEGORICAL = ("tier", "computed_tier", "reason", "capped_from", "potential_estimated")
# The store's four dimension columns. A run's dimensions fill them in its
# model's order; they are named after the bundled model's, whose fit,
# strategic, engagement and accessibility they hold. A model with fewer
# leaves the rest empty; one with more keeps the rest in RunDimensionScore.
DIMENSION_COLUMNS = (
    "fit_centi",
    "strategic_centi",
    "engagement_centi",
    "accessibility_centi",
)
# The columns holding scores in whole hundredths, in stored order.
SCORE_COLUMNS = ("total_centi", *DIMENSION_COLUMNS, "completeness_centi")
BUILTIN_DIMENSIONS = ("fit", "strategic", "engagement", "accessibility")


def score_columns(dimension_keys: Sequence[str]) -> dict[str, str]:
    """Each engine score of a model with ``dimension_keys`` (``total``,
    ``<key>_score``, ``completeness``) and the column holding it.

    A dimension past the fourth is held by `extra_columns`' column, which a
    batch carries and `RunDimensionScore` keeps a row of.

    >>> score_columns(["icp", "intent"])["intent_score"]
    'strategic_centi'
    >>> score_columns(["a", "b", "c", "d", "e"])["e_score"]
    'dimension_5_centi'
    """
    columns = [*DIMENSION_COLUMNS, *extra_columns(len(dimension_keys)).values()]
    dimensions = zip(dimension_keys, columns, strict=False)
    return {
        "total": "total_centi",
        **{f"{key}_score": column for key, column in dimensions},
        "completeness": "completeness_centi",
    }


def extra_columns(dimensions: int) -> dict[int, str]:
    """The dimensions past the fourth of a model of ``dimensions``: each
    one's place in the model (5 for the fifth) and the column a batch from
    `encoded_batches` carries its score in.

    >>> extra_columns(6), extra_columns(3)
    ({5: 'dimension_5_centi', 6: 'dimension_6_centi'}, {})
    """
    first = len(DIMENSION_COLUMNS) + 1
    return {place: f"dimension_{place}_centi" for place in range(first, dimensions + 1)}


# The bundled model's scores and their columns.
HUNDREDTHS = score_columns(BUILTIN_DIMENSIONS)
# Stored as they come from the engine.
PLAIN = ("rank", "cap_rank", "potential")
# The columns a batch from `encoded_batches` holds, in order (the run id is
# the same for every row and is added by the bulk insert).
STORED_COLUMNS = ("account_id", "outcome_id", *SCORE_COLUMNS, *PLAIN)
# The fields `stored_results` gives back for a run of the bundled model, as
# the engine named them.
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
    run: TieringRun,
    batch_rows: int,
    registry: tuple[str, str] | None = None,
    ordered: bool = True,
    extra: bool = False,
) -> Iterator[pa.RecordBatch]:
    """``run``'s results as `STORED_COLUMNS`, in account order.

    Reads the outcome ids from `outcomes_view`, which must be open. Rows go
    in account order, so the (run, account) key grows at its end. With
    ``extra`` the scores of the model's dimensions past the fourth follow,
    in `extra_columns`; ``registry`` adds columns after those: what to
    select (the result table is ``r``) and the join that brings them.
    """
    same = " AND ".join(
        f'r."{name}" IS NOT DISTINCT FROM o."{name}"' for name in CATEGORICAL
    )
    keys = [dim.key for dim in run.compiled.model.dimensions]
    field_of = {column: field for field, column in score_columns(keys).items()}

    def score(column: str) -> str:
        if column not in field_of:
            return f'CAST(NULL AS INTEGER) AS "{column}"'
        return f'{_hundredths("r." + _quoted(field_of[column]))} AS "{column}"'

    selected = [
        'r."account_id"',
        'o."outcome_id"',
        *(score(column) for column in SCORE_COLUMNS),
        *(f'r."{name}"' for name in PLAIN),
    ]
    if extra:
        selected += (score(column) for column in extra_columns(len(keys)).values())
    join = ""
    if registry:
        selected.append(registry[0])
        join = registry[1]
    query = (
        f'SELECT {", ".join(selected)} FROM "{RESULT_TABLE}" r '
        f'JOIN "{OUTCOMES_VIEW}" o ON {same} {join}'
        + (' ORDER BY r."account_id"' if ordered else "")
    )
    yield from run.connection.sql(query).to_arrow_reader(batch_rows)


def extra_score_batches(
    run: TieringRun, run_id: int, batch_rows: int
) -> Iterator[pa.RecordBatch]:
    """The scores of ``run``'s dimensions past the fourth as rows of
    `RunDimensionScore` for run ``run_id``, in its key's order.

    An unknown score gives no row. Yields nothing for a model of four
    dimensions or fewer.
    """
    keys = [dim.key for dim in run.compiled.model.dimensions]
    selects = []
    for place in extra_columns(len(keys)):
        score = _quoted(f"{keys[place - 1]}_score")
        selects.append(
            f'SELECT {int(run_id)} AS "run_id", "account_id", {place} AS '
            f'"dimension", {_hundredths(score)} AS "score_centi" '
            f'FROM "{RESULT_TABLE}" WHERE {score} IS NOT NULL'
        )
    if not selects:
        return
    query = " UNION ALL ".join(selects) + ' ORDER BY "account_id", "dimension"'
    yield from run.connection.sql(query).to_arrow_reader(batch_rows)


def dimension_scores(
    source: FromClause, results: NamedFromClause, run_id: int, dimensions: int
) -> tuple[FromClause, list[ColumnElement[int | None]]]:
    """The first ``dimensions`` scores of run ``run_id``'s rows in ``results``
    (an alias of `RunResult`'s table), in the model's order.

    Returns ``source`` outer-joined to what holds the scores past the fourth,
    one join each, and the score columns to select from it.
    """
    columns: list[ColumnElement[int | None]] = [
        results.c[name] for name in DIMENSION_COLUMNS[:dimensions]
    ]
    for place in extra_columns(dimensions):
        kept = RunDimensionScore.__table__.alias(f"{results.name}_dimension_{place}")
        source = source.outerjoin(
            kept,
            and_(
                kept.c.run_id == run_id,
                kept.c.account_id == results.c.account_id,
                kept.c.dimension == place,
            ),
        )
        columns.append(kept.c.score_centi)
    return source, columns


def account_rows(run: TieringRun, registry: tuple[str, str]) -> pa.Table:
    """Each account's id, name and domain in ``run``, in no particular order.

    ``registry`` is what `encoded_batches` takes: the name and domain
    selected (the result table is ``r``) and the join that brings them.
    """
    query = (
        f'SELECT r."account_id", {registry[0]} FROM "{RESULT_TABLE}" r {registry[1]}'
    )
    return run.connection.sql(query).to_arrow_table()


def stored_results(
    connection: Connection, run_id: int, account_ids: list[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Run ``run_id``'s results as the engine gave them, in account order.

    Each is a dict of the engine's fields (`ENGINE_FIELDS` for the bundled
    model; a model's own dimensions by their keys); ``account_ids`` limits
    them to those accounts.
    """
    keys = run_dimensions(connection, run_id)
    held = score_columns(keys)
    fields = ("account_id", *CATEGORICAL, *held, *PLAIN)
    results = RunResult.__table__.alias("results")
    outcomes = ResultOutcome.__table__.alias("outcomes")
    source, dimensions = dimension_scores(
        results.join(outcomes, outcomes.c.id == results.c.outcome_id),
        results,
        run_id,
        len(keys),
    )
    query = (
        select(
            results.c.account_id,
            *(outcomes.c[name] for name in CATEGORICAL),
            results.c.total_centi,
            *dimensions,
            results.c.completeness_centi,
            *(results.c[name] for name in PLAIN),
        )
        .select_from(source)
        .where(results.c.run_id == run_id)
        .order_by(results.c.account_id)
    )
    if account_ids is not None:
        query = query.where(results.c.account_id.in_(account_ids))
    scores = {1 + len(CATEGORICAL) + index for index in range(len(held))}
    for row in connection.execute(query):
        values = [
            from_hundredths(value) if index in scores else value
            for index, value in enumerate(row)
        ]
        yield dict(zip(fields, values, strict=True))


def run_dimensions(connection: Connection, run_id: int) -> list[str]:
    """The keys of the dimensions whose scores run ``run_id`` kept, in its
    model's order: every one, or the first four for a run recorded before
    the store kept more (revision 0007)."""
    text, kept = connection.execute(
        select(ModelVersion.yaml_text, Run.dimensions_kept)
        .join_from(Run, ModelVersion, Run.model_version_id == ModelVersion.id)
        .where(Run.id == run_id)
    ).one()
    keys = [dim.key for dim in parse_model(text).dimensions]
    return keys[: len(DIMENSION_COLUMNS) if kept is None else kept]


def from_hundredths(value: int | None) -> float | None:
    """A stored score as the engine shows it: whole hundredths over 100.

    >>> from_hundredths(7125), from_hundredths(None)
    (71.25, None)
    """
    return None if value is None else value / 100


def _hundredths(score: str) -> str:
    """DuckDB SQL for a shown score (``score``, an expression) in whole
    hundredths."""
    return f"CAST(round({score} * 100) AS INTEGER)"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
