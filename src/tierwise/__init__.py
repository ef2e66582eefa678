"""tierwise: score, tier and explain target accounts for account-based marketing.

The library surface behind the ``tierwise`` command:

>>> from datetime import date
>>> from tierwise import build_demo_portfolio, load_model, score_accounts
>>> run = score_accounts(load_model(), build_demo_portfolio(), date(2026, 9, 30))
>>> run.tiers[0].accounts <= 15
True

The names below are imported when first used, so importing one layer (the
engine, say) does not load every other (the store, the sample generator).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tierwise.lent_names import lend

if TYPE_CHECKING:
    from tierwise.engine import (
        CompiledModel,
        Explanation,
        TieringRun,
        compile_model,
        explain,
        score_accounts,
        write_results,
    )
    from tierwise.errors import ModelError, SourceError, TierwiseError
    from tierwise.model import TieringModel, load_model, parse_model
    from tierwise.sample import build_demo_portfolio, generate_portfolio
    from tierwise.sources import (
        ColumnMapping,
        ImportReport,
        load_preset,
        read_accounts,
    )

__all__ = [
    "ColumnMapping",
    "CompiledModel",
    "Explanation",
    "ImportReport",
    "ModelError",
    "SourceError",
    "TieringModel",
    "TieringRun",
    "TierwiseError",
    "__version__",
    "build_demo_portfolio",
    "compile_model",
    "explain",
    "generate_portfolio",
    "load_model",
    "load_preset",
    "parse_model",
    "read_accounts",
    "score_accounts",
    "write_results",
]

__version__ = "0.1.0"

# Where each public name lives.
_HOMES = {
    "CompiledModel": "tierwise.engine",
    "Explanation": "tierwise.engine",
    "TieringRun": "tierwise.engine",
    "compile_model": "tierwise.engine",
    "explain": "tierwise.engine",
    "score_accounts": "tierwise.engine",
    "write_results": "tierwise.engine",
    "ModelError": "tierwise.errors",
    "SourceError": "tierwise.errors",
    "TierwiseError": "tierwise.errors",
    "TieringModel": "tierwise.model",
    "load_model": "tierwise.model",
    "parse_model": "tierwise.model",
    "build_demo_portfolio": "tierwise.sample",
    "generate_portfolio": "tierwise.sample",
    "ColumnMapping": "tierwise.sources",
    "ImportReport": "tierwise.sources",
    "load_preset": "tierwise.sources",
    "read_accounts": "tierwise.sources",
}


__getattr__, __dir__ = lend(__name__, _HOMES, __all__)
