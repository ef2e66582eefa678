"""Names, text and trimmed text written into DuckDB SQL.

The readers that run in DuckDB (a Parquet file read in place, signal
files) build their queries as text; these are the pieces they share.
"""

from __future__ import annotations

from tierwise.sources.values import TRIMMED_CHARACTERS

__all__ = ["sql_name", "sql_text", "trimmed_sql", "written_text"]


def sql_name(name: str) -> str:
    """A quoted SQL name (a column, a table, a view)."""
    return '"' + name.replace('"', '""') + '"'


def sql_text(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def trimmed_sql(
    text: str, characters: str = TRIMMED_CHARACTERS, blank_is_null: bool = True
) -> str:
    """SQL for the text ``text`` without leading and trailing ``characters``,
    NULL when nothing is left (unless not ``blank_is_null``).

    Trimming a set of characters costs about twenty times a plain read, so
    text that starts and ends with a printable ASCII character (it is then
    not blank either) is taken as it is; only the rest is trimmed. The last
    character is read as ``text[-1]``, which cost DuckDB half what
    ``RIGHT(text, 1)`` did (ten million values of six text columns read in
    0.96 s instead of 1.71 s).
    """
    first = f"ASCII({text}) BETWEEN 33 AND 126"
    last = f"ASCII({text}[-1]) BETWEEN 33 AND 126"
    trimmed = f"TRIM({text}, {sql_text(characters)})"
    if blank_is_null:
        trimmed = f"NULLIF({trimmed}, '')"
    return f"CASE WHEN {first} AND {last} THEN {text} ELSE {trimmed} END"


def written_text(column: str) -> str:
    """SQL for ``column`` as text, trimmed as the cell reader trims it."""
    return trimmed_sql(f"CAST({column} AS VARCHAR)")
