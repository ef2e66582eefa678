"""Lint a tiering model for the framework's common mistakes and dead settings.

``lint_model`` returns a :class:`LintReport` of :class:`Finding` objects,
each with a code from :data:`CODES`, its severity, key path, line and fix.
Checks against a real portfolio need the engine and live beside the jobs
(``tierwise.lint_accounts``), since the model layer sits above the engine.
"""

from tierwise.model.lint.codes import ALLOWABLE_CODES, CODES, Code, Severity
from tierwise.model.lint.report import Finding, LintReport, check_allow
from tierwise.model.lint.run import lint_model
from tierwise.model.lint.sections import DEMOTION_KEY, FUTURE_SECTIONS, SIGN_OFF_KEY

__all__ = [
    "ALLOWABLE_CODES",
    "CODES",
    "DEMOTION_KEY",
    "FUTURE_SECTIONS",
    "SIGN_OFF_KEY",
    "Code",
    "Finding",
    "LintReport",
    "Severity",
    "check_allow",
    "lint_model",
]
