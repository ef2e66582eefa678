"""The tiering model: schema, loading with line-numbered errors, the default, lint."""

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
