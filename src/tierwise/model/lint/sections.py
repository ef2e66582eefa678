"""Lint rules read from the raw document: movement, governance, dimensions.

``movement`` (promotion and demotion triggers) and ``governance`` (review
cadence, sign-off) are sections the schema does not define yet, so the
loader refuses a model that has them. These rules therefore read the plain
YAML data rather than the validated model: they work today on a file that
has the sections, and keep working unchanged the day the schema adds them.
The key names below are the ones lint expects until then; whoever adds the
sections to the schema keeps them in step (a test holds them).

Dimension rules read the raw data too, because the loader refuses a
dimension without criteria or with weight 0, and lint reports those with
their own code and fix instead of stopping.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tierwise.model.lint.codes import Hit

__all__ = [
    "DEMOTION_KEY",
    "FUTURE_SECTIONS",
    "SIGN_OFF_KEY",
    "dimension_hits",
    "section_hits",
]

MOVEMENT = "movement"
GOVERNANCE = "governance"
FUTURE_SECTIONS = (MOVEMENT, GOVERNANCE)

# movement: {promotion: [...], demotion: [...]}
DEMOTION_KEY = "demotion"
# governance: {sign_off: [sales_leadership, marketing_leadership], ...}
SIGN_OFF_KEY = "sign_off"


def section_hits(data: dict[str, Any]) -> Iterator[Hit]:
    """Static tiering and missing sign-off, when their sections are present."""
    if MOVEMENT in data and not _entries(data[MOVEMENT], DEMOTION_KEY):
        yield Hit(
            "static-tiering",
            _where(data[MOVEMENT], MOVEMENT, DEMOTION_KEY),
            (
                "the movement section has no demotion triggers: accounts can "
                "move up but never down, so tiers only fill up and never free "
                "people for better accounts (static tiering)"
            ),
            (
                f"add `{MOVEMENT}.{DEMOTION_KEY}` triggers, e.g. prolonged "
                "disengagement, a lost champion, budget cuts, competitive lock-in"
            ),
        )
    if GOVERNANCE in data and not _entries(data[GOVERNANCE], SIGN_OFF_KEY):
        yield Hit(
            "no-sign-off",
            _where(data[GOVERNANCE], GOVERNANCE, SIGN_OFF_KEY),
            (
                "the governance section names no sign-off roles: tier changes "
                "need nobody's approval, so sales has not bought in to the tiers"
            ),
            (
                f"list the roles that approve tier changes under "
                f"`{GOVERNANCE}.{SIGN_OFF_KEY}`, e.g. [sales_leadership, "
                "marketing_leadership]"
            ),
        )


def dimension_hits(data: dict[str, Any]) -> Iterator[Hit]:
    """Dimensions without criteria or weight, and weights that miss 100."""
    dimensions = data.get("dimensions")
    if not isinstance(dimensions, list):
        return

    weights: dict[str, int] = {}
    for d, dimension in enumerate(dimensions):
        if not isinstance(dimension, dict):
            continue
        key = str(dimension.get("key", f"dimensions[{d}]"))
        if not dimension.get("criteria"):
            yield Hit(
                "dimension-empty",
                ("dimensions", d, "criteria"),
                f"dimension {key!r} has no criteria, so it cannot score",
                "add criteria to it, or remove it and share its weight out",
            )
        weight = dimension.get("weight")
        if isinstance(weight, int) and not isinstance(weight, bool):
            weights[key] = weight
        if weight == 0:
            yield Hit(
                "dimension-zero-weight",
                ("dimensions", d, "weight"),
                f"dimension {key!r} has weight 0: its criteria count for nothing",
                "give it a whole-number weight, or remove it",
            )

    total = sum(weights.values())
    if len(weights) == len(dimensions) and total and total != 100:
        key, weight = next(iter(weights.items()))
        parts = " + ".join(str(value) for value in weights.values())
        yield Hit(
            "weights-not-100",
            ("dimensions",),
            (
                f"dimension weights add up to {total} ({parts}); they are read "
                f"as shares of the total, so {key!r} counts "
                f"{100 * weight / total:.1f}%, not the {weight}% it appears to"
            ),
            "make the weights add up to 100 so each one is its share of the score",
        )


def _entries(section: Any, key: str) -> bool:
    return isinstance(section, dict) and bool(section.get(key))


def _where(section: Any, name: str, key: str) -> tuple[str, ...]:
    return (name, key) if isinstance(section, dict) else (name,)
