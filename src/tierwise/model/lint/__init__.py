"""Lint a tiering model for the framework's common mistakes and dead settings.

``lint_model`` returns a :class:`LintReport` of :class:`Finding` objects,
each with a code from :data:`CODES`, its severity, key path, line and fix.
Checks against a real portfolio need the engine and live beside the jobs
(``tierwise.lint_accounts``), since the model layer sits above the engine.

The names below are imported when first used, so a run that asks only
which gates can never hold (:mod:`tierwise.model.lint.absent`) loads none
of the other checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tierwise.lent_names import lend

if TYPE_CHECKING:
    from tierwise.model.lint.codes import ALLOWABLE_CODES, CODES, Code, Severity
    from tierwise.model.lint.report import Finding, LintReport, check_allow
    from tierwise.model.lint.run import lint_model
    from tierwise.model.lint.sections import (
        DEMOTION_KEY,
        FUTURE_SECTIONS,
        SIGN_OFF_KEY,
    )

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

# Where each public name lives.
_HOMES = {
    "ALLOWABLE_CODES": "tierwise.model.lint.codes",
    "CODES": "tierwise.model.lint.codes",
    "Code": "tierwise.model.lint.codes",
    "Severity": "tierwise.model.lint.codes",
    "Finding": "tierwise.model.lint.report",
    "LintReport": "tierwise.model.lint.report",
    "check_allow": "tierwise.model.lint.report",
    "lint_model": "tierwise.model.lint.run",
    "DEMOTION_KEY": "tierwise.model.lint.sections",
    "FUTURE_SECTIONS": "tierwise.model.lint.sections",
    "SIGN_OFF_KEY": "tierwise.model.lint.sections",
}


__getattr__, __dir__ = lend(__name__, _HOMES, __all__)
