"""A model's life: publish versions, compare them, preview a change, roll back.

This layer sits above the engine and the store, beside ``jobs``: it reads
model files and stored versions, scores recorded runs' inputs again in
memory, and records only publishes and rollbacks. The CLI (and later the web
app) makes one call here per command and renders what it returns.

The names below are imported when first used, so the command line names
an option (:mod:`~tierwise.lifecycle.constants`) without loading the store
or the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tierwise.lent_names import lend

if TYPE_CHECKING:
    from tierwise.lifecycle.constants import ACCEPT_LINT_ERRORS, DEFAULT_MOVERS
    from tierwise.lifecycle.models import (
        CheckedModel,
        ComparedModels,
        ModelPublished,
        ModelRolledBack,
        NamedModel,
        PublishRefused,
        check_for_publish,
        compare_models,
        default_author,
        error_codes,
        is_version,
        needs_store,
        publish_checked,
        publish_file,
        resolve_model,
        rollback_to,
    )
    from tierwise.lifecycle.whatif import (
        Mover,
        Responsible,
        TierShift,
        WhatIf,
        what_if,
    )

__all__ = [
    "ACCEPT_LINT_ERRORS",
    "DEFAULT_MOVERS",
    "CheckedModel",
    "ComparedModels",
    "ModelPublished",
    "ModelRolledBack",
    "Mover",
    "NamedModel",
    "PublishRefused",
    "Responsible",
    "TierShift",
    "WhatIf",
    "check_for_publish",
    "compare_models",
    "default_author",
    "error_codes",
    "is_version",
    "needs_store",
    "publish_checked",
    "publish_file",
    "resolve_model",
    "rollback_to",
    "what_if",
]

# Where each public name lives.
_HOMES = {
    "ACCEPT_LINT_ERRORS": "tierwise.lifecycle.constants",
    "DEFAULT_MOVERS": "tierwise.lifecycle.constants",
    "CheckedModel": "tierwise.lifecycle.models",
    "ComparedModels": "tierwise.lifecycle.models",
    "ModelPublished": "tierwise.lifecycle.models",
    "ModelRolledBack": "tierwise.lifecycle.models",
    "NamedModel": "tierwise.lifecycle.models",
    "PublishRefused": "tierwise.lifecycle.models",
    "check_for_publish": "tierwise.lifecycle.models",
    "compare_models": "tierwise.lifecycle.models",
    "default_author": "tierwise.lifecycle.models",
    "error_codes": "tierwise.lifecycle.models",
    "is_version": "tierwise.lifecycle.models",
    "needs_store": "tierwise.lifecycle.models",
    "publish_checked": "tierwise.lifecycle.models",
    "publish_file": "tierwise.lifecycle.models",
    "resolve_model": "tierwise.lifecycle.models",
    "rollback_to": "tierwise.lifecycle.models",
    "Mover": "tierwise.lifecycle.whatif",
    "Responsible": "tierwise.lifecycle.whatif",
    "TierShift": "tierwise.lifecycle.whatif",
    "WhatIf": "tierwise.lifecycle.whatif",
    "what_if": "tierwise.lifecycle.whatif",
}


__getattr__, __dir__ = lend(__name__, _HOMES, __all__)
