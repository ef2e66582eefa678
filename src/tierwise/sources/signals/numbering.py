"""Numbering a signal CSV's rows as a spreadsheet shows them, in SQL.

DuckDB numbers the rows it reads from 1. A row's number in a spreadsheet
adds the lines above the first row (a header, empty lines before it) and
every blank line above the row itself (:mod:`.blank_lines`). The count of
blank lines is a step function of DuckDB's number: a few steps are written
into the query as a search tree of comparisons, many are joined from a
small Parquet file, so a file with a blank line after every row still
costs one sorted join rather than a comparison per blank line per row.
"""

from __future__ import annotations

from pathlib import Path

from tierwise.sources.signals.blank_lines import BlankLines, write_places
from tierwise.sources.sql_text import sql_name, sql_text

__all__ = ["numbered_rows"]

# Up to this many places with blank lines are compared inline.
MAX_INLINE_PLACES = 256
_ROW = '"tierwise row read"'


def numbered_rows(
    read: str, names: list[str], above: int, blank: BlankLines, places: Path
) -> str:
    """A FROM clause of ``source_row`` and the columns ``names`` of ``read``.

    ``above`` is how many lines stand above the first data row; ``places``
    is where to store the places of many blank lines, if there are.
    """
    listed = ", ".join(sql_name(name) for name in names)
    if not blank.above.size:
        return (
            f"(SELECT row_number() OVER () + {above} AS source_row, {listed} "
            f"FROM {read})"
        )

    counted = f"SELECT row_number() OVER () AS {_ROW}, {listed} FROM {read}"
    if blank.above.size <= MAX_INLINE_PLACES:
        skipped = _search_tree(blank.above.tolist(), blank.skipped.tolist(), 0)
        return (
            f"(SELECT {_ROW} + {above} + {skipped} AS source_row, {listed} "
            f"FROM ({counted}))"
        )

    write_places(blank, places)
    taken = ", ".join(f"r.{sql_name(name)}" for name in names)
    return (
        f"(SELECT r.{_ROW} + {above} + coalesce(p.skipped, 0) AS source_row, "
        f"{taken} FROM ({counted}) AS r ASOF LEFT JOIN "
        f"read_parquet({sql_text(str(places))}) AS p ON r.{_ROW} > p.above)"
    )


def _search_tree(above: list[int], skipped: list[int], before: int) -> str:
    """SQL for the blank lines above a row, by halving the sorted places.

    ``before`` is the count for a row above every place in ``above``.

    >>> print(_search_tree([3], [1], 0))
    CASE WHEN "tierwise row read" > 3 THEN 1 ELSE 0 END
    """
    if not above:
        return str(before)
    middle = len(above) // 2
    higher = _search_tree(above[middle + 1 :], skipped[middle + 1 :], skipped[middle])
    lower = _search_tree(above[:middle], skipped[:middle], before)
    return f"CASE WHEN {_ROW} > {above[middle]} THEN {higher} ELSE {lower} END"
