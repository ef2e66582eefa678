"""The model a run keeps in its folder, and a model file of the person's own there.

A run keeps the model it scored with as ``model.yaml`` beside its results,
so that `explain` reads the very model later. People also keep their own
model files in folders, and may give such a folder as ``--out``: a run must
not write its copy over one of those. A ``model.yaml`` in ``--out`` is
replaced only when it is an earlier run's copy as that run kept it, or holds
the very model this run reads; otherwise the run stops before it reads a
row.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from tierwise.errors import TierwiseError

__all__ = ["MODEL_COPY", "check_model_copy", "earlier_run", "keep_model"]

MODEL_COPY = "model.yaml"
# The key in run.json under which a run records its model copy's digest.
MODEL_DIGEST = "model_sha256"


def earlier_run(out_dir: Path, manifest: str) -> dict[str, Any] | None:
    """What the run recorded in ``out_dir`` (its ``manifest`` file) says, or
    None when no run is recorded there (no such file, or not a run's)."""
    try:
        recorded = json.loads((out_dir / manifest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return recorded if isinstance(recorded, dict) else None


def check_model_copy(out_dir: Path, manifest: str, model_text: str) -> None:
    """Refuse a run whose copy of the model would replace a person's own file.

    Raises:
        TierwiseError: when ``out_dir`` holds a ``model.yaml`` other than
            ``model_text`` that no run recorded there kept, or that was
            edited since; the message names the file and the fix.
    """
    path = out_dir / MODEL_COPY
    try:
        held = path.read_bytes()
    except OSError:
        # Not there (or not a file, which writing the copy reports).
        return
    if held == model_text.encode("utf-8"):
        return
    earlier = earlier_run(out_dir, manifest)
    if earlier is None:
        why = "is not a copy an earlier tierwise run kept there"
    else:
        recorded = earlier.get(MODEL_DIGEST)
        # A run from before digests were kept: its copy, as it always was.
        if recorded is None or recorded == _digest(held):
            return
        why = "was edited since the run recorded there kept it"
    raise TierwiseError(
        f"{path} {why}, and a run keeps the model it scores with in its --out "
        f"folder as {MODEL_COPY} (for explain); give another --out folder, or "
        "move your model file elsewhere. Nothing was written."
    )


def keep_model(manifest: dict[str, Any], model_text: str) -> dict[str, str]:
    """The model copy among a run's files, its digest recorded in ``manifest``."""
    manifest[MODEL_DIGEST] = _digest(model_text.encode("utf-8"))
    return {MODEL_COPY: model_text}


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
