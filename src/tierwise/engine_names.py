"""The engines a run may choose, named apart from the engines themselves.

The command line lists them in its help, which should not load DuckDB or
Spark to say their names; :mod:`tierwise.engine.backends` checks a choice
against the same tuple.
"""

from __future__ import annotations

__all__ = ["ENGINES"]

# The engines `tierwise tier --engine` accepts; the first is the default.
ENGINES = ("duckdb", "spark")
