"""Small builders for sqlglot expressions, so the compiler reads like the SQL.

Names are always quoted identifiers and values always literals made by
sqlglot: nothing from a model file or an input is pasted into SQL text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlglot import exp

from tierwise.model.fields import FieldKind
from tierwise.sources.values import TRIMMED_CHARACTERS

__all__ = [
    "SQL_TYPES",
    "case",
    "coalesce",
    "col",
    "date_literal",
    "false",
    "ident",
    "is_null",
    "lit",
    "normalised_text",
    "trimmed_text",
    "true",
]

SQL_TYPES: dict[FieldKind, str] = {
    FieldKind.TEXT: "VARCHAR",
    FieldKind.NUMBER: "DOUBLE",
    FieldKind.BOOLEAN: "BOOLEAN",
    FieldKind.DATE: "DATE",
}


def ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=ident(name), table=ident(table) if table else None)


def lit(value: int | Decimal | str | bool | None) -> exp.Expr:
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | Decimal):
        return exp.Literal.number(str(value))
    return exp.Literal.string(value)


def true() -> exp.Boolean:
    return exp.Boolean(this=True)


def false() -> exp.Boolean:
    return exp.Boolean(this=False)


def date_literal(day: date) -> exp.Expr:
    return exp.cast(exp.Literal.string(day.isoformat()), "DATE")


def case(
    whens: Sequence[tuple[exp.Expr, exp.Expr]],
    default: exp.Expr | None = None,
) -> exp.Expr:
    if not whens:
        return default if default is not None else exp.Null()
    ifs = [exp.If(this=condition, true=value) for condition, value in whens]
    return exp.Case(ifs=ifs, default=default)


def coalesce(first: exp.Expr, *rest: exp.Expr) -> exp.Expr:
    if not rest:
        return first
    return exp.Coalesce(this=first, expressions=list(rest))


def is_null(value: exp.Expr) -> exp.Expr:
    return exp.Is(this=value, expression=exp.Null())


def normalised_text(value: exp.Expr) -> exp.Expr:
    """Text compared without case and surrounding white space.

    White space is every character the readers trim (tabs, no-break and
    zero-width spaces too), so a value scores the same from any input.
    """
    return exp.Lower(this=trimmed_text(value))


def trimmed_text(value: exp.Expr) -> exp.Expr:
    """Text without the white space the readers trim, at both ends.

    Trimming a set of characters costs about twenty times a plain read, so
    text that starts and ends with a printable ASCII character (almost all
    of it) is taken as it is and only the rest is trimmed. The guard trusts
    codes 33-126 only, because some engines' ASCII() gives a byte rather
    than a character.
    """
    first = exp.Ascii(this=value.copy())
    last = exp.Ascii(this=exp.Right(this=value.copy(), expression=lit(1)))
    untouched = exp.and_(_printable(first), _printable(last))
    trimmed = exp.Trim(this=value.copy(), expression=_white_space())
    return case([(untouched, value)], trimmed)


def _printable(code: exp.Expr) -> exp.Expr:
    return exp.Between(this=code, low=lit(33), high=lit(126))


def _white_space() -> exp.Expr:
    """The trimmed characters, readable in the SQL: ASCII controls as CHR().

    Control characters are spelled ``CHR(9)`` and so on; the others (space,
    no-break and other Unicode spaces) stay in the literal, because some
    engines' CHR() covers only codes below 256.
    """
    literal = "".join(c for c in TRIMMED_CHARACTERS if ord(c) >= 32)
    characters: exp.Expr = lit(literal)
    for character in TRIMMED_CHARACTERS:
        if ord(character) < 32:
            code = exp.Chr(expressions=[lit(ord(character))])
            characters = exp.DPipe(this=characters, expression=code, safe=True)
    return characters


def sum_of(terms: Sequence[exp.Expr]) -> exp.Expr:
    if not terms:
        return lit(0)
    total = terms[0]
    for term in terms[1:]:
        total = exp.Add(this=total, expression=term)
    return exp.Paren(this=total)


def any_true(terms: Sequence[exp.Expr]) -> exp.Expr:
    if not terms:
        return false()
    return exp.or_(*terms)


def all_true(terms: Sequence[exp.Expr]) -> exp.Expr:
    if not terms:
        return true()
    return exp.and_(*terms)
