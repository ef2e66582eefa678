"""Cross-field checks on a structurally valid model.

pydantic checks each value on its own; these checks look across the model:
that every field a criterion or gate reads exists and has the right kind,
that named lists exist, that keys are unique, and that the integer scoring
stays within 64-bit arithmetic. Each check yields a key path and a message.
"""

from __future__ import annotations

from collections.abc import Iterator

from tierwise.model.fields import FieldKind
from tierwise.model.schema import (
    FIELD_TESTS,
    BandsCriterion,
    BooleanCriterion,
    CategoryCriterion,
    Condition,
    ConditionsCriterion,
    Criterion,
    MembershipCriterion,
    RecencyCriterion,
    TieringModel,
)
from tierwise.model.weights import effective_weights

__all__ = ["check_model"]

Path = tuple[str | int, ...]
Finding = tuple[Path, str]

# The field kind each criterion kind scores.
CRITERION_FIELD_KIND: dict[type, FieldKind | None] = {
    BandsCriterion: FieldKind.NUMBER,
    CategoryCriterion: FieldKind.TEXT,
    BooleanCriterion: FieldKind.BOOLEAN,
    RecencyCriterion: FieldKind.DATE,
    MembershipCriterion: FieldKind.TEXT,
    ConditionsCriterion: None,
}

# Integer sums are compared after multiplying by 10,000 (two decimals of a
# percentage); keep the largest product well inside a signed 64-bit integer.
MAX_SCALED_TOTAL = 2**62


def check_model(model: TieringModel) -> list[Finding]:
    """Every cross-field problem in ``model``, in file order."""
    findings: list[Finding] = []
    findings += _check_keys(model)
    findings += _check_criteria(model)
    findings += _check_tiers(model)
    findings += _check_tie_break(model)
    return findings


def _check_keys(model: TieringModel) -> Iterator[Finding]:
    seen: set[str] = set()
    for d, dim in enumerate(model.dimensions):
        if dim.key in seen:
            yield ("dimensions", d, "key"), f"dimension key {dim.key!r} is used twice"
        seen.add(dim.key)

    criterion_keys: set[str] = set()
    for d, dim in enumerate(model.dimensions):
        for c, crit in enumerate(dim.criteria):
            if crit.key in criterion_keys:
                path = ("dimensions", d, "criteria", c, "key")
                yield path, f"criterion key {crit.key!r} is used twice"
            criterion_keys.add(crit.key)

    tier_keys: set[str] = set()
    for t, tier in enumerate(model.tiers):
        if tier.key in tier_keys or tier.key == "unassigned":
            yield ("tiers", t, "key"), f"tier key {tier.key!r} is taken"
        tier_keys.add(tier.key)

    for name in model.fields:
        if name in FieldKind.__members__.values():
            yield ("fields", name), f"{name!r} is a kind, not a field name"


def _check_criteria(model: TieringModel) -> Iterator[Finding]:
    kinds = model.field_kinds()
    scale = model.points_scale

    for d, dim in enumerate(model.dimensions):
        for c, crit in enumerate(dim.criteria):
            path: Path = ("dimensions", d, "criteria", c)
            yield from _check_field(crit.field, kinds, (*path, "field"))
            wanted = CRITERION_FIELD_KIND[type(crit)]
            actual = kinds.get(crit.field)
            if wanted and actual and actual != wanted:
                yield (
                    (*path, "field"),
                    (
                        f"a {crit.kind} criterion scores a {wanted} field, but "
                        f"{crit.field!r} is {actual}; pick another field or kind"
                    ),
                )
            for point_path, points in _points_of(crit):
                if points > scale:
                    yield (
                        (*path, *point_path),
                        (f"points run 0 to {scale} (points_scale), got {points}"),
                    )
            yield from _check_references(crit, model, kinds, path)

    if _largest_scaled_total(model) > MAX_SCALED_TOTAL:
        yield (
            ("dimensions",),
            (
                "the weights are too fine-grained to decide on whole numbers; "
                "use smaller whole-number weights"
            ),
        )


def _check_references(
    crit: Criterion,
    model: TieringModel,
    kinds: dict[str, FieldKind],
    path: Path,
) -> Iterator[Finding]:
    if isinstance(crit, MembershipCriterion):
        for i, entry in enumerate(crit.lists):
            if entry.list_name not in model.lists:
                yield (*path, "lists", i, "list"), _unknown_list(entry.list_name, model)
    if isinstance(crit, ConditionsCriterion):
        for i, rule in enumerate(crit.rules):
            rule_path = (*path, "rules", i, "when")
            yield from _check_condition(rule.when, model, kinds, rule_path)


def _check_tiers(model: TieringModel) -> Iterator[Finding]:
    kinds = model.field_kinds()
    if not model.active_tiers():
        yield ("tiers",), "every tier is switched off; enable at least one"

    for t, tier in enumerate(model.tiers):
        for group in ("must_have", "disqualifiers", "include"):
            for g, gate in enumerate(getattr(tier, group)):
                path: Path = ("tiers", t, group, g, "when")
                yield from _check_condition(gate.when, model, kinds, path)
        band = tier.potential
        low = band.at_least if band else None
        high = band.below if band else None
        if low is not None and high is not None and low >= high:
            yield (
                ("tiers", t, "potential"),
                ("at_least must be below `below`; no account could fit"),
            )


def _check_tie_break(model: TieringModel) -> Iterator[Finding]:
    numbers = [
        name for name, kind in model.field_kinds().items() if kind == FieldKind.NUMBER
    ]
    allowed = ["potential", "completeness", *(dim.key for dim in model.dimensions)]
    for i, key in enumerate(model.tie_break):
        if key not in allowed and key not in numbers:
            yield (
                ("tie_break", i),
                (
                    f"{key!r} cannot order accounts; use one of {', '.join(allowed)} "
                    "or a number field"
                ),
            )


def _check_condition(
    condition: Condition,
    model: TieringModel,
    kinds: dict[str, FieldKind],
    path: Path,
) -> Iterator[Finding]:
    if condition.field:
        yield from _check_field(condition.field, kinds, (*path, "field"))
        actual = kinds.get(condition.field)
        for test, value in condition.tests().items():
            allowed = FIELD_TESTS[test]
            if actual is not None and actual not in allowed:
                names = " or ".join(allowed)
                yield (
                    (*path, test),
                    (
                        f"`{test}` tests a {names} field, but {condition.field!r} "
                        f"is {actual}"
                    ),
                )
            if test == "in_list" and value not in model.lists:
                yield (*path, test), _unknown_list(str(value), model)
        return

    for group, children in (("all", condition.all_of), ("any", condition.any_of)):
        for i, child in enumerate(children or []):
            yield from _check_condition(child, model, kinds, (*path, group, i))
    if condition.not_ is not None:
        yield from _check_condition(condition.not_, model, kinds, (*path, "not"))


def _check_field(
    name: str, kinds: dict[str, FieldKind], path: Path
) -> Iterator[Finding]:
    if name not in kinds:
        yield (
            path,
            (
                f"unknown field {name!r}; use a canonical field or declare it under "
                f"`fields:` with its kind ({', '.join(FieldKind)})"
            ),
        )


def _unknown_list(name: str, model: TieringModel) -> str:
    known = ", ".join(model.lists) or "none yet"
    return f"no list named {name!r} under `lists:` (known: {known})"


def _points_of(crit: Criterion) -> Iterator[tuple[Path, int]]:
    if isinstance(crit.missing, int):
        yield ("missing",), crit.missing
    if isinstance(crit, BandsCriterion):
        for i, band in enumerate(crit.bands):
            yield ("bands", i, "points"), band.points
    if isinstance(crit, RecencyCriterion):
        for i, recency_band in enumerate(crit.bands or []):
            yield ("bands", i, "points"), recency_band.points
    if isinstance(crit, RecencyCriterion) and crit.max_points is not None:
        yield ("max_points",), crit.max_points
    if isinstance(crit, CategoryCriterion):
        yield ("default",), crit.default
        for value, points in crit.values.items():
            yield ("values", value), points
    if isinstance(crit, BooleanCriterion):
        yield ("true_points",), crit.true_points
        yield ("false_points",), crit.false_points
    if isinstance(crit, MembershipCriterion):
        for i, entry in enumerate(crit.lists):
            yield ("lists", i, "points"), entry.points
    if isinstance(crit, ConditionsCriterion):
        for i, rule in enumerate(crit.rules):
            yield ("rules", i, "points"), rule.points
    if not isinstance(crit, BooleanCriterion):
        yield ("otherwise",), getattr(crit, "otherwise", getattr(crit, "default", 0))


def _largest_scaled_total(model: TieringModel) -> int:
    """The largest weighed sum the engine forms, times the scaling it adds.

    Summed by criterion (completeness) or by dimension (the total), the
    engine's sums reach the same whole numbers: the effective weights'.
    """
    weights = effective_weights(model)
    return sum(weights.values()) * model.points_scale * 10_000 * 100
