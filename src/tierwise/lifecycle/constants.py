"""Plain values of the model's life that the command line names in its help.

Kept apart from the modules that use them, so the help loads neither the
store nor the engine to show an option's name or default.
"""

from __future__ import annotations

__all__ = ["ACCEPT_LINT_ERRORS", "DEFAULT_MOVERS"]

# The command-line option that accepts lint errors; messages name it.
ACCEPT_LINT_ERRORS = "--accept-lint-errors"

# How many moving accounts a what-if preview lists unless told otherwise.
DEFAULT_MOVERS = 50
