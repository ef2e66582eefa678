"""The SQL dialects tierwise writes for databases whose rendering needs help.

sqlglot writes correct MySQL, but some of it means something else there
than in DuckDB, and a table scored in MySQL or MariaDB would then get other
tiers than the same accounts in a file:

- Text compares by the column's collation, which by default ignores case,
  accents and trailing spaces (``'Muller' = 'Müller'``), so a list could
  match a value it does not hold and two ids could count as one. Every text
  cast is therefore converted to ``utf8mb4`` with a binary collation, which
  compares code points; literals compared with such text take its collation.
- ``TRIM(chars FROM text)`` removes the whole string ``chars`` from each
  end, not any of its characters; a set is trimmed with ``REGEXP_REPLACE``
  and a character class instead.
- ``CHAR(n)`` gives a binary string; ``CHAR(n USING utf8mb4)`` gives text.

Two dialects do this. :data:`MYSQL` is what a ``mysql://`` or
``mariadb://`` URL gets before tierwise knows the server; it uses only
what MySQL and MariaDB both have, and so two differences remain there (a
plain sentence each, pinned by a strict xfail test): ``utf8mb4_bin`` pads
with spaces when it compares, so an id that ends in a control character
below the space (``'a\\x01'``) sorts before ``'a'``, which DuckDB sorts
first; and ``LOWER`` knows the case pairs of an older Unicode than DuckDB's
(``'Ƞ'``, ``'ẞ'`` and the Georgian capitals stay as they are). :data:`MARIADB`
closes both on MariaDB 10.10 and later, which has the collations for it:
``utf8mb4_nopad_bin`` and ``LOWER`` under ``utf8mb4_uca1400_as_cs``
(Unicode 14, which lower-cases every character as DuckDB does).
:func:`server_dialect` picks it once connected. MySQL itself is not tested.

Importing this module registers both dialects with sqlglot by those names.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.mysql import MySQL
from sqlglot.errors import UnsupportedError
from sqlglot.generators.mysql import MySQLGenerator

__all__ = [
    "MARIADB",
    "MYSQL",
    "SQL_DATABASES",
    "server_dialect",
    "shown_dialect",
    "sql_databases",
    "written_dialect",
]

# The names sqlglot knows the dialects by: their class names, lower-cased.
MYSQL = "tierwisemysql"
MARIADB = "tierwisemariadb"
# The first MariaDB with the Unicode 14 collations.
MARIADB_UNICODE_14 = (10, 10)
TEXT_CHARSET = "utf8mb4"
# Characters with a meaning inside a regular expression's [...] class.
_CLASS_SPECIALS = frozenset("]\\^-[")

_SHOWN = {MYSQL: "mysql", MARIADB: "mariadb"}

# The dialects of sqlglot that SQL databases and query engines speak, so
# that the printed query can run on one. sqlglot also writes for tools that
# are not SQL databases (dax for Power BI, prql, tableau, solr); their text
# runs nowhere as a query, so they are not offered.
SQL_DATABASES = frozenset(
    {
        "athena",
        "bigquery",
        "clickhouse",
        "databricks",
        "doris",
        "dremio",
        "drill",
        "druid",
        "duckdb",
        "dune",
        "exasol",
        "fabric",
        "hive",
        "mariadb",
        "materialize",
        "mysql",
        "oracle",
        "postgres",
        "presto",
        "redshift",
        "risingwave",
        "snowflake",
        "spark",
        "spark2",
        "sqlite",
        "starrocks",
        "teradata",
        "trino",
        "tsql",
    }
)


def shown_dialect(dialect: str) -> str:
    """The dialect's name as people know it (``mysql``, not the key above).

    >>> shown_dialect(MYSQL), shown_dialect("postgres")
    ('mysql', 'postgres')
    """
    return _SHOWN.get(dialect, dialect)


def written_dialect(name: str) -> str:
    """The dialect tierwise writes for a database people name as ``name``.

    ``mysql`` is what a ``mysql://`` table is scored in (any server), and
    ``mariadb`` what a MariaDB 10.10 or later server gets; other names are
    sqlglot's own.

    >>> written_dialect("mysql"), written_dialect("MariaDB"), written_dialect("spark")
    ('tierwisemysql', 'tierwisemariadb', 'spark')
    """
    return {value: key for key, value in _SHOWN.items()}.get(name.lower(), name)


def sql_databases() -> list[str]:
    """The dialects :data:`SQL_DATABASES` names that this sqlglot can write.

    >>> {"duckdb", "mariadb"} <= set(sql_databases()), "dax" in sql_databases()
    (True, False)
    """
    return sorted(name for name in SQL_DATABASES if Dialect.get(written_dialect(name)))


def server_dialect(dialect: str, mariadb: bool, version: tuple[int, ...]) -> str:
    """The dialect to write for a server, once it says what it is.

    >>> server_dialect(MYSQL, mariadb=True, version=(10, 11, 19))
    'tierwisemariadb'
    >>> server_dialect(MYSQL, mariadb=True, version=(10, 6, 2))
    'tierwisemysql'
    >>> server_dialect("postgres", mariadb=False, version=(16, 4))
    'postgres'
    """
    if dialect == MYSQL and mariadb and version >= MARIADB_UNICODE_14:
        return MARIADB
    return dialect


def _chr(generator: MySQLGenerator, expression: exp.Chr) -> str:
    codes = ", ".join(generator.sql(code) for code in expression.expressions)
    return f"CHAR({codes} USING {TEXT_CHARSET})"


def _trim(generator: MySQLGenerator, expression: exp.Trim) -> str:
    """A trim of a set of characters, as DuckDB and PostgreSQL trim."""
    characters = expression.expression
    if characters is None:
        return generator.trim_sql(expression)
    for literal in characters.find_all(exp.Literal):
        if literal.is_string and _CLASS_SPECIALS & set(literal.this):
            raise UnsupportedError(
                "MySQL trims a set of characters with a regular expression, "
                f"whose character class cannot hold {literal.this!r}"
            )
    ends = {"LEADING": ("^[", "]+"), "TRAILING": ("[", "]+$")}
    position = expression.text("position").upper()
    chosen = [ends[position]] if position in ends else list(ends.values())
    parts: list[exp.Expr] = []
    for number, (opening, closing) in enumerate(chosen):
        parts += [
            exp.Literal.string(("|" if number else "") + opening),
            characters.copy(),
            exp.Literal.string(closing),
        ]
    pattern = exp.Concat(expressions=parts)
    return generator.func(
        "REGEXP_REPLACE", expression.this, pattern, exp.Literal.string("")
    )


class TierwiseMySQL(MySQL):
    """MySQL and MariaDB, written to give DuckDB's answers (see the module)."""

    class Generator(MySQLGenerator):
        # Code point order and equality, on MySQL and MariaDB alike.
        TEXT_COLLATION = "utf8mb4_bin"

        TRANSFORMS = {  # noqa: RUF012 - sqlglot reads it from the class
            **MySQLGenerator.TRANSFORMS,
            exp.Chr: _chr,
            exp.Trim: _trim,
        }

        def cast_sql(self, expression: exp.Cast, safe_prefix: str | None = None) -> str:
            """Text as ``utf8mb4`` compared by code point; others as MySQL."""
            if not expression.to.is_type(*exp.DataType.TEXT_TYPES):
                return super().cast_sql(expression, safe_prefix)
            return self._text(self.sql(expression, "this"), self.TEXT_COLLATION)

        def _text(self, value: str, collation: str) -> str:
            return f"CONVERT({value} USING {TEXT_CHARSET}) COLLATE {collation}"


class TierwiseMariaDB(TierwiseMySQL):
    """MariaDB 10.10 and later: no padding, and Unicode 14 lower case."""

    class Generator(TierwiseMySQL.Generator):
        TEXT_COLLATION = "utf8mb4_nopad_bin"
        # Only for LOWER: its case pairs are DuckDB's for every character.
        CASE_COLLATION = "utf8mb4_uca1400_as_cs"

        def lower_sql(self, expression: exp.Lower) -> str:
            """LOWER by Unicode 14, the result compared by code point again."""
            folded = self._text(self.sql(expression, "this"), self.CASE_COLLATION)
            return f"LOWER({folded}) COLLATE {self.TEXT_COLLATION}"
