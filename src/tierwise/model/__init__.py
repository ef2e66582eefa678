"""The tiering model: schema, loading with line-numbered errors, the default, lint.

The names below are imported when first used, so a module that needs only
the field names (:mod:`tierwise.model.fields`) loads neither the schema nor
the lint, and loading a model loads no lint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tierwise.lent_names import lend

if TYPE_CHECKING:
    from tierwise.model.lint import LintReport, lint_model
    from tierwise.model.loader import (
        default_model_text,
        load_model,
        parse_model,
        starter_model_text,
    )
    from tierwise.model.schema import Tier, TieringModel
    from tierwise.model.weights import effective_weights

__all__ = [
    "LintReport",
    "Tier",
    "TieringModel",
    "default_model_text",
    "effective_weights",
    "lint_model",
    "load_model",
    "parse_model",
    "starter_model_text",
]

# Where each public name lives.
_HOMES = {
    "LintReport": "tierwise.model.lint",
    "lint_model": "tierwise.model.lint",
    "default_model_text": "tierwise.model.loader",
    "load_model": "tierwise.model.loader",
    "parse_model": "tierwise.model.loader",
    "starter_model_text": "tierwise.model.loader",
    "Tier": "tierwise.model.schema",
    "TieringModel": "tierwise.model.schema",
    "effective_weights": "tierwise.model.weights",
}


__getattr__, __dir__ = lend(__name__, _HOMES, __all__)
