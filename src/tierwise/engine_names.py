"""The engines a run may choose, named apart from the engines themselves.

The command line lists them in its help, which should not load DuckDB or
Spark to say their names; :mod:`tierwise.engine.backends` checks a choice
against the same tuple.
"""

from __future__ import annotations

__all__ = ["ENGINES", "ENGINE_LABELS"]

# The engines `tierwise tier --engine` accepts; the first is the default.
ENGINES = ("duckdb", "spark")
# Each engine's name as people write it, for messages and the progress bar.
ENGINE_LABELS = {"duckdb": "DuckDB", "spark": "Spark"}
