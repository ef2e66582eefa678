"""A model's life: publish versions, compare them, preview a change, roll back.

This layer sits above the engine and the store, beside ``jobs``: it reads
model files and stored versions, scores recorded runs' inputs again in
memory, and records only publishes and rollbacks. The CLI (and later the web
app) makes one call here per command and renders what it returns.
"""

from tierwise.lifecycle.models import (
    ACCEPT_LINT_ERRORS,
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
    DEFAULT_MOVERS,
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
