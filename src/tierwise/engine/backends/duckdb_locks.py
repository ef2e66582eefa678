"""A DuckDB file another program holds open, told as such.

DuckDB lets one program at a time open a file it may write, and locks the
file for it; any other that opens the file, even to read it, fails with
"Could not set lock on file". tierwise said of such a ``--source`` file
that it "cannot be opened as a DuckDB database", which reads as if the file
were damaged. The error says it is in use, by which program (DuckDB names
it and its process id), and to close it.
"""

from __future__ import annotations

import re

import duckdb

from tierwise.errors import SourceError
from tierwise.sources.database import TableSource

__all__ = ["lock_refusal"]

# DuckDB's words for a file another process has locked, and for the process.
_LOCKED = "Could not set lock on file"
_HOLDER = re.compile(
    r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)"
)


def lock_refusal(source: TableSource, error: duckdb.Error) -> SourceError | None:
    """The error for a file ``error`` says another program holds open,
    naming that program where DuckDB does; None for any other error.

    >>> from tierwise.sources.database import parse_source
    >>> locked = duckdb.IOException(
    ...     'IO Error: Could not set lock on file "crm.duckdb": Conflicting '
    ...     "lock is held in /usr/bin/duckdb (PID 42). See also …"
    ... )
    >>> refused = lock_refusal(parse_source("duckdb:///crm.duckdb::t"), locked)
    >>> str(refused).split(": ", 1)[1].split(";")[0]
    'crm.duckdb is open in another program (/usr/bin/duckdb, PID 42)'
    """
    text = str(error)
    if _LOCKED not in text:
        return None
    holder = _HOLDER.search(text)
    if holder is not None:
        who = f"{holder['program']}, PID {holder['pid']}"
    else:
        who = f"DuckDB says: {text.strip().splitlines()[0]}"
    return SourceError(
        f"{source.shown()}: {source.path} is open in another program ({who}); "
        "DuckDB lets no other program open a file while one may write to it: "
        "close that program, or its connection to the file, and run again. "
        "Nothing was read or written"
    )
