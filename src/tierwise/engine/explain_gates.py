"""An explanation's gates in the words a sales or marketing reader uses.

Each tier's gates become lines, best tier first: its disqualifiers (``not
triggered`` or ``TRIGGERED``), must-haves (``holds`` or ``missing``),
include rules, the minimum score and the potential band as two separate
checks, completeness, and whether the account is eligible. :func:`decide`
then names the tier and the gates that gave the account its reason code,
with the precedence of the engine's placing step
(:mod:`tierwise.engine.placement`); tests hold the two to agree for every
account of the demo portfolio.

Every disqualifier and must-have is shown as it came out: the explain
query tests each one (the tiering query keeps only the first that hits),
so an account lacking two must-haves sees both missing. The reason code
still names the first, as the engine does, and only that line decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from tierwise.model.schema import Gate, Tier, TieringModel

__all__ = [
    "ABOVE_BAND",
    "OUTCOMES",
    "UNKNOWN",
    "Decision",
    "GateLine",
    "decide",
    "gate_lines",
    "marked",
]

# The words a gate line says, by kind of check: first what passes, then
# what does not.
OUTCOMES = {
    "disqualifier": ("not triggered", "TRIGGERED"),
    "must-have": ("holds", "missing"),
    "include rule": ("names it", "does not name it"),
    "score": ("meets", "below"),
    "potential": ("in band", "below band"),
    "completeness": ("meets", "below"),
    "eligible": ("eligible", "not eligible"),
}
UNKNOWN = "unknown"
ABOVE_BAND = "above band"


@dataclass(frozen=True)
class GateLine:
    """One check of one tier: what it is, how it came out, and the numbers.

    ``passed`` is None for a score or potential that could not be compared
    (unknown). ``outcome`` is the word shown
    to people (see :data:`OUTCOMES`); ``decides`` marks the lines that gave
    the account its reason code.
    """

    tier: str
    check: str
    passed: bool | None
    detail: str
    outcome: str = ""
    decides: bool = False


@dataclass(frozen=True)
class Decision:
    """Which tier's gates gave an account its reason code, and a sentence.

    ``tier`` is None when no tier's gate decided: an override, or too
    little data for the model's minimum completeness. ``checks`` are the
    deciding lines' checks in that tier.
    """

    reason: str
    tier: str | None
    checks: tuple[str, ...]
    sentence: str


def gate_lines(model: TieringModel, row: dict[str, Any]) -> list[GateLine]:
    """Every gate of every switched-on tier for one row of the explain query."""
    lines: list[GateLine] = []
    for index, tier in enumerate(model.active_tiers()):
        lines += _listed(tier, "disqualifier", tier.disqualifiers, row, index)
        lines += _listed(tier, "must-have", tier.must_have, row, index)
        if tier.include:
            included = bool(row[f"included_{index}"])
            described = "; ".join(_describe(gate) for gate in tier.include)
            lines.append(_line(tier, "include rule", included, described))
        lines.append(_score_line(tier, row))
        if tier.needs_potential:
            lines.append(_potential_line(model, tier, row))
        lines.append(_completeness_line(model, tier, index, row))
        lines.append(_eligible_line(tier, index, row))
    return lines


def _listed(
    tier: Tier, kind: str, gates: list[Gate], row: dict[str, Any], index: int
) -> list[GateLine]:
    """Disqualifier or must-have lines, each as the explain query tested it."""
    column = "triggers" if kind == "disqualifier" else "misses"
    lines: list[GateLine] = []
    for number, gate in enumerate(gates, start=1):
        hit = bool(row[f"{column}_{index}_{number}"])
        # A disqualifier passes when it does not trigger.
        lines.append(_line(tier, f"{kind} {gate.name}", not hit, _describe(gate)))
    return lines


def _score_line(tier: Tier, row: dict[str, Any]) -> GateLine:
    needed = f"needs at least {_number(tier.min_score)}"
    total = row["total_centi"]
    if total is None:
        detail = f"no total (no criterion could be scored), {needed}"
        return GateLine(tier.key, "score", False, detail, UNKNOWN)
    detail = f"total {total / 100:.2f}, {needed}"
    return _line(tier, "score", _score_met(tier, row), detail)


def _potential_line(model: TieringModel, tier: Tier, row: dict[str, Any]) -> GateLine:
    needed = f"needs {_band(tier)}"
    value = row[model.potential.field]
    if value is None:
        detail = f"{_why_unknown(model)}; {needed}"
        return GateLine(tier.key, "potential", None, detail, UNKNOWN)
    estimated = " (estimated from revenue)" if row["potential_estimated"] else ""
    detail = f"{_number(value)}{estimated}, {needed}"
    line = _line(tier, "potential", _in_band(tier, value), detail)
    band = tier.potential
    if band is not None and band.below is not None and value >= float(band.below):
        return replace(line, outcome=ABOVE_BAND)
    return line


def _completeness_line(
    model: TieringModel, tier: Tier, index: int, row: dict[str, Any]
) -> GateLine:
    coverage = max(tier.min_coverage_pct, model.min_completeness_pct)
    known = (row["completeness_centi"] or 0) / 100
    detail = f"{known:.2f}% of the model's weight known, needs at least {coverage}%"
    return _line(tier, "completeness", bool(row[f"coverage_ok_{index}"]), detail)


def _eligible_line(tier: Tier, index: int, row: dict[str, Any]) -> GateLine:
    eligible = bool(row[f"eligible_{index}"])
    detail = ""
    if row["pinned"] is not None:
        detail = "an override sets this account's tier"
    elif eligible and row[f"included_{index}"]:
        detail = "named by an include rule"
    return _line(tier, "eligible", eligible, detail)


def _line(tier: Tier, check: str, passed: bool, detail: str) -> GateLine:
    kind = check if check in OUTCOMES else check.split(" ", 1)[0]
    yes, no = OUTCOMES[kind]
    return GateLine(tier.key, check, passed, detail, yes if passed else no)


def decide(
    model: TieringModel,
    row: dict[str, Any],
    tier_key: str,
    cap_rank: int | None = None,
    overridden: bool = False,
) -> Decision:
    """Which gates put the account of ``row`` in tier ``tier_key``, and why.

    ``overridden``: the run says a person set the tier (``explain`` scores
    again without the run's overrides). The precedence is the placing
    step's: an override first; in a tier,
    what kept the account out of the nearest tier above it (else ``met``);
    unassigned, too little data for the model, then the lowest tier's
    blocking gate, else ``below_threshold``.
    """
    tiers = model.active_tiers()
    if overridden or row["pinned"] is not None:
        return Decision(
            "override",
            None,
            (),
            "a person set this tier (an override); the gates say where the "
            "model alone would place it",
        )
    keys = [tier.key for tier in tiers]
    if tier_key in keys:
        position = keys.index(tier_key)
        for index in range(position - 1, -1, -1):
            blocked = _blocker(model, tiers[index], index, row, cap_rank)
            if blocked is not None:
                return blocked
        return _met(tiers[position], position, row)

    known = row["completeness_centi"] or 0
    if known < int(model.min_completeness_pct * 100):
        return Decision(
            "insufficient_data",
            None,
            (),
            f"completeness {known / 100:.2f}% is below the model's minimum of "
            f"{model.min_completeness_pct}%: too little is known to tier it",
        )
    for index in range(len(tiers) - 1, -1, -1):
        blocked = _blocker(model, tiers[index], index, row, cap_rank)
        if blocked is not None:
            return blocked
    return _below_every_tier(model, tiers, row)


def marked(lines: Sequence[GateLine], decision: Decision) -> list[GateLine]:
    """``lines`` with the deciding ones marked."""
    return [
        replace(line, decides=True)
        if line.tier == decision.tier and line.check in decision.checks
        else line
        for line in lines
    ]


def _blocker(
    model: TieringModel,
    tier: Tier,
    index: int,
    row: dict[str, Any],
    cap_rank: int | None,
) -> Decision | None:
    """What kept the account out of ``tier``, if a gate or the cap did.

    As the engine: a disqualifier (when the total reached the tier or an
    include rule named it), then a must-have, then too little data (the
    tier's completeness, or a potential it cannot check), then the cap.
    """
    named = _named(tier)
    included = bool(row[f"included_{index}"])
    unsure = _potential_unknown(model, tier, row)
    score_ok = _score_met(tier, row) and _potential_ok(model, tier, row)
    reached = score_ok or unsure
    disqualified = row[f"disqualified_{index}"]
    lacking = row[f"lacking_{index}"]
    if disqualified is not None and (included or reached):
        gate = tier.disqualifiers[disqualified - 1]
        return Decision(
            f"disqualified:{gate.name}",
            tier.key,
            (f"disqualifier {gate.name}",),
            f"{named}: disqualifier {gate.name} TRIGGERED ({_describe(gate)})",
        )
    if not included and lacking is not None and reached:
        gate = tier.must_have[lacking - 1]
        return Decision(
            f"missing_must_have:{gate.name}",
            tier.key,
            (f"must-have {gate.name}",),
            f"{named}: must-have {gate.name} missing ({_describe(gate)})",
        )
    thin = not row[f"coverage_ok_{index}"]
    if not included and reached and (thin or unsure):
        return _too_little(model, tier, row, thin, unsure)
    if tier.max_accounts is not None and row[f"eligible_{index}"]:
        rank = f", cap rank {cap_rank}" if cap_rank is not None else ""
        return Decision(
            "capped",
            tier.key,
            ("eligible",),
            f"{named} was full: the account passed its gates, but the "
            f"{tier.max_accounts:,} places went to accounts ranked higher{rank}",
        )
    return None


def _too_little(
    model: TieringModel, tier: Tier, row: dict[str, Any], thin: bool, unsure: bool
) -> Decision:
    checks: list[str] = []
    causes: list[str] = []
    if unsure:
        checks.append("potential")
        causes.append(
            f"potential unknown ({_why_unknown(model)}), so its band "
            f"({_band(tier)}) cannot be checked"
        )
    if thin:
        checks.append("completeness")
        coverage = max(tier.min_coverage_pct, model.min_completeness_pct)
        known = (row["completeness_centi"] or 0) / 100
        causes.append(f"completeness {known:.2f}% is below its {coverage}%")
    total = (row["total_centi"] or 0) / 100
    return Decision(
        "insufficient_data",
        tier.key,
        tuple(checks),
        f"{_named(tier)}: the total {total:.2f} meets its minimum of "
        f"{_number(tier.min_score)}, but {' and '.join(causes)}",
    )


def _met(tier: Tier, index: int, row: dict[str, Any]) -> Decision:
    if row[f"included_{index}"]:
        how = "named by its include rule"
    else:
        how = "passes every gate"
    return Decision("met", tier.key, ("eligible",), f"{_named(tier)}: {how}")


def _below_every_tier(
    model: TieringModel, tiers: list[Tier], row: dict[str, Any]
) -> Decision:
    if not tiers:
        return Decision("below_threshold", None, (), "the model has no tier on")
    lowest = tiers[-1]
    checks: list[str] = []
    needs: list[str] = []
    if not _score_met(lowest, row):
        checks.append("score")
        total = row["total_centi"]
        has = "none" if total is None else f"{total / 100:.2f}"
        needs.append(f"a total of at least {_number(lowest.min_score)} (has {has})")
    if lowest.needs_potential and not _potential_ok(model, lowest, row):
        checks.append("potential")
        value = row[model.potential.field]
        has = "unknown" if value is None else _number(value)
        needs.append(f"a potential of {_band(lowest)} (has {has})")
    return Decision(
        "below_threshold",
        lowest.key,
        tuple(checks),
        f"below every tier: even the lowest, {_named(lowest)}, needs "
        f"{' and '.join(needs)}",
    )


def _score_met(tier: Tier, row: dict[str, Any]) -> bool:
    total = row["total_centi"]
    return total is not None and total >= int(tier.min_score * 100)


def _potential_ok(model: TieringModel, tier: Tier, row: dict[str, Any]) -> bool:
    if tier.potential is None:
        return True
    value = row[model.potential.field]
    return value is not None and _in_band(tier, value)


def _in_band(tier: Tier, value: float) -> bool:
    # Compared as the engine compares a DOUBLE with the band's literal.
    band = tier.potential
    if band is None:
        return True
    low = band.at_least is None or value >= float(band.at_least)
    return low and (band.below is None or value < float(band.below))


def _potential_unknown(model: TieringModel, tier: Tier, row: dict[str, Any]) -> bool:
    """The total meets the tier but its band has no potential to check."""
    value = row[model.potential.field]
    return tier.needs_potential and _score_met(tier, row) and value is None


def _why_unknown(model: TieringModel) -> str:
    if model.potential.estimate is None:
        return "none given, and the model estimates none"
    return "none given, no revenue to estimate it"


def _band(tier: Tier) -> str:
    band = tier.potential
    low = band.at_least if band else None
    high = band.below if band else None
    if low is not None and high is not None:
        return f"{_number(low)} to under {_number(high)}"
    if low is not None:
        return f"at least {_number(low)}"
    return f"under {_number(high)}"


def _named(tier: Tier) -> str:
    return f"{tier.name} ({tier.key})"


def _describe(gate: Gate) -> str:
    return gate.description or gate.name


def _number(value: Decimal | float | int | None) -> str:
    """1,250,000 rather than 1250000.0; cut to hundredths, never rounded up,
    so a shown value is below a threshold exactly when the value is."""
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value or 0)
    if exact == exact.to_integral_value():
        return f"{int(exact):,}"
    cut = exact.quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
    return f"{cut:,}".rstrip("0").rstrip(".")
