"""Salesforce ids in a ``--source`` table, keyed as the file readers key them.

The cell reader reads an id column (``account_id``, ``parent_id``) as
Salesforce Account ids, unasked, when every value in it, white space
stripped, looks like one (:data:`~tierwise.sources.salesforce_ids.ACCOUNT_ID`):
the account id over every row, the parent id over the rows kept (with an
id and a name). A column mapped with ``normalise: salesforce_id`` is read
so whatever it holds. Each id is keyed on its 18-character form, its case
kept; an 18-character id whose suffix does not match its first fifteen
characters is refused, and so is a value that is no id in a column read
as ids (``normalise:``, or a ``values:`` rewrite). A table is asked the
same in its own SQL, so its accounts meet the same accounts from a file.

One aggregate query, before the table is read, sorts each such column's
values into kinds (none, 15 characters, 18 with a right or a wrong suffix,
an id only once trimmed, no id) and counts them; a query that stops at the
first 15-character id gives the report its example. Characters are tested
by their codes, so no collation (MySQL's ignores case) and no missing
function (SQLite has no ASCII()) changes an answer; DuckDB and PostgreSQL
tell an id's shape by a regular expression instead, which in PostgreSQL
costs a seventh of testing twelve characters by code.

Over a million rows in PostgreSQL, on a busy two-core machine, the query
took 0.55 to 0.9 s for an id column keyed otherwise and 0.7 to 1.5 s for
one of 15-character ids; those ids then cost some 0.6 s more in the check
for repeated ids and about as much in the scoring query, which work each
suffix out again.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlglot import exp

from tierwise.errors import SourceError
from tierwise.model.fields import REQUIRED_FIELDS
from tierwise.sources.columns import (
    INVALID_18,
    INVALID_18_FIX,
    NOT_AN_ID,
    NOT_AN_ID_FIX,
    SALESFORCE_18,
    salesforce_note,
)
from tierwise.sources.columns import shown as shown_cell
from tierwise.sources.headers import Match
from tierwise.sources.report import Tally
from tierwise.sources.salesforce_ids import (
    ACCOUNT_ID,
    ID_FIELDS,
    STRIPPED,
    SUFFIX_ALPHABET,
    to_18,
)
from tierwise.sources.table_checks import MAX_LISTED, ColumnKind, Rows, kept_rows

if TYPE_CHECKING:
    from tierwise.sources.database import TableSource

__all__ = ["SalesforceIds", "id_shape", "salesforce_ids", "to_18_sql"]

log = logging.getLogger(__name__)

# The two shapes as regular expressions (an Account id; any record id, as
# ``normalise: salesforce_id`` reads it) and as characters by code: the
# key prefix, then letters and digits to fifteen, then the suffix's.
ACCOUNT_PREFIX = "001"
ANY_ID = "[A-Za-z0-9]{15}(?:[A-Z0-5]{3})?"
_LETTERS_DIGITS = ((48, 57), (65, 90), (97, 122))
_SUFFIX_CHARACTERS = ((48, 53), (65, 90))
# Databases whose regular expressions tell the shape exactly, and cheaply.
_REGEX_DIALECTS = frozenset({"duckdb", "postgres"})
# Databases whose "/" of two whole numbers is a whole number.
_WHOLE_DIVISION = frozenset({"postgres", "sqlite"})

# The kinds of value the aggregate query counts. A kind plus TRIMMED is
# one that is an id only once trimmed (or rewritten by ``values:``), so
# the column cannot be read as written.
NONE, NO_ID, SHORT, LONG, WRONG = 0, 1, 15, 18, 19
TRIMMED = 100


@dataclass
class SalesforceIds:
    """The fields as read, those to extend, and the report's lines."""

    selected: list[exp.Expr]
    dialect: str
    extended: list[str] = field(default_factory=list)
    repairs: list[Tally] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def keyed(self, accounts: exp.Select) -> exp.Select:
        """``accounts`` (the fields as read, of the rows kept) with the
        Salesforce ids on their 18-character form.

        The suffixes are worked out over the rows kept, once each: counting
        the rows and checking their values needs none, and a database that
        merges this select into its reader computes a suffix again wherever
        the id is read (which took 0.7 s over a million rows in a filter).
        """
        if not self.extended:
            return accounts
        fields = []
        for name in (str(read.alias_or_name) for read in accounts.selects):
            read: exp.Expr = _ref(name)
            if name in self.extended:
                read = to_18_sql(read, self.dialect)
            fields.append(exp.alias_(read, name, quoted=True))
        return exp.select(*fields).from_(accounts.subquery("kept"))


@dataclass(frozen=True)
class _Asked:
    """A field that may hold Salesforce ids: its column, how it is told."""

    field: str
    match: Match
    written: exp.Expr  # the column cast to text
    unasked: bool  # told by its values, not by ``normalise:``

    def rows(self) -> exp.Expr | None:
        """The rows the cell reader reads the field in; None for all."""
        if self.field in REQUIRED_FIELDS:
            return None
        return kept_rows()


def salesforce_ids(
    shown: str,
    source: TableSource,
    matches: Mapping[str, Match],
    columns: Mapping[str, ColumnKind],
    selected: Sequence[exp.Expr],
    rows: Rows,
) -> SalesforceIds:
    """The table's fields as read, its Salesforce ids keyed on 18 characters.

    ``shown`` names the table in messages; ``columns`` are its columns in
    order with what each holds (None: text); ``selected`` the fields as
    read, each aliased by its name; ``rows`` runs SQL in its dialect.

    Raises:
        SourceError: for an 18-character id with a wrong suffix, or a value
            that is no id in a column read as ids, naming the column and
            the values, worded as the cell reader words them.
    """
    dialect = source.dialect
    found = SalesforceIds(list(selected), dialect)
    asked = _asked(matches, columns)
    if not asked:
        return found
    started = time.perf_counter()
    reads = {str(read.alias_or_name): read for read in selected}
    inner = _inner(asked, reads, source.table)
    settled = [one for one in asked if _plainly_not_ids(one, inner, dialect, rows)]
    kinds = [_kinds(one, dialect) for one in asked if one not in settled]
    counts = _counted(kinds, inner, dialect, rows) if kinds else {}

    problems: list[tuple[str, str]] = []
    unsettled = [one for one in asked if one not in settled]
    for one, (decide, told) in zip(unsettled, kinds, strict=True):
        if decide is not None and not _holds_ids(counts[id(decide)]):
            continue
        tally = counts[id(told)]
        problems += _refused(one, told, tally, inner, dialect, rows)
        if not problems:
            _extend(found, one, tally)
            _report(found, one, tally, inner, dialect, rows)

    if problems:
        fixes = dict.fromkeys(fix for _, fix in problems)
        raise SourceError(
            f"{shown}: {' '.join(problem for problem, _ in problems)} Fix: "
            f"{'; '.join(fixes)}; nothing was scored"
        )
    log.info(
        "%s: %d id column(s) asked for Salesforce ids in %.2f s",
        shown,
        len(asked),
        time.perf_counter() - started,
    )
    return found


def _refused(
    one: _Asked,
    told: exp.Expr,
    tally: Counter[int],
    inner: exp.Subquery,
    dialect: str,
    rows: Rows,
) -> list[tuple[str, str]]:
    """The field's values the cell reader refuses, as problems with fixes:
    18 characters with a wrong suffix, and values that are no id."""
    problems = []
    for kinds, problem, fix in (
        ((WRONG, WRONG + TRIMMED), INVALID_18, INVALID_18_FIX),
        ((NO_ID + TRIMMED,), NOT_AN_ID, NOT_AN_ID_FIX),
    ):
        count = sum(tally[kind] for kind in kinds)
        if count:
            wrong = told.copy().isin(*[exp.Literal.number(kind) for kind in kinds])
            listed = _listed(one, wrong, inner, dialect, rows)
            column = _column(one)
            problems.append(
                (f"{column}: {count:,} value(s) {listed}; each {problem}.", fix)
            )
    return problems


def to_18_sql(text: exp.Expr, dialect: str) -> exp.Expr:
    """The 18-character form of the id ``text`` (15 letters and digits, or
    18 characters kept as they are), in SQL any dialect renders."""
    fifteen = exp.EQ(
        this=exp.Length(this=text.copy()), expression=exp.Literal.number(15)
    )
    extended = exp.DPipe(this=text.copy(), expression=_suffix(text, dialect))
    return exp.Case(ifs=[exp.If(this=fifteen, true=extended)], default=text.copy())


def id_shape(text: exp.Expr, dialect: str, account: bool) -> exp.Expr:
    """SQL true for text shaped like a Salesforce id: an Account id
    (:data:`~tierwise.sources.salesforce_ids.ACCOUNT_ID`) or, not
    ``account``, any record id (15 letters and digits, or 18 with a suffix
    of capitals and digits 0-5; the suffix itself is not checked)."""
    if dialect in _REGEX_DIALECTS:
        pattern = ACCOUNT_ID.pattern if account else ANY_ID
        return exp.RegexpLike(
            this=text.copy(), expression=exp.Literal.string(f"^(?:{pattern})$")
        )
    prefix = ACCOUNT_PREFIX if account else ""
    length = exp.Length(this=text.copy())
    tests: list[exp.Expr] = [
        length.isin(exp.Literal.number(15), exp.Literal.number(18))
    ]
    for position in range(1, 16):
        if position <= len(prefix):
            code = ord(prefix[position - 1])
            tests.append(_code_in(text, position, ((code, code),)))
        else:
            tests.append(_code_in(text, position, _LETTERS_DIGITS))
    suffix = [_code_in(text, position, _SUFFIX_CHARACTERS) for position in (16, 17, 18)]
    fifteen = exp.EQ(this=length.copy(), expression=exp.Literal.number(15))
    tests.append(exp.or_(fifteen, exp.and_(*suffix)))
    return exp.and_(*tests)


def _asked(
    matches: Mapping[str, Match], columns: Mapping[str, ColumnKind]
) -> list[_Asked]:
    """The fields to ask about: a text id column the cell reader tells by
    its values, and any field mapped with ``normalise: salesforce_id``."""
    names = list(columns)
    asked = []
    for name, match in matches.items():
        column = names[match.index]
        told = match.spec.normalise == "salesforce_id"
        unasked = (
            name in ID_FIELDS
            and match.spec.normalise is None
            and columns[column] is None
        )
        if told or unasked:
            written = exp.cast(exp.column(column, quoted=True), "VARCHAR")
            asked.append(_Asked(name, match, written, unasked))
    return asked


def _inner(
    asked: Sequence[_Asked], reads: Mapping[str, exp.Expr], table: exp.Table
) -> exp.Subquery:
    """The table with the fields asked about as read and as written, and
    the id and name as read, which tell the rows kept."""
    fields = dict.fromkeys([*REQUIRED_FIELDS, *(one.field for one in asked)])
    written = [
        exp.alias_(one.written.copy(), _written_name(one), quoted=True) for one in asked
    ]
    select = exp.select(*[reads[name].copy() for name in fields], *written)
    return select.from_(table.copy()).subquery("asked")


def _kinds(one: _Asked, dialect: str) -> tuple[exp.Expr | None, exp.Expr]:
    """SQL for the kind of each row's value, twice: one that decides whether
    the column holds ids (None under ``normalise:``), and one whose values
    are then read as ids, the first again unless they are rewritten by
    ``values:`` or read as ids whatever they hold."""
    written, read = _ref(_written_name(one)), _ref(one.field)
    rows = one.rows()
    skipped = [] if rows is None else [_when(exp.not_(rows), NONE)]
    decide = None
    if one.unasked:
        stripped = exp.Trim(
            this=written.copy(), expression=exp.Literal.string(STRIPPED)
        )
        decide = exp.Case(
            ifs=[
                *skipped,
                _when(written.copy().is_(exp.null()), NONE),
                _if(id_shape(written, dialect, True), _length_kind(written, dialect)),
                _when(_printable_ends(written), NO_ID),
                _if(
                    id_shape(stripped, dialect, True),
                    _length_kind(stripped, dialect, TRIMMED),
                ),
            ],
            default=exp.Literal.number(NO_ID),
        )
        if not one.match.spec.values:
            return decide, decide

    # Each value as read (trimmed, rewritten) must be an id. Unless
    # rewritten, a value that is an id as written is that id as read.
    as_written = []
    if not one.match.spec.values:
        shaped = id_shape(written, dialect, False)
        as_written = [_if(shaped, _length_kind(written, dialect))]
    eighteen = exp.EQ(
        this=exp.Length(this=read.copy()), expression=exp.Literal.number(18)
    )
    told = exp.Case(
        ifs=[
            *skipped,
            *as_written,
            _when(read.copy().is_(exp.null()), NONE),
            _if(id_shape(read, dialect, False), _length_kind(read, dialect, TRIMMED)),
            _when(eighteen, WRONG + TRIMMED),
        ],
        default=exp.Literal.number(NO_ID + TRIMMED),
    )
    return decide, told


def _length_kind(text: exp.Expr, dialect: str, offset: int = 0) -> exp.Expr:
    """The kind of an id-shaped value: 15 characters, or 18 with a right
    or a wrong suffix (compared as capitals and digits, which every
    collation tells apart)."""
    length = exp.Length(this=text.copy())
    written = exp.Substring(
        this=text.copy(), start=exp.Literal.number(16), length=exp.Literal.number(3)
    )
    return exp.Case(
        ifs=[
            _when(
                exp.EQ(this=length, expression=exp.Literal.number(15)), SHORT + offset
            ),
            _when(
                exp.EQ(this=written, expression=_suffix(text, dialect)), LONG + offset
            ),
        ],
        default=exp.Literal.number(WRONG + offset),
    )


def _counted(
    kinds: Sequence[tuple[exp.Expr | None, exp.Expr]],
    inner: exp.Subquery,
    dialect: str,
    rows: Rows,
) -> dict[int, Counter[int]]:
    """How many values of each kind each SQL of ``kinds`` finds, by the
    SQL's id(), in one query over the table."""
    asked = list(
        {id(kind): kind for pair in kinds for kind in pair if kind is not None}.values()
    )
    names = [f"kind {number}" for number in range(len(asked))]
    each = exp.select(
        *[
            exp.alias_(kind, name, quoted=True)
            for kind, name in zip(asked, names, strict=True)
        ]
    )
    keys = [_ref(name) for name in names]
    query = (
        exp.select(*keys, exp.Count(this=exp.Star()))
        .from_(each.from_(inner.copy()).subquery("kinds"))
        .group_by(*[key.copy() for key in keys])
    )
    text = query.sql(dialect=dialect)
    log.debug("Salesforce ids asked for in %s:\n%s", dialect, text)

    counts = {id(kind): Counter[int]() for kind in asked}
    for row in rows(text):
        for kind, found in zip(asked, row, strict=False):
            counts[id(kind)][int(found)] += int(row[-1])
    return counts


def _plainly_not_ids(
    one: _Asked, inner: exp.Subquery, dialect: str, rows: Rows
) -> bool:
    """Whether a column told by its values holds no value at all, or one
    that is no id.

    Either settles it, and queries that stop at the first value they find
    take next to nothing in a table of other ids, where counting every
    value's kind took 0.9 to 1.5 s over a million PostgreSQL rows. (An empty
    column is read through to its end, testing its values alone.)
    """
    decide, _ = _kinds(one, dialect)
    if decide is None:
        return False

    def found(where: exp.Expr) -> bool:
        query = exp.select(exp.Literal.number(1)).from_(inner.copy()).where(where)
        return bool(rows(query.limit(1).sql(dialect=dialect)))

    written = _ref(_written_name(one)).is_(exp.null()).not_()
    return not found(written) or found(decide.eq(exp.Literal.number(NO_ID)))


def _holds_ids(decided: Counter[int]) -> bool:
    """Whether every value is an id, and there is one: the cell reader's rule."""
    return not decided[NO_ID] and any(decided[kind] for kind in decided if kind != NONE)


def _extend(found: SalesforceIds, one: _Asked, tally: Counter[int]) -> None:
    """Mark the field to be read on its 18-character form. A column whose
    every id is written as it is read is read as written: each suffix is
    worked out of the text many times over, and trimmed text would be
    trimmed again each time (which took four times as long)."""
    as_read = one.match.spec.values or any(
        tally[kind] for kind in tally if kind >= TRIMMED
    )
    if not as_read:
        index = [read.alias_or_name for read in found.selected].index(one.field)
        found.selected[index] = exp.alias_(one.written.copy(), one.field, quoted=True)
    found.extended.append(one.field)


def _report(
    found: SalesforceIds,
    one: _Asked,
    tally: Counter[int],
    inner: exp.Subquery,
    dialect: str,
    rows: Rows,
) -> None:
    """The report's tally of ids extended, with the first as its example,
    and the note that an id column was read as ids unasked."""
    short = tally[SHORT] + tally[SHORT + TRIMMED]
    if short:
        read = _ref(one.field)
        fifteen = exp.EQ(
            this=exp.Length(this=read.copy()), expression=exp.Literal.number(15)
        )
        where = fifteen if one.rows() is None else exp.and_(one.rows(), fifteen)
        query = exp.select(read).from_(inner.copy()).where(where).limit(1)
        ((first,),) = rows(query.sql(dialect=dialect))
        example = f"{shown_cell(first)} → {shown_cell(to_18(str(first)))}"
        found.repairs.append(
            Tally(one.field, one.match.header, SALESFORCE_18, short, example)
        )
        found.notes.append(
            f"{one.field} ({one.match.header!r}): {short:,} value(s) {SALESFORCE_18}, "
            f"e.g. {example}"
        )
    if one.unasked:
        found.notes.append(salesforce_note(one.field, one.match.header))


def _listed(
    one: _Asked, wrong: exp.Expr, inner: exp.Subquery, dialect: str, rows: Rows
) -> str:
    """The first values of the field that are ``wrong``, as written, each
    after its account unless the field is the account id."""
    written = _ref(_written_name(one))
    account = _ref("account_id")
    query = (
        exp.select(written, account)
        .from_(inner.copy())
        .where(wrong)
        .order_by(written.copy(), account.copy())
        .limit(MAX_LISTED + 1)
    )
    found = rows(query.sql(dialect=dialect))
    listed = [
        shown_cell(value)
        if one.field == "account_id"
        else f"{shown_cell(value)} (account {shown_cell(of)})"
        for value, of in found[:MAX_LISTED]
    ]
    return ", ".join(listed) + (", …" if len(found) > MAX_LISTED else "")


def _suffix(text: exp.Expr, dialect: str) -> exp.Expr:
    """SQL for the suffix of the id ``text`` (letters and digits only): in
    each five characters, a capital sets the bit of its place, and the five
    bits pick a character of the suffix alphabet.

    The code of a letter or digit divided by 32 is 2 for a capital alone
    (1 for a digit, 3 for a small letter), so each code is worked out once:
    PostgreSQL works it out twice for a test of a range, which took twice
    as long over a million ids.
    """
    letters: list[exp.Expr] = []
    for start in (1, 6, 11):
        bits: exp.Expr = exp.Literal.number(1)  # SUBSTRING counts from 1
        for place in range(5):
            code = exp.Unicode(this=_character(text, start + place))
            thirty_two = exp.Literal.number(32)
            band = (
                exp.Div(this=code, expression=thirty_two, typed=True)
                if dialect in _WHOLE_DIVISION
                else exp.IntDiv(this=code, expression=thirty_two)
            )
            capital = exp.If(
                this=exp.Literal.number(2), true=exp.Literal.number(1 << place)
            )
            bit = exp.Case(this=band, ifs=[capital], default=exp.Literal.number(0))
            bits = exp.Add(this=bits, expression=bit)
        letters.append(
            exp.Substring(
                this=exp.Literal.string(SUFFIX_ALPHABET),
                start=bits,
                length=exp.Literal.number(1),
            )
        )
    suffix = letters[0]
    for letter in letters[1:]:
        suffix = exp.DPipe(this=suffix, expression=letter)
    return suffix


def _printable_ends(text: exp.Expr) -> exp.Expr:
    """SQL true for text that starts and ends with printable ASCII, which
    white space cannot: stripping it is not tried, as it costs most of
    what is asked of a column keyed otherwise."""
    last = exp.Length(this=text.copy())
    return exp.and_(*[_code_in(text, end, ((33, 126),)) for end in (1, last)])


def _character(text: exp.Expr, position: int | exp.Expr) -> exp.Expr:
    return exp.Substring(
        this=text.copy(),
        start=exp.Literal.number(position) if isinstance(position, int) else position,
        length=exp.Literal.number(1),
    )


def _code_in(
    text: exp.Expr, position: int | exp.Expr, ranges: Sequence[tuple[int, int]]
) -> exp.Expr:
    """SQL true when the character at ``position`` has a code in ``ranges``."""
    code = exp.Unicode(this=_character(text, position))
    return exp.or_(
        *[
            exp.Between(
                this=code.copy(),
                low=exp.Literal.number(low),
                high=exp.Literal.number(high),
            )
            if low != high
            else exp.EQ(this=code.copy(), expression=exp.Literal.number(low))
            for low, high in ranges
        ]
    )


def _column(one: _Asked) -> str:
    return f"{one.match.header!r} ({one.field})"


def _written_name(one: _Asked) -> str:
    return f"{one.field} as written"


def _ref(name: str) -> exp.Column:
    return exp.column(name, quoted=True)


def _when(test: exp.Expr, kind: int) -> exp.If:
    return exp.If(this=test, true=exp.Literal.number(kind))


def _if(test: exp.Expr, kind: exp.Expr) -> exp.If:
    return exp.If(this=test, true=kind)
