"""What to say when DuckDB work needs more memory than it is allowed.

Every DuckDB connection tierwise opens holds to one limit (see
`tierwise.engine.run.open_connection`); beyond it DuckDB spills to disk,
but some steps cannot, and then it stops with its own error. That error
knows only DuckDB's setting, so it is told again here in terms of what a
user can change: ``$TIERWISE_MEMORY_LIMIT``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

import duckdb

from tierwise.engine.run import (
    DEFAULT_MEMORY_LIMIT,
    MEMORY_ENV,
    SIGNALS_MEMORY_LIMIT,
)
from tierwise.errors import TierwiseError

__all__ = ["memory_refusal"]

_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*")


def memory_refusal(
    error: BaseException, environ: Mapping[str, str] = os.environ
) -> TierwiseError | None:
    """DuckDB running out of the memory it was allowed, as a plain message.

    None for any other error. The message names the limit that held
    (``$TIERWISE_MEMORY_LIMIT``, or tierwise's default when it is not set)
    and a larger one to set. Work that stops this way leaves nothing
    half-written: results appear in their folder only when complete, and a
    run is recorded in one transaction.

    >>> said = duckdb.OutOfMemoryException("Out of Memory Error: ...")
    >>> limited = {MEMORY_ENV: "50MB"}
    >>> print(memory_refusal(said, limited))  # doctest: +NORMALIZE_WHITESPACE
    the work needed more memory than DuckDB was allowed
    (TIERWISE_MEMORY_LIMIT=50MB) and stopped, leaving nothing half-written.
    Set TIERWISE_MEMORY_LIMIT higher and run again, such as
    TIERWISE_MEMORY_LIMIT=100MB
    >>> memory_refusal(ValueError("not about memory")) is None
    True
    """
    if not isinstance(error, duckdb.OutOfMemoryException):
        return None
    given = environ.get(MEMORY_ENV)
    if given is None:
        allowed = (
            f"{DEFAULT_MEMORY_LIMIT}, or {SIGNALS_MEMORY_LIMIT} beside signal "
            f"files, as {MEMORY_ENV} is not set"
        )
        larger = "4GB"
    else:
        allowed = f"{MEMORY_ENV}={given}"
        larger = _twice(given)
    return TierwiseError(
        f"the work needed more memory than DuckDB was allowed ({allowed}) "
        f"and stopped, leaving nothing half-written. Set {MEMORY_ENV} higher "
        f"and run again, such as {MEMORY_ENV}={larger}"
    )


def _twice(size: str) -> str:
    """Twice a size DuckDB read, in its own unit (``50MB`` → ``100MB``).

    >>> _twice("1.5GB"), _twice("512 MiB"), _twice("4")
    ('3GB', '1024MiB', '8')
    """
    found = _SIZE.fullmatch(size)
    if found is None:
        return "4GB"
    number, unit = found.groups()
    return f"{float(number) * 2:.10g}{unit}"
