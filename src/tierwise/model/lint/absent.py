"""Gates that no account can meet because the fields they read are absent.

A test on a missing value is not met (see :class:`~tierwise.model.schema.
Condition`), so a must-have that needs a field the input has no column for
keeps every account out of its tier, and an include rule on such a field
names nobody. Conditions are judged in three values (true, false, unknown)
over every value the present fields could take, so ``any`` of an absent and
a present field, ``not`` and ``missing: true`` are judged as the engine
would judge them. ``tierwise tier`` warns with :func:`absent_field_gates`;
``tierwise lint --accounts`` names the fields of an empty tier's must-haves
with :func:`never_holds`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from tierwise.model.schema import Condition, Gate, Tier, TieringModel

__all__ = ["AbsentGate", "absent_field_gates", "never_holds"]

# A condition's possible values: True, False and None (unknown, as SQL NULL).
Outcomes = frozenset[bool | None]
ANY: Outcomes = frozenset({True, False, None})
_Join = Callable[[bool | None, bool | None], bool | None]


@dataclass(frozen=True)
class AbsentGate:
    """A must-have or include rule of a tier that no account can meet."""

    tier: Tier
    kind: str
    gate: Gate
    fields: tuple[str, ...]
    # Of those fields, the ones a signal file fills, with the kind of file
    # (``contacts``…): a CRM export seldom has a column for them, and the
    # file is the usual way to give them.
    filled_by: tuple[tuple[str, str], ...] = ()

    def message(self, pinned: int = 0) -> str:
        """The warning for people: tier, gate, fields and the fix.

        ``pinned`` is how many accounts manual overrides put in the tier:
        they are there whatever its must-haves say.
        """
        fields = ", ".join(self.fields)
        if self.kind == "include rule":
            effect = "so it names no account"
        else:
            effect = (
                f"so no account can meet it and the tier {_left_in(self.tier, pinned)}"
            )
        return (
            f"{self.tier.name} ({self.tier.key}): {self.kind} {self.gate.name} "
            f"reads {fields}, which the accounts do not have (no such column), "
            f"{effect}; {self._files()}map a column to {fields} (`columns:` in a "
            f"mapping file, given with --mapping) or change the {self.kind} in "
            "the model"
        )

    def _files(self) -> str:
        """``fill F from a file given with --contacts, or `` for the fields
        signal files fill; empty when they fill none."""
        by_kind: dict[str, list[str]] = {}
        for name, source in self.filled_by:
            by_kind.setdefault(source, []).append(name)
        if not by_kind:
            return ""
        files = " and ".join(
            f"{', '.join(names)} from a file given with --{source}"
            for source, names in by_kind.items()
        )
        return f"fill {files}, or "


def _left_in(tier: Tier, pinned: int) -> str:
    """What a tier whose must-have no account meets still holds."""
    held = ["the accounts its include rules name"] if tier.include else []
    if pinned:
        noun = "account" if pinned == 1 else "accounts"
        held.append(f"its {pinned:,} pinned {noun} (manual overrides)")
    if not held:
        return "stays empty"
    return f"holds only {' and '.join(held)}"


def absent_field_gates(
    model: TieringModel, present: Collection[str]
) -> list[AbsentGate]:
    """The must-haves and include rules of switched-on tiers that cannot hold.

    ``present`` holds the fields the accounts have a column for (or that a
    signal file fills); a field present but blank in some rows is present.

    >>> from tierwise.model import load_model
    >>> model = load_model()
    >>> [found.gate.name for found in absent_field_gates(model, ["account_id"])]
    ['exec_sponsor']
    >>> absent_field_gates(model, ["account_id", "exec_sponsor"])
    []
    """
    filled_by = model.filled_by()
    found: list[AbsentGate] = []
    for tier in model.active_tiers():
        gates = [("must-have", g) for g in tier.must_have]
        gates += [("include rule", g) for g in tier.include]
        for kind, gate in gates:
            absent = gate.when.fields() - set(present)
            if absent and never_holds(gate.when, absent):
                fields = tuple(sorted(absent))
                files = tuple((f, filled_by[f]) for f in fields if f in filled_by)
                found.append(AbsentGate(tier, kind, gate, fields, files))
    return found


def never_holds(condition: Condition, absent: Collection[str]) -> bool:
    """True when ``condition`` holds for no account, its ``absent`` fields
    having no value, whatever the values of the other fields."""
    return True not in _outcomes(condition, frozenset(absent))


def _outcomes(condition: Condition, absent: frozenset[str]) -> Outcomes:
    if condition.all_of is not None:
        return _combined(condition.all_of, absent, _and)
    if condition.any_of is not None:
        return _combined(condition.any_of, absent, _or)
    if condition.not_ is not None:
        inner = _outcomes(condition.not_, absent)
        return frozenset(None if value is None else not value for value in inner)
    if condition.field not in absent:
        return ANY
    if condition.missing is not None:
        return frozenset({condition.missing})
    return frozenset({None})


def _combined(
    parts: Iterable[Condition], absent: frozenset[str], join: _Join
) -> Outcomes:
    # Every combination of the parts' outcomes: correlations between parts
    # are ignored, so a True left in is possible at most, never missed.
    values: Outcomes | None = None
    for part in parts:
        mine = _outcomes(part, absent)
        values = (
            mine
            if values is None
            else frozenset(join(a, b) for a in values for b in mine)
        )
    return values if values is not None else ANY


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    return None if a is None or b is None else False
