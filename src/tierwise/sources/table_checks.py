"""Checks on a table's values, each run as queries in the table's database.

Before a table is scored where it sits, what the cell-by-cell reader would
refuse in a file is looked for in SQL, so the same accounts stop a run
from a table as they stop it from a file: counts with a fraction or below
zero, and account ids that repeat. Each error names the column, the first
accounts and their values, and the fix; nothing is scored then.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from sqlglot import exp

from tierwise.errors import SourceError
from tierwise.sources.headers import Match
from tierwise.sources.number_column import COUNT_FIELDS
from tierwise.sources.numbers import NEGATIVE, NOT_WHOLE, count_fix

__all__ = ["MAX_LISTED", "Rows", "count_tests", "refuse_non_counts", "refuse_repeats"]

# Runs SQL text in the table's dialect and returns its rows.
Rows = Callable[[str], list[tuple[Any, ...]]]

# The accounts an error names at most.
MAX_LISTED = 20


def refuse_non_counts(
    shown: str,
    dialect: str,
    typed: exp.Select,
    identity: exp.Expr,
    matches: Mapping[str, Match],
    rows: Rows,
) -> None:
    """Refuse counts with a fraction or below zero (as scored, after
    ``multiply``), naming the column and the first accounts that hold one;
    the file reader refuses them too, in its words. One query looks for
    any; only then is each column listed."""
    counts = [name for name in matches if name in COUNT_FIELDS]
    if not counts:
        return
    tests = {
        name: count_tests(exp.column(name, quoted=True), dialect) for name in counts
    }
    inside = typed.subquery("typed")
    wrong = [test.copy() for kinds in tests.values() for test in kinds.values()]
    anywhere = exp.and_(identity.copy(), exp.or_(*wrong))
    probe = exp.select(exp.Literal.number(1)).from_(inside.copy()).where(anywhere)
    if not rows(probe.limit(1).sql(dialect=dialect)):
        return

    account = exp.column("account_id", quoted=True)
    problems: list[str] = []
    fixes: list[str] = []
    for name, kinds in tests.items():
        multiply = matches[name].spec.multiply
        for problem, test in kinds.items():
            query = (
                exp.select(account.copy(), exp.column(name, quoted=True))
                .from_(inside.copy())
                .where(exp.and_(identity.copy(), test.copy()))
                .order_by(account.copy())
                .limit(MAX_LISTED + 1)
            )
            found = rows(query.sql(dialect=dialect))
            if not found:
                continue
            listed = ", ".join(
                f"{account!r} ({value:g})" for account, value in found[:MAX_LISTED]
            )
            more = ", …" if len(found) > MAX_LISTED else ""
            # The reader's words with the accounts between their halves:
            # "is below zero for account(s) 'a1' (-40), and a count cannot be".
            what, why = problem.split(", ", 1)
            problems.append(
                f"{matches[name].header!r} ({name}) {what} for account(s) "
                f"{listed}{more}, {why}"
            )
            factor = Decimal(1) if multiply is None else multiply
            fixes.append(count_fix(problem, factor))
    raise SourceError(
        f"{shown}: {'; '.join(problems)}. Fix: {'; '.join(dict.fromkeys(fixes))}; "
        "nothing was scored"
    )


def count_tests(number: exp.Expr, dialect: str) -> dict[str, exp.Expr]:
    """Conditions that ``number`` is no count, by the reader's problem; a
    fraction is named before a sign, as the reader names it.

    SQLite has FLOOR only in builds with its math functions; its ROUND is
    always there, and a number differs from either when it has a fraction.
    """
    whole = exp.Round if dialect == "sqlite" else exp.Floor
    fraction = exp.NEQ(this=number.copy(), expression=whole(this=number.copy()))
    below = exp.LT(this=number.copy(), expression=exp.Literal.number(0))
    return {
        NOT_WHOLE: fraction,
        NEGATIVE: exp.and_(below, exp.not_(fraction.copy())),
    }


def refuse_repeats(
    shown: str, dialect: str, typed: exp.Select, identity: exp.Expr, rows: Rows
) -> None:
    """Refuse account ids held by more than one row, naming the first few;
    two rows of one account could get two tiers."""
    account = exp.column("account_id", quoted=True)
    query = (
        exp.select(account, exp.Count(this=exp.Star()))
        .from_(typed.subquery("typed"))
        .where(identity.copy())
        .group_by(account.copy())
        .having(
            exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1))
        )
        .order_by(account.copy())
        .limit(MAX_LISTED)
    )
    repeated = rows(query.sql(dialect=dialect))
    if not repeated:
        return
    listed = "; ".join(f"{account!r} ({count} rows)" for account, count in repeated)
    raise SourceError(
        f"{shown}: account ids repeat, so tiers could not be told apart: {listed}. "
        "Give each account one row (or map a unique column to account_id); "
        "nothing was scored"
    )
