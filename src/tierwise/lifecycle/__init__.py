"""A model's life: publish versions, compare them, preview a change, roll back.

This layer sits above the engine and the store, beside ``jobs``: it reads
model files and stored versions, scores recorded runs' inputs again in
memory, and records only publishes and rollbacks. The CLI (and later the web
app) makes one call here per command and renders what it returns.
"""

from tierwise.lifecycle.models import (
    ComparedModels,
    ModelPublished,
    NamedModel,
    compare_models,
    default_author,
    is_version,
    needs_store,
    publish_file,
    resolve_model,
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
    "DEFAULT_MOVERS",
    "ComparedModels",
    "ModelPublished",
    "Mover",
    "NamedModel",
    "Responsible",
    "TierShift",
    "WhatIf",
    "compare_models",
    "default_author",
    "is_version",
    "needs_store",
    "publish_file",
    "resolve_model",
    "what_if",
]
