"""Accounts read from a table in a database, in that database's own SQL.

``--source URL::TABLE`` names the table: a DuckDB file
(``duckdb:///crm.duckdb::accounts``, ``duckdb:////data/crm.duckdb::crm.accounts``
for an absolute path) or any database SQLAlchemy reaches
(``postgresql://127.0.0.1:5432/test::crm.accounts``). The table's columns are
matched to fields by the same mapping and presets as a file's headers, and a
select renames, types and trims them in SQL, so the accounts are scored
where they sit rather than copied out.

Salesforce ids are keyed as a file's (:mod:`.table_salesforce`). What the
cell reader does and SQL cannot, is not done, and said: websites are kept
as written (trimmed, lower-cased), not cut to registrable domains. A column
that needs real parsing (a number or a date stored as text, a date format,
decimal commas, ranges, currencies) is refused with the column named, so
nothing is scored on a guess; so is a column of bytes in DuckDB (BLOB)
or PostgreSQL (bytea), which read as text come out escaped or in hex. So
is a count (employees, visits, units) with a fraction or below zero, and
a yes/no field holding other than the cell reader's yes/no words (text)
or 1 and 0 (a number column, as SQLite and MySQL keep booleans), as the
file reader refuses them, naming the first accounts that hold one; so is,
in SQLite, whose columns keep any value, text in a number column or a
date its date() cannot read.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from tierwise.errors import SourceError
from tierwise.model.fields import FieldKind
from tierwise.sources.dialects import MARIADB, MYSQL, shown_dialect
from tierwise.sources.headers import IN_TABLE, Match, match_columns, match_optional
from tierwise.sources.mapping import ColumnMapping
from tierwise.sources.number_column import COUNT_FIELDS
from tierwise.sources.report import ImportReport
from tierwise.sources.table_checks import (
    ColumnKind,
    Rows,
    Unreadable,
    count_checks,
    finite,
    finite_check,
    kept_rows,
    refuse_repeats,
    refuse_unreadable_columns,
    refuse_unreadable_values,
    stored_check,
    written_name,
    yes_no_check,
    zero_date_check,
)
from tierwise.sources.table_salesforce import salesforce_ids
from tierwise.sources.urls import (
    ENCODE_AT,
    HIDDEN_PASSWORD,
    hidden_password,
    sqlalchemy_scheme,
    unclear_password,
)
from tierwise.sources.values import TRIMMED_CHARACTERS, sql_lower

__all__ = [
    "DIALECTS",
    "HIDDEN_PASSWORD",
    "TableSource",
    "hidden_password",
    "mapped_accounts",
    "parse_source",
    "parse_table",
]

log = logging.getLogger(__name__)

# SQLAlchemy's name of a database (the URL's scheme before any "+driver")
# and the sqlglot dialect its SQL is written in.
DIALECTS = {
    "duckdb": "duckdb",
    "postgresql": "postgres",
    "sqlite": "sqlite",
    "mysql": MYSQL,
    "mariadb": MYSQL,
    "mssql": "tsql",
    "oracle": "oracle",
    "snowflake": "snowflake",
    "bigquery": "bigquery",
    "redshift": "redshift",
    "trino": "trino",
    "databricks": "databricks",
    "clickhouse": "clickhouse",
}

# Databases that read a name written without double quotes in lower case
# (and whose SQLAlchemy dialect takes a mixed-case name as quoted).
FOLDS_TO_LOWER = frozenset({"postgres", "redshift"})

# Databases whose BOOLEAN is a number, which may hold more than 0 and 1.
_NUMBERED_BOOLEANS = frozenset({"sqlite", MYSQL, MARIADB})
# SQLite's storage classes a number or a date field is read from, and the
# form of a date's text: YYYY-MM-DD, any time after it.
_STORED_TYPES = {FieldKind.NUMBER: ("integer", "real"), FieldKind.DATE: ("text",)}
_ISO = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*"

SEPARATOR = "::"
EXAMPLES = (
    "duckdb:///crm.duckdb::accounts, postgresql://127.0.0.1:5432/test::crm.accounts"
)


@dataclass(frozen=True)
class TableSource:
    """A table named by ``--source URL::TABLE``."""

    url: str
    table: exp.Table
    dialect: str
    path: Path | None = None

    def shown(self) -> str:
        """The source as people read it, without a password."""
        url = self.url if self.path is not None else hidden_password(self.url)
        table = self.table.copy()
        if self.path is not None:
            table.set("catalog", None)  # where tierwise attached the file
        return f"{url}{SEPARATOR}{table.sql(dialect=self.dialect)}"

    def database_file(self) -> Path | None:
        """The absolute path of a DuckDB or SQLite file, else None.

        >>> parse_source("sqlite:////data/crm.sqlite::accounts").database_file()
        PosixPath('/data/crm.sqlite')
        """
        if self.path is not None:
            return self.path.resolve()
        if self.dialect != "sqlite":
            return None
        from sqlalchemy.engine import make_url

        name = make_url(self.url).database
        if not name or name == ":memory:" or name.startswith("file:"):
            return None
        return Path(name).resolve()

    def with_file(self, path: Path) -> TableSource:
        """The same table in the DuckDB or SQLite file at ``path``."""
        if self.path is not None:
            return replace(self, url=f"duckdb:///{path}", path=path)
        from sqlalchemy.engine import make_url

        url = make_url(self.url).set(database=str(path))
        return replace(self, url=url.render_as_string(hide_password=False))


def parse_source(text: str) -> TableSource:
    """Read ``URL::TABLE``; TABLE may carry a schema (``crm.accounts``).

    >>> parse_source("duckdb:///crm.duckdb::accounts").path
    PosixPath('crm.duckdb')
    >>> parse_source("postgresql://127.0.0.1/test::crm.accounts").dialect
    'postgres'
    >>> parse_source("postgres://127.0.0.1/test::crm.accounts").url
    'postgresql://127.0.0.1/test'

    Raises:
        SourceError: when the text is not ``URL::TABLE``, the URL cannot be
            read (or its password could be misread) or the database is not
            one tierwise writes SQL for. No message shows a password.
    """
    url, separator, name = text.rpartition(SEPARATOR)
    shown = f"{hidden_password(url)}{separator}{name}" if url else hidden_password(text)
    url = sqlalchemy_scheme(url)  # postgres:// as postgresql://
    if not separator or not url or not name.strip():
        raise SourceError(
            f"--source {shown!r}: write the database URL, then :: and the table, "
            f"e.g. {EXAMPLES}"
        )
    unclear = unclear_password(url)
    if unclear is not None:
        raise SourceError(
            f"--source: tierwise cannot tell where the URL's password ends, as "
            f"{unclear}; {ENCODE_AT}"
        )
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    dialect = DIALECTS.get(scheme)
    if dialect is None or ":" not in url:
        raise SourceError(
            f"--source {shown!r}: {scheme!r} is not a database tierwise writes SQL "
            f"for; the URL starts with one of {', '.join(DIALECTS)} "
            f"(e.g. {EXAMPLES})"
        )
    table = parse_table(name, dialect, f"--source {shown!r}")
    if scheme != "duckdb":
        _refuse_unreadable_url(url, shown)
        return TableSource(url, table, dialect)
    if not url.startswith("duckdb:///"):
        raise SourceError(
            f"--source {shown!r}: a DuckDB file is written duckdb:///PATH "
            "(duckdb:///crm.duckdb in this folder, duckdb:////data/crm.duckdb "
            "for an absolute path)"
        )
    return TableSource(url, table, dialect, Path(url.removeprefix("duckdb:///")))


def parse_table(name: str, dialect: str, option: str) -> exp.Table:
    """TABLE, SCHEMA.TABLE or CATALOG.SCHEMA.TABLE, as the database reads it.

    sqlglot reads ``a.b.c.d`` and ``main..accounts`` too, as some other
    table; they are refused so no message names a table nobody wrote. A
    DuckDB file is the database, so its tables take no catalog.

    >>> parse_table("Sales.Accounts", "postgres", "--source").sql("postgres")
    'sales.accounts'

    Raises:
        SourceError: naming ``option`` (``--source …``, ``--write-back …``).
    """
    refused = SourceError(
        f"{option}: {name!r} is not a table name; write TABLE or "
        "SCHEMA.TABLE (CATALOG.SCHEMA.TABLE where the database has catalogs), "
        "each part in double quotes when it holds a dot or a space"
    )
    try:
        table = exp.to_table(name.strip(), dialect=dialect)
    except (ParseError, TokenError):
        raise refused from None
    parts = [table.args.get(key) for key in ("catalog", "db", "this")]
    for part in parts:
        # An empty part comes back as "", a fourth part as a dotted name.
        if part is not None and not (isinstance(part, exp.Identifier) and part.name):
            raise refused
    if dialect == "duckdb" and table.catalog:
        # The file is attached under a name of tierwise's own, which would
        # take the place of any other database named here.
        raise SourceError(
            f"{option}: {table.catalog!r} names another database, but the file "
            "is the database: write TABLE or SCHEMA.TABLE"
        )
    if dialect in FOLDS_TO_LOWER:
        # As the database reads the name: unquoted parts in lower case.
        table = normalize_identifiers(table, dialect=dialect)
    return table


def _refuse_unreadable_url(url: str, shown: str) -> None:
    """Refuse a URL SQLAlchemy cannot read (a port that is no number…)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(url)
    except (ArgumentError, ValueError):
        raise SourceError(
            f"--source {shown!r}: the URL cannot be read; write it as "
            "DATABASE://USER:PASSWORD@HOST:PORT/NAME (a port is a number), "
            f"e.g. {EXAMPLES}"
        ) from None


def mapped_accounts(
    source: TableSource,
    columns: Mapping[str, ColumnKind],
    fields: Mapping[str, FieldKind],
    mapping: ColumnMapping,
    rows: Rows,
) -> tuple[exp.Select, ImportReport]:
    """The select that reads the table as canonical accounts, and its report.

    Args:
        source: the table.
        columns: the table's columns in order, each with what it holds.
        fields: the fields the model reads, with their kinds.
        mapping: the column mapping (preset or file).
        rows: runs SQL text in the source's dialect and returns its rows;
            used to count rows and to refuse values and repeated ids.

    Raises:
        SourceError: when the id or name column is missing, a column needs
            cleaning SQL cannot do, a value is one the file reader refuses
            (a count, a yes/no value) or ids repeat; nothing is scored then.
    """
    shown = source.shown()
    names = list(columns)
    matches, notes = match_columns(shown, names, fields, mapping, IN_TABLE)
    currency = (
        None if "currency" in fields else match_optional(names, "currency", mapping)
    )
    refuse_unreadable_columns(
        shown, source.dialect, matches, names, columns, fields, currency
    )

    selected, written, checks = _fields_read(source, matches, names, columns, fields)
    ids = salesforce_ids(shown, source, matches, columns, selected, rows)
    typed = exp.select(*ids.selected).from_(source.table.copy())
    identity = kept_rows()
    read, blank = _counts(source, typed, identity, rows)
    checked = exp.select(*ids.selected, *written).from_(source.table.copy())
    refuse_unreadable_values(shown, source.dialect, checked, identity, checks, rows)
    accounts = exp.select(*[exp.column(field, quoted=True) for field in matches])
    accounts = ids.keyed(accounts.from_(typed.subquery("typed")).where(identity))
    refuse_repeats(shown, source.dialect, accounts, rows)

    report = ImportReport(
        source=shown, rows_read=read, rows_used=read - blank, holder=IN_TABLE.what
    )
    # A table has no row numbers to point at; the rows left out are counted.
    report.skipped = [
        (-number, "no account id or name") for number in range(1, blank + 1)
    ]
    report.mapped = {field: match.header for field, match in matches.items()}
    report.absent_fields = [field for field in fields if field not in matches]
    report.notes = [
        f"read in place by the database's own SQL ({shown_dialect(source.dialect)})",
        *_not_done(matches),
        *notes,
        *ids.notes,
    ]
    report.mapping_notes = notes
    report.repairs = ids.repairs
    if blank:
        report.notes.append(
            f"{blank:,} rows have no account id or name and were left out; a "
            "table has no row numbers, so they are listed as -1, -2, …"
        )
    return accounts, report


def _fields_read(
    source: TableSource,
    matches: Mapping[str, Match],
    names: list[str],
    columns: Mapping[str, ColumnKind],
    fields: Mapping[str, FieldKind],
) -> tuple[list[exp.Expr], list[exp.Expr], list[Unreadable]]:
    """Each mapped column read as its field; the yes/no fields' values as
    written, beside them, for the checks; and the values to refuse."""
    selected: list[exp.Expr] = []
    written: list[exp.Expr] = []
    checks: list[Unreadable] = []
    for field, match in matches.items():
        column = exp.column(names[match.index], quoted=True)
        held = columns[names[match.index]]
        kind = fields[field]
        read = _read(kind, column, match, held, source.dialect)
        if source.dialect == "sqlite" and kind in _STORED_TYPES:
            # Any SQLite column may hold any value, which its casts read
            # without a word ('lots' as 0): only values of the type are
            # read, and any other that is not blank is refused.
            read = _stored_as(kind, column, read)
            value = _written(column, True, source.dialect)
            written.append(exp.alias_(value, written_name(field), quoted=True))
            checks.append(stored_check(field, match, kind.value))
        selected.append(exp.alias_(read, field, quoted=True))

        if kind == FieldKind.NUMBER:
            tested = None
            if match.spec.multiply is not None and source.dialect != "sqlite":
                tested = written_name(field)
                raw = exp.cast(column.copy(), "DOUBLE")
                written.append(exp.alias_(raw, tested, quoted=True))
            checks.append(finite_check(field, match, tested))
        if kind == FieldKind.DATE and source.dialect in (MYSQL, MARIADB):
            checks.append(zero_date_check(field, match))
        if field in COUNT_FIELDS:
            checks += count_checks(field, match, source.dialect)
        if kind == FieldKind.BOOLEAN and not _true_false(held, source.dialect):
            number = held is not None
            value = _written(column, number, source.dialect)
            written.append(exp.alias_(value, written_name(field), quoted=True))
            checks.append(yes_no_check(field, match, number))
    return selected, written, checks


def _stored_as(kind: FieldKind, column: exp.Expr, read: exp.Expr) -> exp.Expr:
    """``read`` where SQLite stores the column's value as ``kind`` needs
    (a number, or text for a date, trimmed), else NULL."""
    wanted = [exp.Literal.string(name) for name in _STORED_TYPES[kind]]
    fits: exp.Expr = exp.func("TYPEOF", column.copy()).isin(*wanted)
    if kind == FieldKind.DATE:
        # date() reads 'now', a time alone (2000-01-01) and 2024-02-30 (as
        # written; '+0 days' rolls it into March): no file reader does.
        text = _text(column, "sqlite")
        read, moved = exp.cast(text, "DATE"), exp.func("DATE", text.copy(), "'+0 days'")
        iso = exp.Glob(this=text.copy(), expression=exp.Literal.string(_ISO))
        fits = exp.and_(fits, iso, moved.eq(read.copy()))
    return exp.Case(ifs=[exp.If(this=fits, true=read)])


def _written(column: exp.Expr, number: bool, dialect: str) -> exp.Expr:
    """The value a yes/no field is read from, NULL when blank: a number
    column's value, or the trimmed text. A SQLite number column may hold
    text too, so its blank text is no value either."""
    if not number:
        return _text(column, dialect)
    if dialect != "sqlite":
        return column.copy()
    blank = exp.If(this=_text(column, dialect).is_(exp.null()), true=exp.null())
    return exp.Case(ifs=[blank], default=column.copy())


def _true_false(held: ColumnKind, dialect: str) -> bool:
    """Whether a column holds true and false, not numbers standing for
    them: SQLite's BOOLEAN and MySQL's (TINYINT(1)) hold any number."""
    return held == FieldKind.BOOLEAN and dialect not in _NUMBERED_BOOLEANS


def _read(
    kind: FieldKind, column: exp.Expr, match: Match, held: ColumnKind, dialect: str
) -> exp.Expr:
    """A column read as its field: typed, text trimmed, values rewritten."""
    spec = match.spec
    if kind == FieldKind.NUMBER:
        number = exp.cast(column, "DOUBLE")
        if spec.multiply is None:
            return number
        exact = exp.DataType.build("DECIMAL(38, 10)")
        factor = exp.cast(exp.Literal.string(str(spec.multiply)), exact.copy())
        product = exp.cast(
            exp.Mul(this=exp.cast(column, exact), expression=factor), "DOUBLE"
        )
        # A decimal holds no NaN or infinity: the cast failed on them, before
        # the check that names them could.
        return exp.Case(ifs=[exp.If(this=finite(number), true=product)])
    if kind == FieldKind.DATE:
        return exp.cast(column, "DATE")
    if kind == FieldKind.BOOLEAN and _true_false(held, dialect):
        return exp.cast(column, "BOOLEAN")
    if kind == FieldKind.BOOLEAN and held is not None:
        flag = _flag(column)
        if dialect == "sqlite":  # any SQLite column may hold text as well
            words = _words(_text(column, dialect), *spec.yes_no_words())
            flag.set("default", words)
        return flag

    text = _text(column, dialect)
    if kind == FieldKind.BOOLEAN:
        return _words(text, *spec.yes_no_words())
    if not spec.values:
        return text
    # Rewrites match without case, as in the cell reader; '' means blank.
    lowered = exp.Lower(this=text.copy())
    ifs = [
        exp.If(
            this=exp.EQ(
                this=lowered.copy(), expression=exp.Literal.string(sql_lower(written))
            ),
            true=exp.Nullif(
                this=exp.Literal.string(meant), expression=exp.Literal.string("")
            ),
        )
        for written, meant in spec.values.items()
    ]
    return exp.Case(ifs=ifs, default=text)


def _text(column: exp.Expr, dialect: str) -> exp.Expr:
    """A column as trimmed text, blank as NULL, as the cell reader has it."""
    return exp.Nullif(
        this=_trimmed(exp.cast(column.copy(), "VARCHAR"), dialect),
        expression=exp.Literal.string(""),
    )


def _flag(number: exp.Expr) -> exp.Expr:
    """A number read as yes/no, as the cell reader reads a number cell: 1
    is true, 0 false; any other number is unknown here, and refused."""
    return exp.Case(
        ifs=[
            exp.If(
                this=exp.EQ(this=number.copy(), expression=exp.Literal.number(code)),
                true=exp.Boolean(this=value),
            )
            for code, value in ((1, True), (0, False))
        ],
        default=exp.cast(exp.null(), "BOOLEAN"),
    )


def _trimmed(text: exp.Expr, dialect: str) -> exp.Expr:
    """Text without the white space the readers trim, at both ends.

    Trimming a set of characters costs many times a plain read, so text that
    starts and ends with a printable ASCII character (nearly all of it) is
    taken as it is. SQLite has no ASCII() or RIGHT(); there every value is
    trimmed.
    """
    trimmed = exp.Trim(
        this=text.copy(), expression=exp.Literal.string(TRIMMED_CHARACTERS)
    )
    if dialect == "sqlite":
        return trimmed
    first = exp.Ascii(this=text.copy())
    last = exp.Ascii(this=exp.Right(this=text.copy(), expression=exp.Literal.number(1)))
    printable = exp.and_(
        *[
            exp.Between(
                this=code, low=exp.Literal.number(33), high=exp.Literal.number(126)
            )
            for code in (first, last)
        ]
    )
    return exp.Case(ifs=[exp.If(this=printable, true=text)], default=trimmed)


def _words(text: exp.Expr, true: tuple[str, ...], false: tuple[str, ...]) -> exp.Expr:
    """Yes/no words read as true and false, as the cell reader reads them."""
    lowered = exp.Lower(this=text)
    return exp.Case(
        ifs=[
            exp.If(
                this=exp.In(
                    this=lowered.copy(),
                    expressions=[exp.Literal.string(sql_lower(word)) for word in words],
                ),
                true=exp.Boolean(this=value),
            )
            for words, value in ((true, True), (false, False))
        ],
        default=exp.cast(exp.null(), "BOOLEAN"),
    )


def _not_done(matches: Mapping[str, Match]) -> list[str]:
    notes = []
    for field, match in matches.items():
        if match.spec.normalise == "domain":
            notes.append(
                f"{match.header!r} ({field}) is kept as written, not cut to its "
                "registrable domain (that needs the file reader)"
            )
        elif match.spec.normalise not in (None, "salesforce_id"):
            notes.append(
                f"{match.header!r} ({field}) is kept as written; "
                f"normalise: {match.spec.normalise} needs the file reader"
            )
    return notes


def _counts(
    source: TableSource, typed: exp.Select, identity: exp.Expr, rows: Rows
) -> tuple[int, int]:
    """Rows in the table, and rows without an id or a name."""
    blank = exp.Sum(
        this=exp.Case(
            ifs=[exp.If(this=exp.not_(identity.copy()), true=exp.Literal.number(1))],
            default=exp.Literal.number(0),
        )
    )
    query = exp.select(exp.Count(this=exp.Star()), blank).from_(typed.subquery("typed"))
    ((read, blanks),) = rows(query.sql(dialect=source.dialect))
    return int(read), int(blanks or 0)
