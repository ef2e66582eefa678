"""The engine: a model compiled to one SQL query tree, run on DuckDB."""

from tierwise.engine.compile import UNASSIGNED, CompiledModel, compile_model
from tierwise.engine.explain import Explanation, explain
from tierwise.engine.run import TierCount, TieringRun, score_accounts, write_results

__all__ = [
    "UNASSIGNED",
    "CompiledModel",
    "Explanation",
    "TierCount",
    "TieringRun",
    "compile_model",
    "explain",
    "score_accounts",
    "write_results",
]
