"""Engines other than the embedded DuckDB that run the same query tree.

``spark`` renders the compiled model in Spark SQL and runs it on PySpark;
:mod:`tierwise.engine.backends.database` runs it inside the database that
holds the accounts, in that database's own dialect. Both hand their results
back to a DuckDB connection, so the run summary, the store and the exports
read them exactly as they read a DuckDB run.
"""

from __future__ import annotations

from tierwise.errors import TierwiseError

__all__ = ["ENGINES", "check_engine", "missing_extra"]

# The engines `tierwise tier --engine` accepts; the first is the default.
ENGINES = ("duckdb", "spark")


def check_engine(name: str) -> str:
    """``name`` if it is an engine tierwise runs on, else a clear error.

    >>> check_engine("spark")
    'spark'
    """
    if name not in ENGINES:
        raise TierwiseError(
            f"unknown engine {name!r}; use one of {', '.join(ENGINES)} "
            "(--engine duckdb is the default)"
        )
    return name


def missing_extra(what: str, extra: str) -> TierwiseError:
    """The error for an optional part that is not installed, with the fix."""
    return TierwiseError(
        f"{what} is not installed; install it with `pip install 'tierwise[{extra}]'`"
    )
