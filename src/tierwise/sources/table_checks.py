"""Checks on a table's values, each run as queries in the table's database.

Before a table is scored where it sits, what the cell-by-cell reader would
refuse in a file is looked for in SQL, so the same accounts stop a run
from a table as they stop it from a file: numbers that are NaN or an
infinity, counts with a fraction or below zero, yes/no fields holding
something else than their words (text) or 0 and 1 (numbers), and account
ids that repeat. Each error names the column,
the first accounts and their values, and the fix, in the reader's words;
nothing is scored then. Rows without an id or a name are left out, as the
file reader leaves them out before reading their cells.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlglot import exp

from tierwise.errors import SourceError
from tierwise.model.fields import REQUIRED_FIELDS, FieldKind
from tierwise.sources.columns import BINARY_DATA
from tierwise.sources.columns import shown as shown_cell
from tierwise.sources.headers import Match
from tierwise.sources.numbers import (
    NEGATIVE,
    NOT_FINITE,
    NOT_FINITE_FIX,
    NOT_WHOLE,
    count_fix,
)
from tierwise.sources.values import NOT_YES_NO, NUMBER_NOT_YES_NO_FIX, not_yes_no


@dataclass(frozen=True)
class CompositeType:
    """A column type whose text is not its value (a list, JSON, bytes), by
    its name as the database gives it: no field is read from it.

    ``binary`` marks bytes (DuckDB's BLOB, PostgreSQL's bytea), which are
    refused in the cell reader's words for a Parquet file's bytes.
    """

    name: str
    binary: bool = False


# What a column's type holds, as far as reading a field is concerned; None:
# text or something tierwise reads as text.
ColumnKind = FieldKind | CompositeType | None

__all__ = [
    "MAX_LISTED",
    "ColumnKind",
    "CompositeType",
    "Rows",
    "Unreadable",
    "count_checks",
    "count_tests",
    "finite",
    "finite_check",
    "kept_rows",
    "refuse_repeats",
    "refuse_unreadable_columns",
    "refuse_unreadable_values",
    "stored_check",
    "written_name",
    "yes_no_check",
    "zero_date_check",
]

# Runs SQL text in the table's dialect and returns its rows.
Rows = Callable[[str], list[tuple[Any, ...]]]

# The accounts an error names at most.
MAX_LISTED = 20

# How a database reads a column of bytes as the UTF-8 text they hold, for
# the fix of a binary column: a cast writes them escaped (DuckDB) or in hex
# (PostgreSQL), which is the very text the column is refused for.
_BYTES_AS_TEXT = {
    "duckdb": "decode({column})",
    "postgres": "convert_from({column}, 'UTF8')",
}

# A SQLite value kept in a number or date column that SQL cannot read as
# one, by the field's kind ("number", "date"): the problem and the fix.
_NOT_STORED_AS = {
    "number": (
        "holds text where a number belongs",
        "store numbers in the column (SQLite keeps text in a number column as written)",
    ),
    "date": (
        "is not a date SQLite reads",
        "store dates as text YYYY-MM-DD, a time after it if any (SQLite's "
        "date() reads no other form)",
    ),
}


@dataclass(frozen=True)
class Unreadable:
    """Values of one column the readers refuse, and how to find them.

    ``test`` and ``value`` name columns of the checked select (the mapped
    fields, and the yes/no fields' values as written beside them).
    """

    field: str
    header: str
    problem: str  # the reader's words; a part after ", " follows the accounts
    test: exp.Expr  # true for a row that holds such a value
    value: str  # the column whose value an error shows
    fix: str


def kept_rows() -> exp.Expr:
    """True for a row with an account id and a name, as read: the rows the
    readers keep (the others are counted as left out)."""
    return exp.and_(
        *[
            exp.column(name, quoted=True).is_(exp.null()).not_()
            for name in REQUIRED_FIELDS
        ]
    )


def written_name(field: str) -> str:
    """The checked select's column holding the value ``field`` was read
    from: the number, or the text trimmed."""
    return f"{field} as written"


def count_checks(field: str, match: Match, dialect: str) -> list[Unreadable]:
    """A count with a fraction or below zero, as scored (after
    ``multiply``); the file reader refuses them too."""
    multiply = match.spec.multiply
    factor = Decimal(1) if multiply is None else multiply
    tests = count_tests(exp.column(field, quoted=True), dialect)
    return [
        Unreadable(
            field, match.header, problem, test, field, count_fix(problem, factor)
        )
        for problem, test in tests.items()
    ]


# The largest finite DOUBLE: NaN and the infinities compare above (or, for
# -Infinity, below) it in PostgreSQL and DuckDB; MySQL and MariaDB keep none.
_LARGEST = "1.7976931348623157e308"


def finite_check(field: str, match: Match, tested: str | None = None) -> Unreadable:
    """A number field holding NaN or an infinity (a DOUBLE in PostgreSQL or
    DuckDB may): SQL compares NaN above every number, so it would take a
    band's top points without a word. The file reader refuses both.
    ``tested`` names the column of the value as written, where the field
    is read from it through ``multiply`` (which reads NaN as unknown)."""
    number = exp.column(tested or field, quoted=True)
    fix = NOT_FINITE_FIX.format(blank="set it to NULL")
    test = exp.not_(finite(number))
    return Unreadable(field, match.header, NOT_FINITE, test, tested or field, fix)


def finite(number: exp.Expr) -> exp.Expr:
    """True for a number that is neither NaN nor an infinity."""
    largest = exp.Literal.number(_LARGEST)
    return exp.and_(
        exp.LTE(this=number.copy(), expression=largest.copy()),
        exp.GTE(this=number.copy(), expression=exp.Neg(this=largest)),
    )


ZERO_DATE = "is a date with a zero month or day (such as 0000-00-00), which is no day"


def zero_date_check(field: str, match: Match) -> Unreadable:
    """A MySQL or MariaDB date with a zero month or day, which their lenient
    modes keep: SQL counts no days from it, so it scored as unknown without
    a word. The file reader refuses such a date."""
    date = exp.column(field, quoted=True)
    test = exp.or_(
        *[
            exp.EQ(this=exp.func(part, date.copy()), expression=exp.Literal.number(0))
            for part in ("MONTH", "DAYOFMONTH")
        ]
    )
    fix = "store the date, or NULL where it is unknown"
    return Unreadable(field, match.header, ZERO_DATE, test, field, fix)


def yes_no_check(field: str, match: Match, number: bool) -> Unreadable:
    """A yes/no field read as unknown from a value that is not blank: text
    that is none of the column's words, or a number other than 0 and 1
    (``number``). The fix is the cell reader's for such a cell."""
    fix = (
        NUMBER_NOT_YES_NO_FIX if number else not_yes_no(*match.spec.yes_no_words()).fix
    )
    return Unreadable(
        field, match.header, NOT_YES_NO, _unread(field), written_name(field), fix
    )


def stored_check(field: str, match: Match, kind: str) -> Unreadable:
    """A SQLite number or date field read as unknown from a value that is
    not blank: text in a number column, or a value SQLite's date() does not
    read as a date (a number, ``yesterday``)."""
    problem, fix = _NOT_STORED_AS[kind]
    fix += ", or export the table to a file and run `tierwise tier FILE`"
    return Unreadable(
        field, match.header, problem, _unread(field), written_name(field), fix
    )


def _unread(field: str) -> exp.Expr:
    """True for a row whose field is unknown though its value is written."""
    return exp.and_(
        exp.column(field, quoted=True).is_(exp.null()),
        exp.column(written_name(field), quoted=True).is_(exp.null()).not_(),
    )


def refuse_unreadable_values(
    shown: str,
    dialect: str,
    checked: exp.Select,
    identity: exp.Expr,
    checks: Sequence[Unreadable],
    rows: Rows,
) -> None:
    """Refuse the table when a row with an id and a name holds a value of
    ``checks``, naming each column with the first accounts that hold one.

    One query looks for any; only then is each check listed.
    """
    if not checks:
        return
    inside = checked.subquery("checked")
    wrong = exp.or_(*[check.test.copy() for check in checks])
    anywhere = exp.and_(identity.copy(), wrong)
    probe = exp.select(exp.Literal.number(1)).from_(inside.copy()).where(anywhere)
    if not rows(probe.limit(1).sql(dialect=dialect)):
        return

    account = exp.column("account_id", quoted=True)
    problems: list[str] = []
    fixes: list[str] = []
    for check in checks:
        query = (
            exp.select(account.copy(), exp.column(check.value, quoted=True))
            .from_(inside.copy())
            .where(exp.and_(identity.copy(), check.test.copy()))
            .order_by(account.copy())
            .limit(MAX_LISTED + 1)
        )
        found = rows(query.sql(dialect=dialect))
        if found:
            problems.append(_problem(check, found))
            fixes.append(check.fix)
    raise SourceError(
        f"{shown}: {'; '.join(problems)}. Fix: {'; '.join(dict.fromkeys(fixes))}; "
        "nothing was scored"
    )


def _problem(check: Unreadable, found: list[tuple[Any, ...]]) -> str:
    """The reader's words with the accounts between their halves: "is below
    zero for account(s) 'a1' (-40), and a count cannot be"."""
    listed = ", ".join(
        f"{account!r} ({_shown(value)})" for account, value in found[:MAX_LISTED]
    )
    more = ", …" if len(found) > MAX_LISTED else ""
    what, _, why = check.problem.partition(", ")
    after = f", {why}" if why else ""
    return (
        f"{check.header!r} ({check.field}) {what} for account(s) {listed}{more}{after}"
    )


def _shown(value: Any) -> str:
    """A value as an error shows it: numbers short (-3, 2.5), text quoted."""
    if isinstance(value, float | Decimal):
        return f"{value:g}"
    return shown_cell(value)


def count_tests(number: exp.Expr, dialect: str) -> dict[str, exp.Expr]:
    """Conditions that ``number`` is no count, by the reader's problem; a
    fraction is named before a sign, as the reader names it.

    SQLite has FLOOR only in builds with its math functions; its ROUND is
    always there, and a number differs from either when it has a fraction.
    """
    whole = exp.Round if dialect == "sqlite" else exp.Floor
    fraction = exp.NEQ(this=number.copy(), expression=whole(this=number.copy()))
    # -Infinity is below zero too, but :func:`finite_check` names it.
    below = exp.and_(
        exp.LT(this=number.copy(), expression=exp.Literal.number(0)), finite(number)
    )
    return {
        NOT_WHOLE: fraction,
        NEGATIVE: exp.and_(below, exp.not_(fraction.copy())),
    }


def refuse_repeats(shown: str, dialect: str, accounts: exp.Select, rows: Rows) -> None:
    """Refuse account ids held by more than one of the ``accounts`` (the
    rows kept), naming the first few; two rows of one account could get
    two tiers."""
    account = exp.column("account_id", quoted=True)
    query = (
        exp.select(account, exp.Count(this=exp.Star()))
        .from_(accounts.subquery("accounts"))
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


def refuse_unreadable_columns(
    shown: str,
    dialect: str,
    matches: Mapping[str, Match],
    names: list[str],
    columns: Mapping[str, ColumnKind],
    fields: Mapping[str, FieldKind],
    currency: Match | None = None,
) -> None:
    """Refuse every column whose reading needs the cell-by-cell reader, and
    every column of bytes (``dialect`` says how to read them as text).

    ``currency`` is the column of each row's currency, which converts the
    row's amounts: SQL does not, and taking them as the model's currency
    would give wrong numbers without a word.
    """
    problems: list[str] = []
    binary: dict[str, str] = {}  # field: header
    untyped: dict[tuple[str, str], list[str]] = {}
    if currency is not None and any(
        fields[field] == FieldKind.NUMBER for field in matches
    ):
        problems.append(
            f"{currency.header!r} (currency) gives each row's currency, by which "
            "only the file reader converts amounts"
        )
    for field, match in matches.items():
        spec = match.spec
        kind = fields[field]
        held = columns[names[match.index]]
        needs = [
            key
            for key, value in (
                ("date_format", spec.date_format),
                ("decimal", spec.decimal),
                ("range_rule", spec.range_rule),
                ("missing_values", spec.missing_values),
                ("currency", spec.currency),
            )
            if value
        ]
        if kind != FieldKind.TEXT and spec.values:
            needs.append("values")
        if isinstance(held, CompositeType) and held.binary:
            # Read as text, bytes came out escaped or in hex, and an id or
            # a category matched nothing without a word.
            problems.append(f"{match.header!r} ({field}) holds {BINARY_DATA}")
            binary[field] = match.header
        elif isinstance(held, CompositeType):
            # Read as text, a list or JSON kept its brackets and quotes, and
            # matched no category without a word.
            problems.append(
                f"{match.header!r} ({field}) is of type {held.name}, which no field "
                "is read from (a list or JSON is not its value written as text; "
                "a view can take the value out)"
            )
        elif needs:
            problems.append(
                f"{match.header!r} ({field}) asks for {', '.join(needs)}, which "
                "only the file reader does"
            )
        elif kind in (FieldKind.NUMBER, FieldKind.DATE) and held != kind:
            # Gathered: an untyped table (a CSV loaded as it is) has a dozen.
            untyped.setdefault((_held(held), kind.value), []).append(
                match.header if match.header == field else f"{match.header} ({field})"
            )
        elif kind == FieldKind.BOOLEAN and held == FieldKind.DATE:
            problems.append(
                f"{match.header!r} ({field}) holds {_held(held)}, not true/false"
            )
    count = len(problems) + sum(map(len, untyped.values()))
    problems += [
        f"{len(labels)} hold {held} where the model needs {needed}s (SQL would "
        f"have to guess how to read them): {', '.join(labels)}"
        for (held, needed), labels in untyped.items()
    ]
    if not problems:
        return
    fixes = [_bytes_fix(binary, dialect)] if binary else []
    if len(binary) < count:
        fixes.append(
            "give the table typed columns (numbers as a numeric type, dates as "
            "DATE; in SQLite, a new table declared so and filled by INSERT ... "
            "SELECT converts them) or a view that casts them, or export it to a "
            "file and run `tierwise tier FILE`"
        )
    fix = "; ".join(fixes)
    raise SourceError(
        f"{shown}: {count} column(s) cannot be read in the database: "
        + "; ".join(problems)
        + f". {fix[0].upper()}{fix[1:]}; nothing was scored"
    )


def _bytes_fix(headers: Mapping[str, str], dialect: str) -> str:
    """How to read columns of bytes as text (``headers`` by field), or do
    without them."""
    read = _BYTES_AS_TEXT[dialect]
    reads = ", ".join(
        read.format(column=exp.column(header, quoted=True).sql(dialect=dialect))
        for header in headers.values()
    )
    fields = ", ".join(headers)
    if len(headers) == 1:
        (header,) = headers.values()
        return (
            f"read {header!r} as text in a view ({reads} gives the text its "
            f"bytes hold in UTF-8) and name the view in --source, or map "
            f"another column to {fields}"
        )
    return (
        f"read those columns as text in a view ({reads} give the text their "
        f"bytes hold in UTF-8) and name the view in --source, or map other "
        f"columns to {fields}"
    )


def _held(kind: ColumnKind) -> str:
    if isinstance(kind, CompositeType):
        return kind.name
    return "text" if kind is None else f"{kind.value}s"
