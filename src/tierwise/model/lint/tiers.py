"""Lint rules for tiers: a small Tier 1, disqualifiers, order, and budget.

Tiers are tried best first and an account lands in the first enabled tier it
is eligible for that still has room. Eligible means: no disqualifier holds,
and either an include rule holds or every must-have, the coverage, the
minimum score and the potential band do. From that the rules reason:

* **unreachable**: a tier is never filled when a tier above it has no cap
  and every account eligible for the lower tier is eligible for it too (its
  disqualifiers, must-haves and includes are no stricter, its minimum score
  and coverage no higher, its potential band at least as wide). A tier whose
  disqualifier repeats one of its own must-haves takes only included
  accounts, so with no include rule it is never filled either.
* **inverted order**: a lower tier that asks for a higher minimum score,
  coverage or potential floor than the tier just above it turns the order
  upside down: a stronger account can land lower than a weaker one.
* **potential ceilings**: overlapping potential bands are normal (the first
  tier wins, and the overflow of a capped tier falls to the next one). What
  breaks the order is an upper bound (``below``): on a lower tier, accounts
  bigger than it that a tier above turns away skip the lower tier; on an
  upper tier, the biggest accounts can reach a lower tier but never it.

The checks compare conditions as written, pair by pair; a tier that is
unreachable only through several tiers above it together is not reported.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from decimal import Decimal

from tierwise.model.lint.codes import Hit
from tierwise.model.schema import Gate, Tier

__all__ = ["TIER1_IDEAL", "TIER1_LIMIT", "budget_hits", "tier_hits"]

# The framework: Tier 1 stays under 20 accounts, ideally 10 to 15.
TIER1_LIMIT = 20
TIER1_IDEAL = (10, 15)

INFINITY = Decimal("Infinity")
Indexed = tuple[int, Tier]


def tier_hits(
    tiers: Sequence[tuple[int, Tier | None]], min_completeness: Decimal
) -> Iterator[Hit]:
    """What is wrong with the tiers that load; ``None`` marks one that does not."""
    first = _first_enabled(tiers)
    if first is not None:
        yield from _tier_one(*first)

    active = [(index, tier) for index, tier in tiers if tier and tier.enabled]
    if active and all(tier is not None for _, tier in tiers):
        yield from _disqualifiers(active)

    unreachable = list(_unreachable(active, min_completeness))
    yield from unreachable
    skipped = {hit.path for hit in unreachable}
    for (_, upper), (index, lower) in itertools.pairwise(active):
        if ("tiers", index) not in skipped:
            yield from _inverted(upper, lower, index, min_completeness)
    yield from _ceilings(active)


def budget_hits(active: Sequence[Indexed]) -> Iterator[Hit]:
    """Budget shares against 100% and against the expected share of accounts."""
    yield from _shares_add_up(active)
    yield from _budget_per_account(active)


def _shares_add_up(active: Sequence[Indexed]) -> Iterator[Hit]:
    for field, code, whole in (
        ("budget_share_pct", "budget-not-100", "the ABM budget"),
        ("expected_share_pct", "expected-share-not-100", "the tiered accounts"),
    ):
        shares = [(tier, getattr(tier.treatment, field)) for _, tier in active]
        if all(share is None for _, share in shares):
            continue
        total = sum((share or Decimal(0) for _, share in shares), Decimal(0))
        if total != 100:
            parts = " + ".join(f"{tier.key} {share or 0:g}" for tier, share in shares)
            yield Hit(
                code,
                ("tiers",),
                (
                    f"treatment.{field} of the enabled tiers adds up to {total:g}% "
                    f"({parts}), not 100% of {whole}"
                ),
                f"adjust treatment.{field} so the enabled tiers add up to 100",
            )


def _budget_per_account(active: Sequence[Indexed]) -> Iterator[Hit]:
    """A lower tier's budget per expected account above the tier before it."""
    ratios: list[tuple[int, Tier, Decimal]] = []
    for index, tier in active:
        budget = tier.treatment.budget_share_pct
        expected = tier.treatment.expected_share_pct
        if budget is not None and expected:
            ratios.append((index, tier, budget / expected))
    for (_, upper, above), (index, lower, below) in itertools.pairwise(ratios):
        if below > above:
            yield Hit(
                "budget-inverts-tiers",
                ("tiers", index, "treatment", "budget_share_pct"),
                (
                    f"{_named(lower)} gets {below:.2f}% of the budget per 1% of "
                    f"the accounts, more than {_named(upper)} above it "
                    f"({above:.2f}%): budget no longer follows the tiers' value"
                ),
                (
                    "move budget up the tiers so the share per account falls from "
                    "tier to tier (the framework: 40% for 10% of accounts, 35% for "
                    "20%, 25% for 70%)"
                ),
            )


def _first_enabled(tiers: Sequence[tuple[int, Tier | None]]) -> Indexed | None:
    """The first enabled tier, unless a tier before it does not load."""
    for index, tier in tiers:
        if tier is None:
            return None
        if tier.enabled:
            return index, tier
    return None


def _tier_one(index: int, tier: Tier) -> Iterator[Hit]:
    low, high = TIER1_IDEAL
    cap = tier.max_accounts
    if cap is None:
        yield Hit(
            "tier1-no-cap",
            ("tiers", index),
            (
                f"{_named(tier)}, the first enabled tier, has no max_accounts: "
                "every account that qualifies lands in it, and if everything is a "
                f"priority nothing is (the framework keeps Tier 1 under "
                f"{TIER1_LIMIT}, ideally {low} to {high})"
            ),
            f"add `max_accounts: {high}` to tiers[{index}]",
        )
    elif cap > TIER1_LIMIT:
        yield Hit(
            "tier1-cap-above-20",
            ("tiers", index, "max_accounts"),
            (
                f"{_named(tier)} may hold {cap} accounts; the framework keeps "
                f"Tier 1 under {TIER1_LIMIT}, ideally {low} to {high}"
            ),
            (
                f"lower max_accounts to {high}, or run lint with --allow "
                "tier1-cap-above-20 if a Tier 1 this large is deliberate"
            ),
        )
    elif not low <= cap <= high:
        yield Hit(
            "tier1-cap-outside-10-15",
            ("tiers", index, "max_accounts"),
            (
                f"{_named(tier)} may hold {cap} accounts; the framework's ideal "
                f"Tier 1 holds {low} to {high}"
            ),
            f"set max_accounts between {low} and {high}",
        )


def _disqualifiers(active: Sequence[Indexed]) -> Iterator[Hit]:
    if any(tier.disqualifiers for _, tier in active):
        return
    index, first = active[0]
    yield Hit(
        "no-disqualifiers",
        ("tiers", index),
        (
            "no enabled tier has disqualifiers: an account that looks good on "
            "paper but is not worth it (an entrenched competitor, a cultural "
            f"misfit) enters {_named(first)} on its score alone"
        ),
        (
            f"add `disqualifiers:` to tiers[{index}], e.g. an incumbent competitor "
            "whose contract runs more than a year: {field: "
            "competitor_contract_end, days_until_above: 365}"
        ),
    )


def _unreachable(active: Sequence[Indexed], min_completeness: Decimal) -> Iterator[Hit]:
    for position, (index, lower) in enumerate(active):
        if not lower.include and _blocked_by_itself(lower):
            yield Hit(
                "tier-unreachable",
                ("tiers", index),
                (
                    f"{_named(lower)} disqualifies every account that meets one "
                    "of its own must-haves, and has no include rule"
                ),
                "remove the disqualifier that repeats the must-have",
            )
            continue
        for _, upper in active[:position]:
            if upper.max_accounts is None and _covers(upper, lower, min_completeness):
                yield Hit(
                    "tier-unreachable",
                    ("tiers", index),
                    (
                        f"every account eligible for {_named(lower)} is eligible "
                        f"for {_named(upper)} above it, which has no cap, so "
                        f"nobody is left for {_named(lower)}"
                    ),
                    (
                        f"cap {upper.key} with max_accounts, or make {lower.key} "
                        f"ask less than {upper.key} (a lower min_score, a wider "
                        "potential band, fewer must-haves)"
                    ),
                )
                break


def _blocked_by_itself(tier: Tier) -> bool:
    return any(
        gate.when == must.when for gate in tier.disqualifiers for must in tier.must_have
    )


def _covers(upper: Tier, lower: Tier, min_completeness: Decimal) -> bool:
    """Whether every account eligible for ``lower`` is eligible for ``upper``."""
    upper_low, upper_high = _band(upper)
    lower_low, lower_high = _band(lower)
    return (
        _within(upper.disqualifiers, lower.disqualifiers)
        and _within(upper.must_have, lower.must_have)
        and _within(lower.include, upper.include)
        and upper.min_score <= lower.min_score
        and _coverage(upper, min_completeness) <= _coverage(lower, min_completeness)
        and upper_low <= lower_low
        and lower_high <= upper_high
    )


def _inverted(
    upper: Tier, lower: Tier, index: int, min_completeness: Decimal
) -> Iterator[Hit]:
    reasons = []
    if lower.min_score > upper.min_score:
        reasons.append(f"min_score {lower.min_score:g} > {upper.min_score:g}")
    lower_cover = _coverage(lower, min_completeness)
    upper_cover = _coverage(upper, min_completeness)
    if lower_cover > upper_cover:
        reasons.append(f"min_coverage_pct {lower_cover:g} > {upper_cover:g}")
    lower_floor, upper_floor = _band(lower)[0], _band(upper)[0]
    if lower_floor > upper_floor:
        shown = "none" if upper_floor == -INFINITY else f"{upper_floor:,}"
        reasons.append(f"potential at_least {lower_floor:,} > {shown}")
    if not reasons:
        return

    yield Hit(
        "tier-order-inverted",
        ("tiers", index),
        (
            f"{_named(lower)} asks more than {_named(upper)} above it "
            f"({'; '.join(reasons)}); tiers are tried best first, so an account "
            "stronger on that measure can land lower than a weaker one"
        ),
        (
            "order the tiers from most to least demanding, or lower these "
            f"thresholds of {lower.key} to at most those of {upper.key}"
        ),
    )


def _ceilings(active: Sequence[Indexed]) -> Iterator[Hit]:
    reported: set[int] = set()
    for position, (index, lower) in enumerate(active):
        for upper_index, upper in active[:position]:
            upper_high, lower_high = _band(upper)[1], _band(lower)[1]
            if lower_high < upper_high and index not in reported:
                reported.add(index)
                yield Hit(
                    "potential-ceiling",
                    ("tiers", index, "potential", "below"),
                    (
                        f"{_named(lower)} takes potential below {lower_high:,}, "
                        f"but {_named(upper)} above it admits more: an account "
                        f"of {lower_high:,} or more that {upper.key} turns away "
                        f"(its cap, gates or score) skips {lower.key}"
                    ),
                    (
                        f"leave {lower.key}'s potential.below open so accounts "
                        f"kept out of {upper.key} land here (the default model "
                        "does this for Tier 2)"
                    ),
                )
            if upper_high < lower_high and upper_index not in reported:
                reported.add(upper_index)
                yield Hit(
                    "potential-ceiling",
                    ("tiers", upper_index, "potential", "below"),
                    (
                        f"{_named(upper)} stops at potential below "
                        f"{upper_high:,}, yet {_named(lower)} below it admits "
                        f"more: the biggest accounts can reach {lower.key} but "
                        f"never {upper.key}"
                    ),
                    f"remove potential.below from {upper.key}",
                )


def _band(tier: Tier) -> tuple[Decimal, Decimal]:
    band = tier.potential
    low = band.at_least if band and band.at_least is not None else -INFINITY
    high = band.below if band and band.below is not None else INFINITY
    return low, high


def _coverage(tier: Tier, min_completeness: Decimal) -> Decimal:
    return max(tier.min_coverage_pct, min_completeness)


def _within(some: list[Gate], others: list[Gate]) -> bool:
    """Whether every gate of ``some`` has its condition among ``others``."""
    return all(any(gate.when == other.when for other in others) for gate in some)


def _named(tier: Tier) -> str:
    return f"{tier.key} ({tier.name})"
