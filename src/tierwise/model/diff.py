"""What changed between two tiering models, compared as models, not as text.

Two model files can differ in every comment and in key order and still score
alike; two that look alike can differ in one threshold that moves a hundred
accounts. So the comparison walks the parsed models: criteria are matched by
key, tiers by key, gates by name, lists by name, and each change is said in
the model's own terms (``min_score: 70 → 75``, ``band 40 to under 60:
points 4 → 5``). Any field without a rule of its own is compared by its
shown value, so a key added to the schema later is never silently ignored.

>>> from tierwise.model.loader import default_model_text, parse_model
>>> before = parse_model(default_model_text())
>>> after = parse_model(default_model_text().replace("min_score: 70", "min_score: 75"))
>>> print(diff_models(before, after).text())
Tiers: thresholds, bands and caps
  tier_1 (Strategic)
    min_score: 70 → 75
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from tierwise.model.schema import (
    Condition,
    Criterion,
    Dimension,
    Gate,
    Tier,
    TieringModel,
    Treatment,
)
from tierwise.model.weights import effective_weights

__all__ = ["SECTIONS", "Change", "ModelDiff", "diff_models"]

MODEL = "Model"
LISTS = "Lists"
DIMENSIONS = "Dimensions and their weights"
CRITERIA = "Criteria, points and weights"
SHARES = "Share of the total score (when every value is known)"
TIERS = "Tiers: thresholds, bands and caps"
GATES = "Gates: must-haves, disqualifiers, includes"
BUDGET = "Budget shares and treatment"
# The order sections are shown in.
SECTIONS = (MODEL, LISTS, DIMENSIONS, CRITERIA, SHARES, TIERS, GATES, BUDGET)

GATE_KINDS = {"must_have": "must-have", "disqualifiers": "disqualifier"}

T = TypeVar("T")
Compare = Callable[[str, str, str, Any, Any], list["Change"]]


@dataclass(frozen=True)
class Change:
    """One difference: where it is, what it is, and its value before and after.

    ``before`` is None for something added, ``after`` for something removed.
    """

    section: str
    subject: str
    item: str
    before: str | None
    after: str | None

    def line(self) -> str:
        """The change as one line of text."""
        if self.before is not None and self.after is not None:
            return f"{self.item}: {self.before} → {self.after}"
        if self.after is not None:
            return f"{self.item} added: {self.after}"
        return f"{self.item} removed: {self.before}"


@dataclass(frozen=True)
class ModelDiff:
    """Every difference between two models, grouped by section."""

    changes: tuple[Change, ...]

    @property
    def unchanged(self) -> bool:
        """True when the two models score and tier alike."""
        return not self.changes

    def text(self) -> str:
        """The changes as text: a heading per section, a block per subject."""
        if self.unchanged:
            return (
                "No differences in scoring, tiers or treatment (the files may "
                "still differ in comments or layout)."
            )
        lines: list[str] = []
        for section in SECTIONS:
            changes = [change for change in self.changes if change.section == section]
            if not changes:
                continue
            lines.append(section)
            subject = None
            for change in changes:
                if change.subject != subject:
                    subject = change.subject
                    lines.append(f"  {subject}")
                lines.append(f"    {change.line()}")
        return "\n".join(lines)


def diff_models(before: TieringModel, after: TieringModel) -> ModelDiff:
    """Compare two parsed models; see the module docstring for how.

    The changes come in section order (:data:`SECTIONS`), then in the order
    the later model lists things, removed things last.
    """
    special: dict[str, Compare] = {
        "lists": _lists,
        "dimensions": _skip,
        "tiers": _skip,
    }
    changes = _fields(MODEL, "model", before, after, special)
    changes += _dimensions(before, after)
    changes += _criteria(before, after)
    changes += _shares(before, after)
    changes += _tiers(before, after)

    order = {section: index for index, section in enumerate(SECTIONS)}
    ordered = sorted(changes, key=lambda change: order[change.section])
    return ModelDiff(tuple(ordered))


def _fields(
    section: str,
    subject: str,
    before: BaseModel | None,
    after: BaseModel | None,
    special: Mapping[str, Compare] | None = None,
    prefix: str = "",
) -> list[Change]:
    """Field by field, by the rule for the field or else by its shown value.

    A nested part (``potential.estimate``) is compared field by field too,
    its items named by their dotted path.
    """
    special = special or {}
    known = type(after).model_fields if after is not None else {}
    gone = type(before).model_fields if before is not None else {}
    fields = {
        **known,
        **{name: info for name, info in gone.items() if name not in known},
    }

    changes: list[Change] = []
    for name, info in fields.items():
        label = prefix + (info.alias or name)
        old, new = getattr(before, name, None), getattr(after, name, None)
        if name in special:
            changes += special[name](section, subject, label, old, new)
        elif _nested(old) and _nested(new) and type(old) is type(new):
            changes += _fields(section, subject, old, new, prefix=f"{label}.")
        elif _show(old) != _show(new):
            changes.append(Change(section, subject, label, _show(old), _show(new)))
    return changes


def _nested(value: Any) -> bool:
    """A part compared field by field, rather than shown whole."""
    shown_whole = isinstance(value, Condition) or hasattr(value, "below")
    return isinstance(value, BaseModel) and not shown_whole


def _skip(*_: Any) -> list[Change]:
    return []


def _lists(_: str, __: str, ___: str, before: Any, after: Any) -> list[Change]:
    changes: list[Change] = []
    for name, (old, new) in _keyed(before or {}, after or {}).items():
        subject = f"list {name}"
        if old is None or new is None:
            changes.append(Change(LISTS, subject, "list", _show(old), _show(new)))
            continue
        changes += _members(LISTS, subject, "value", old, new)
    return changes


def _members(
    section: str, subject: str, item: str, before: Sequence[str], after: Sequence[str]
) -> list[Change]:
    """Entries added to and removed from a list of texts, order aside."""
    added = [value for value in after if value not in before]
    removed = [value for value in before if value not in after]
    return [Change(section, subject, item, None, _show(v)) for v in added] + [
        Change(section, subject, item, _show(v), None) for v in removed
    ]


def _dimensions(before: TieringModel, after: TieringModel) -> list[Change]:
    old = {dim.key: dim for dim in before.dimensions}
    new = {dim.key: dim for dim in after.dimensions}
    changes: list[Change] = []
    for key, (was, now) in _keyed(old, new).items():
        subject = f"{key} ({_either(was, now).name})"
        if was is None or now is None:
            changes.append(
                Change(DIMENSIONS, subject, "dimension", _dim(was), _dim(now))
            )
        else:
            changes += _fields(DIMENSIONS, subject, was, now, {"criteria": _skip})
    return changes


def _dim(dimension: Dimension | None) -> str | None:
    if dimension is None:
        return None
    keys = ", ".join(crit.key for crit in dimension.criteria)
    return f"weight {dimension.weight}, criteria {keys}"


def _criteria(before: TieringModel, after: TieringModel) -> list[Change]:
    old = {crit.key: (dim, crit) for dim, crit in before.criteria()}
    new = {crit.key: (dim, crit) for dim, crit in after.criteria()}
    special: dict[str, Compare] = {
        "bands": _bands,
        "values": _values,
        "lists": _list_points,
        "rules": _rules,
    }
    changes: list[Change] = []
    for key, (was, now) in _keyed(old, new).items():
        dim, crit = _either(was, now)
        subject = f"{dim.key}.{key} ({crit.label or key})"
        if was is None or now is None:
            changes.append(
                Change(CRITERIA, subject, "criterion", _crit(was), _crit(now))
            )
            continue
        if was[0].key != now[0].key:
            changes.append(
                Change(CRITERIA, subject, "dimension", was[0].key, now[0].key)
            )
        changes += _fields(CRITERIA, subject, was[1], now[1], special)
    return changes


def _crit(pair: tuple[Dimension, Criterion] | None) -> str | None:
    if pair is None:
        return None
    _, crit = pair
    return f"{crit.kind} on {crit.field}, weight {crit.weight}"


def _bands(
    section: str, subject: str, label: str, before: Any, after: Any
) -> list[Change]:
    """Points per band where the ranges stayed; whole bands where they moved."""
    old = {_band_range(band): band.points for band in before or []}
    new = {_band_range(band): band.points for band in after or []}
    changes: list[Change] = []
    for span, (was, now) in _keyed(old, new).items():
        if was is None or now is None:
            changes.append(
                Change(section, subject, f"band {span}", _points(was), _points(now))
            )
        elif was != now:
            changes.append(
                Change(section, subject, f"points for {span}", str(was), str(now))
            )
    return changes


def _points(points: int | None) -> str | None:
    return None if points is None else f"{points} points"


def _band_range(band: Any) -> str:
    if hasattr(band, "within_days"):
        return f"within {band.within_days} days"
    return _range(band.at_least, band.below)


def _range(at_least: Decimal | None, below: Decimal | None) -> str:
    if at_least is not None and below is not None:
        return f"{_number(at_least)} to under {_number(below)}"
    if at_least is not None:
        return f"{_number(at_least)} or more"
    if below is not None:
        return f"under {_number(below)}"
    return "any value"


def _values(
    section: str, subject: str, label: str, before: Any, after: Any
) -> list[Change]:
    return _points_by(section, subject, "value", before or {}, after or {})


def _list_points(
    section: str, subject: str, label: str, before: Any, after: Any
) -> list[Change]:
    old = {entry.list_name: entry.points for entry in before or []}
    new = {entry.list_name: entry.points for entry in after or []}
    return _points_by(section, subject, "list", old, new)


def _points_by(
    section: str,
    subject: str,
    item: str,
    before: Mapping[str, int],
    after: Mapping[str, int],
) -> list[Change]:
    """Points per category value or list, where they differ."""
    changes: list[Change] = []
    for name, (was, now) in _keyed(before, after).items():
        if was is None or now is None:
            changes.append(
                Change(section, subject, f"{item} {name!r}", _points(was), _points(now))
            )
        elif was != now:
            changes.append(
                Change(section, subject, f"points for {name!r}", str(was), str(now))
            )
    return changes


def _rules(
    section: str, subject: str, label: str, before: Any, after: Any
) -> list[Change]:
    old = [f"{_condition(rule.when)}: {rule.points} points" for rule in before or []]
    new = [f"{_condition(rule.when)}: {rule.points} points" for rule in after or []]
    changes: list[Change] = []
    for index in range(max(len(old), len(new))):
        was = old[index] if index < len(old) else None
        now = new[index] if index < len(new) else None
        if was != now:
            changes.append(Change(section, subject, f"rule {index + 1}", was, now))
    return changes


def _shares(before: TieringModel, after: TieringModel) -> list[Change]:
    """Each kept criterion's nominal share of the total, where it moved."""
    old, new = _share_of_total(before), _share_of_total(after)
    return [
        Change(SHARES, f"{dim.key} ({dim.name})", crit.key, was, new[crit.key])
        for dim, crit in after.criteria()
        if (was := old.get(crit.key)) is not None and was != new[crit.key]
    ]


def _share_of_total(model: TieringModel) -> dict[str, str]:
    weights = effective_weights(model)
    total = sum(weights.values())
    return {key: f"{weight * 100 / total:.2f}%" for key, weight in weights.items()}


def _tiers(before: TieringModel, after: TieringModel) -> list[Change]:
    old = {tier.key: tier for tier in before.tiers}
    new = {tier.key: tier for tier in after.tiers}
    changes: list[Change] = []
    kept_before = [key for key in old if key in new]
    kept_after = [key for key in new if key in old]
    if kept_before != kept_after:
        changes.append(
            Change(
                TIERS, "tiers", "order", ", ".join(kept_before), ", ".join(kept_after)
            )
        )

    special: dict[str, Compare] = {
        "must_have": _gates,
        "disqualifiers": _gates,
        "include": _gates,
        "treatment": _treatment,
    }
    for key, (was, now) in _keyed(old, new).items():
        subject = f"{key} ({_either(was, now).name})"
        if was is None or now is None:
            changes.append(Change(TIERS, subject, "tier", _tier(was), _tier(now)))
            continue
        changes += _fields(TIERS, subject, was, now, special)
    return changes


def _tier(tier: Tier | None) -> str | None:
    if tier is None:
        return None
    cap = f", at most {tier.max_accounts:,} accounts" if tier.max_accounts else ""
    return f"min_score {_number(tier.min_score)}{cap}"


def _gates(_: str, subject: str, label: str, before: Any, after: Any) -> list[Change]:
    kind = GATE_KINDS.get(label, label)
    old: dict[str, Gate] = {gate.name: gate for gate in before or []}
    new: dict[str, Gate] = {gate.name: gate for gate in after or []}
    changes: list[Change] = []
    for name, (was, now) in _keyed(old, new).items():
        item = f"{kind} {name}"
        if _gate(was) != _gate(now):
            changes.append(Change(GATES, subject, item, _gate(was), _gate(now)))
    return changes


def _gate(gate: Gate | None) -> str | None:
    if gate is None:
        return None
    described = f" ({gate.description})" if gate.description else ""
    return _condition(gate.when) + described


def _treatment(
    _: str, subject: str, label: str, before: Treatment, after: Treatment
) -> list[Change]:
    special: dict[str, Compare] = {
        "plays": lambda section, subject, label, old, new: _members(
            section, subject, "play", old or [], new or []
        )
    }
    return _fields(BUDGET, subject, before, after, special)


def _condition(condition: Condition) -> str:
    """A condition in words: ``exec_sponsor is true``, ``all of (…; …)``."""
    if condition.field:
        ((test, value),) = condition.tests().items()
        return f"{condition.field} {test} {_show(value)}"
    if condition.all_of is not None:
        return "all of (" + "; ".join(map(_condition, condition.all_of)) + ")"
    if condition.any_of is not None:
        return "any of (" + "; ".join(map(_condition, condition.any_of)) + ")"
    if condition.not_ is not None:
        return f"not ({_condition(condition.not_)})"
    return "?"


def _show(value: Any) -> str | None:
    """A value as the diff prints it; None stays None (absent)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal | int):
        return _number(value)
    if isinstance(value, str):
        return value if value and value.strip() == value else repr(value)
    if isinstance(value, Condition):
        return _condition(value)
    if hasattr(value, "at_least") and hasattr(value, "below"):
        return _range(value.at_least, value.below)
    if isinstance(value, BaseModel):
        shown = value.model_dump(by_alias=True, exclude_defaults=True)
        return _show(shown)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Iterable):
        return "[" + ", ".join(str(_show(item)) for item in value) + "]"
    return str(value)


def _number(value: Decimal | int) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value.normalize():,f}"


def _either(before: T | None, after: T | None) -> T:
    """The later of a pair from `_keyed`, else the earlier (one is set)."""
    found = after if after is not None else before
    if found is None:
        raise ValueError("a pair from _keyed holds at least one value")
    return found


def _keyed(before: Mapping[Any, Any], after: Mapping[Any, Any]) -> dict[Any, Any]:
    """(before, after) by key: the later model's order, then removed keys."""
    keys = list(after) + [key for key in before if key not in after]
    return {key: (before.get(key), after.get(key)) for key in keys}
