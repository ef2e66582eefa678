"""What the store's commands list, as CSV files for a spreadsheet.

``diff --csv`` writes every account that changed tier between two runs and
``history --csv`` an account's row in every run. They are files for people,
written as the results' CSV is (`tierwise.report.files`): a UTF-8
byte-order mark so Excel reads accented names, and text a spreadsheet could
run as a formula made safe (case 18). Scores are the stored values, to the
hundredth, with no rounding for the screen; an unknown one is an empty cell.
Each file is written beside its path and moved in when complete.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tierwise.report.files import write_csv
from tierwise.report.scratch import written_file
from tierwise.store.diff import DIMENSIONS

if TYPE_CHECKING:
    from tierwise.store import AccountHistory, Movement

__all__ = ["HISTORY_COLUMNS", "MOVED_COLUMNS", "write_history_csv", "write_moved_csv"]

log = logging.getLogger(__name__)

# Each column's header, and whether it holds text (made safe) or a number.
HISTORY_COLUMNS = (
    ("Account ID", True),
    ("Account", True),
    ("Run", False),
    ("As of", False),
    ("Model", True),
    ("Model version", False),
    ("Tier", True),
    ("Tier name", True),
    ("Computed tier", True),
    ("Reason", True),
    ("Total score", False),
    ("Rank", False),
)
_MOVED_FIXED = (
    ("Account ID", True),
    ("Account", True),
    ("From tier", True),
    ("To tier", True),
    ("Total before", False),
    ("Total after", False),
    ("Total change", False),
    ("Reason before", True),
    ("Reason after", True),
)


def _change_columns(dimensions: list[str]) -> tuple[tuple[str, bool], ...]:
    """The change of each dimension's score (``Fit change``, …), as the
    screen lists them beside each account."""
    return tuple(
        (f"{name.removesuffix('_score').capitalize()} change", False)
        for name in dimensions
    )


# The columns of a run of the bundled model.
MOVED_COLUMNS = (*_MOVED_FIXED, *_change_columns(list(DIMENSIONS)))


def write_moved_csv(moved: list[Movement], path: Path) -> int:
    """The accounts that changed tier, one a row; returns how many.

    A column for each dimension's change follows, named by the model's
    dimensions (the bundled model's when no account moved).
    """
    dimensions = list(moved[0].dimension_deltas) if moved else list(DIMENSIONS)
    columns = (*_MOVED_FIXED, *_change_columns(dimensions))
    written = _write(path, columns, _moved_rows(moved, dimensions))
    log.info("wrote %d moved accounts to %s", written, path)
    return written


def write_history_csv(found: AccountHistory, path: Path) -> int:
    """The account's row in every run, oldest first; returns how many."""
    written = _write(path, HISTORY_COLUMNS, _history_rows(found))
    log.info("wrote %d runs of an account's history to %s", written, path)
    return written


def _write(
    path: Path, columns: tuple[tuple[str, bool], ...], rows: Iterator[list[Any]]
) -> int:
    header = [heading for heading, _ in columns]
    text = [is_text for _, is_text in columns]
    with written_file(path) as scratch:
        return write_csv(scratch, header, rows, text, for_spreadsheets=True)


def _moved_rows(moved: list[Movement], dimensions: list[str]) -> Iterator[list[Any]]:
    for move in moved:
        yield [
            move.account_id,
            move.name,
            move.from_tier,
            move.to_tier,
            move.total_before,
            move.total_after,
            move.total_delta,
            move.reason_before,
            move.reason_after,
            *(move.dimension_deltas[name] for name in dimensions),
        ]


def _history_rows(found: AccountHistory) -> Iterator[list[Any]]:
    for entry in found.entries:
        yield [
            found.account_id,
            found.name,
            entry.run_id,
            entry.as_of.isoformat(),
            entry.model_name,
            entry.model_version_id,
            entry.tier,
            entry.tier_name,
            entry.computed_tier,
            entry.reason,
            entry.total,
            entry.rank,
        ]
