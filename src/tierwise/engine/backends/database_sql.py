"""The compiled query as text a database runs, each step computed once.

The query reads the mapped table as its first step (:data:`SOURCE_STEP`).
Later steps read the columns of earlier ones many times over, and an engine
that substitutes each use with the expression behind it evaluates the
scoring expressions dozens of times per account. How a database is told to
compute a step once depends on what its SQL can say:

- PostgreSQL computes a step read once inside the step reading it, row by
  row, when the step ends in ``OFFSET 0``, which keeps it from being merged
  into its reader; a step read more than once is marked ``AS MATERIALIZED``
  and stored once. Merged, 100,000 accounts took four minutes; with every
  scoring step stored, a million took 33 s inside PostgreSQL, each step
  writing its wide rows out; row by row, 16 s.
- MySQL and MariaDB have no such mark: they merge every step into the ones
  reading it, and compute a step again for each query that reads it. A
  30,000-account MariaDB table took 34 s as one query, 11 s of it to score.
  On MariaDB 10.10 and later (:data:`~tierwise.sources.dialects.MARIADB`)
  the query therefore runs as stages (see
  :mod:`tierwise.engine.backends.stages`), each kept step stored once in a
  temporary table of the run's connection, which the server drops when the
  connection closes: the same table took 4.4 s. MySQL refuses a query that
  reads one temporary table twice, so MySQL and older MariaDB still run
  the one query, and a large table there is slow (about a millisecond per
  account). Staging needs the CREATE TEMPORARY TABLES privilege; a user
  without it gets the one query, and a warning.
- The others (SQLite, DuckDB) keep a step read more than once themselves.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from typing import Any

from sqlglot import exp

from tierwise.engine.backends.stages import kept_steps, read_tables, stages
from tierwise.engine.compile import CompiledModel
from tierwise.engine.sql import ident
from tierwise.sources.dialects import MARIADB

__all__ = [
    "SCORING_STEPS",
    "SOURCE_STEP",
    "database_query",
    "marked_once",
    "reading",
]

log = logging.getLogger(__name__)

# The first step of the query in a database: the table read as accounts.
SOURCE_STEP = "tierwise_accounts"
# Steps whose columns later steps read many times over.
SCORING_STEPS = ("source", "points", "weighed", "scored", "gated")
# Dialects whose steps are stored in temporary tables, and their prefix.
STAGED_DIALECTS = frozenset({MARIADB})
STAGE_PREFIX = "tierwise_stage_"
# MySQL's errors for a user without the CREATE TEMPORARY TABLES privilege:
# access denied to the database, or to the command.
_NO_TEMPORARY_TABLES = (1044, 1142)
# Marks, in a connection's info, a user found unable to create them; a
# run asks for several queries (the results, every account's explanation)
# and the user hears of it once.
_READ_ONLY_USER = "tierwise_no_temporary_tables"


def reading(query: exp.Query, accounts: exp.Select) -> exp.Query:
    """``query`` with the mapped table as its first step."""
    step = exp.CTE(this=accounts.copy(), alias=exp.TableAlias(this=ident(SOURCE_STEP)))
    query = query.copy()
    existing = query.args.get("with_")
    if existing is None:
        query.set("with_", exp.With(expressions=[step]))
    else:
        existing.set("expressions", [step, *existing.expressions])
    return query


def marked_once(query: exp.Query, dialect: str) -> exp.Query:
    """``query`` with the scoring steps computed once, where SQL can say so."""
    if dialect != "postgres":
        return query
    reads = Counter(node.name for node in read_tables(query))
    for step in query.find_all(exp.CTE):
        if step.alias not in SCORING_STEPS:
            continue
        if reads[step.alias] == 1:
            step.this.set("offset", exp.Offset(expression=exp.Literal.number(0)))
            step.set("materialized", False)
        else:
            step.set("materialized", True)
    return query


def database_query(
    database: Any,
    compiled: CompiledModel,
    query: exp.Query,
    accounts: exp.Select,
    dialect: str,
) -> str:
    """The text of ``query`` (over ``compiled``'s steps) to run in ``database``.

    ``query`` is the compiled query or one that reads its steps (an explain
    query). In a dialect of :data:`STAGED_DIALECTS`, the steps it reads are
    first stored in temporary tables on ``database``, and the text reads
    them; elsewhere it is the whole query with its steps.
    """
    if dialect not in STAGED_DIALECTS or database.info.get(_READ_ONLY_USER):
        return _whole(compiled, query, accounts, dialect)
    from sqlalchemy.exc import DBAPIError

    try:
        return _staged(database, compiled, query, accounts, dialect)
    except DBAPIError as error:
        if getattr(error.orig, "args", (None,))[0] not in _NO_TEMPORARY_TABLES:
            raise
        # A user who may only read: the one query, slower but the same.
        database.info[_READ_ONLY_USER] = True
        log.warning(
            "this database user may not create temporary tables, so the query "
            "runs as one, about a millisecond per account; GRANT CREATE "
            "TEMPORARY TABLES on the table's database makes it several times faster"
        )
        return _whole(compiled, query, accounts, dialect)


def _whole(
    compiled: CompiledModel, query: exp.Query, accounts: exp.Select, dialect: str
) -> str:
    """``query`` as one text with its steps, reading the mapped table."""
    return _text(compiled, marked_once(reading(query, accounts), dialect), dialect)


def _staged(
    database: Any,
    compiled: CompiledModel,
    query: exp.Query,
    accounts: exp.Select,
    dialect: str,
) -> str:
    """Store the steps ``query`` reads in temporary tables; the text of the
    final stage, which reads them."""
    wanted = dataclasses.replace(compiled, query=query)
    read = _steps_read(query, compiled)
    kept = [step for step in (*SCORING_STEPS, *kept_steps(compiled)) if step in read]
    final = ""
    for stage in stages(wanted, kept, _stage_table):
        if any(node.name == SOURCE_STEP for node in read_tables(stage.query)):
            stage = dataclasses.replace(stage, query=reading(stage.query, accounts))
        text = _text(compiled, stage.query, dialect)
        if stage.name is None:
            final = text
            continue
        table = ident(_stage_table(stage.name)).sql(dialect=dialect)
        log.debug("storing step %s in %s", stage.name, table)
        database.exec_driver_sql(f"DROP TEMPORARY TABLE IF EXISTS {table}")
        database.exec_driver_sql(f"CREATE TEMPORARY TABLE {table} AS {text}")
    return final


def _text(compiled: CompiledModel, query: exp.Query, dialect: str) -> str:
    """``query`` as text in ``dialect``, without hints it cannot read."""
    return dataclasses.replace(compiled, query=query).sql(dialect=dialect)


def _stage_table(step: str) -> str:
    return f"{STAGE_PREFIX}{step}"


def _steps_read(query: exp.Query, compiled: CompiledModel) -> set[str]:
    """The steps of ``compiled`` that ``query`` reads, directly or not."""
    top = query.copy()
    top.set("with_", None)
    read: set[str] = set()
    queue: list[exp.Expr] = [top]
    while queue:
        for node in read_tables(queue.pop()):
            body = compiled.steps.get(node.name)
            if body is not None and node.name not in read:
                read.add(node.name)
                queue.append(body)
    return read
