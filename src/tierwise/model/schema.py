"""The tiering model file, as pydantic models.

A model says how accounts are scored (dimensions of weighted criteria), what
each tier requires (minimum score, potential band, coverage, must-haves,
disqualifiers, named-account includes, a cap) and how each tier is treated.
Every number that takes part in a decision is a whole number or a decimal
with at most two places, so the engine can decide on integers.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tierwise.model.fields import CANONICAL_FIELDS, FieldKind
from tierwise.model.signals import SIGNAL_SOURCES, Key, Signals

__all__ = [
    "Band",
    "BandsCriterion",
    "BooleanCriterion",
    "CategoryCriterion",
    "Condition",
    "ConditionsCriterion",
    "Criterion",
    "Dimension",
    "ExchangeRates",
    "Gate",
    "MembershipCriterion",
    "PotentialBand",
    "PotentialEstimate",
    "PotentialRule",
    "RecencyBand",
    "RecencyCriterion",
    "Tier",
    "TieringModel",
    "Treatment",
]

CURRENCY_PATTERN = r"^[A-Z]{3}$"
Points = Annotated[int, Field(ge=0)]
Weight = Annotated[int, Field(ge=1, le=1000)]
Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]
Money = Annotated[Decimal, Field(ge=0, decimal_places=2)]

# Comparison operators a condition may use on one field, and the kind of
# field each one needs. Kept here so error texts and the engine agree.
FIELD_TESTS: dict[str, tuple[FieldKind, ...]] = {
    "is": (FieldKind.BOOLEAN,),
    "missing": tuple(FieldKind),
    "equals": (FieldKind.TEXT, FieldKind.NUMBER),
    "one_of": (FieldKind.TEXT,),
    "in_list": (FieldKind.TEXT,),
    "at_least": (FieldKind.NUMBER,),
    "above": (FieldKind.NUMBER,),
    "at_most": (FieldKind.NUMBER,),
    "below": (FieldKind.NUMBER,),
    "days_until_above": (FieldKind.DATE,),
    "days_until_at_most": (FieldKind.DATE,),
    "days_since_above": (FieldKind.DATE,),
    "days_since_at_most": (FieldKind.DATE,),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Condition(_Strict):
    """A test on account fields: one field test, or all/any/not of others.

    Field tests: ``{field: exec_sponsor, is: true}``,
    ``{field: competitor_contract_end, days_until_above: 365}`` (the date is
    more than 365 days after the run's as-of date), ``{field: country,
    in_list: target_markets}``. A test on a missing value is not met, so a
    must-have needs the value and a disqualifier needs evidence.
    """

    all_of: list[Condition] | None = Field(default=None, alias="all")
    any_of: list[Condition] | None = Field(default=None, alias="any")
    not_: Condition | None = Field(default=None, alias="not")
    field: str | None = None
    is_: bool | None = Field(default=None, alias="is")
    missing: bool | None = None
    equals: str | Decimal | None = None
    one_of: list[str] | None = None
    in_list: str | None = None
    at_least: Decimal | None = None
    above: Decimal | None = None
    at_most: Decimal | None = None
    below: Decimal | None = None
    days_until_above: int | None = None
    days_until_at_most: int | None = None
    days_since_above: int | None = None
    days_since_at_most: int | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> Condition:
        groups = [self.all_of, self.any_of, self.not_]
        tests = self.tests()
        if sum(group is not None for group in groups) + bool(self.field) != 1:
            raise ValueError(
                "a condition is exactly one of: a field test (field: NAME plus "
                "one test), all: [...], any: [...] or not: {...}"
            )
        if self.field and len(tests) != 1:
            allowed = ", ".join(FIELD_TESTS)
            raise ValueError(
                f"a field test on {self.field!r} needs exactly one test of: "
                f"{allowed}; got {len(tests)}"
            )
        if not self.field and tests:
            raise ValueError("a test such as is/at_least needs a field: NAME")
        return self

    def tests(self) -> dict[str, Any]:
        """The field tests set on this condition, by their YAML name."""
        found: dict[str, Any] = {}
        for name in FIELD_TESTS:
            value = getattr(self, "is_" if name == "is" else name)
            if value is not None:
                found[name] = value
        return found

    def fields(self) -> set[str]:
        """Every field this condition reads, at any depth."""
        if self.field:
            return {self.field}
        children = (self.all_of or []) + (self.any_of or [])
        if self.not_ is not None:
            children.append(self.not_)
        return set().union(*(child.fields() for child in children))


class Gate(_Strict):
    """A named condition used as a must-have, a disqualifier or an include."""

    name: Key
    description: str = ""
    when: Condition


class Band(_Strict):
    """Points for numbers from ``at_least`` (inclusive) to ``below`` (exclusive)."""

    at_least: Decimal | None = None
    below: Decimal | None = None
    points: Points


class RecencyBand(_Strict):
    """Points for a date at most ``within_days`` days before the as-of date."""

    within_days: Annotated[int, Field(ge=0)]
    points: Points


class MembershipPoints(_Strict):
    list_name: str = Field(alias="list")
    points: Points


class ConditionPoints(_Strict):
    when: Condition
    points: Points


class _CriterionBase(_Strict):
    key: Key
    label: str = ""
    field: str
    weight: Weight = 1
    # "unknown" leaves the criterion out of the score and lowers the account's
    # completeness; a number is scored as those points (an explicit default).
    missing: Literal["unknown"] | Points = "unknown"
    note: str = ""


class BandsCriterion(_CriterionBase):
    kind: Literal["bands"]
    bands: list[Band] = Field(min_length=1)
    otherwise: Points = 0


class CategoryCriterion(_CriterionBase):
    kind: Literal["category"]
    values: dict[str, Points] = Field(min_length=1)
    default: Points = 0


class BooleanCriterion(_CriterionBase):
    kind: Literal["boolean"]
    true_points: Points
    false_points: Points = 0


class RecencyCriterion(_CriterionBase):
    """Points that fall as a date ages, by bands of days or by a half-life."""

    kind: Literal["recency"]
    bands: list[RecencyBand] | None = None
    half_life_days: Annotated[int, Field(ge=1)] | None = None
    max_points: Points | None = None
    otherwise: Points = 0

    @model_validator(mode="after")
    def _bands_or_half_life(self) -> RecencyCriterion:
        decays = self.half_life_days is not None
        if decays == (self.bands is not None):
            raise ValueError("a recency criterion has either bands or half_life_days")
        if decays and self.max_points is None:
            raise ValueError("half_life_days needs max_points (the points at day 0)")
        return self


class MembershipCriterion(_CriterionBase):
    kind: Literal["membership"]
    lists: list[MembershipPoints] = Field(min_length=1)
    otherwise: Points = 0


class ConditionsCriterion(_CriterionBase):
    """The points of the first rule whose condition holds."""

    kind: Literal["conditions"]
    rules: list[ConditionPoints] = Field(min_length=1)
    otherwise: Points = 0


Criterion = Annotated[
    BandsCriterion
    | CategoryCriterion
    | BooleanCriterion
    | RecencyCriterion
    | MembershipCriterion
    | ConditionsCriterion,
    Field(discriminator="kind"),
]


class Dimension(_Strict):
    key: Key
    name: str
    weight: Weight
    criteria: list[Criterion] = Field(min_length=1)


class PotentialBand(_Strict):
    at_least: Money | None = None
    below: Money | None = None


class PotentialEstimate(_Strict):
    """Estimate potential as a share of annual revenue, within bounds."""

    share_of_revenue: Annotated[Decimal, Field(gt=0, le=1, decimal_places=6)]
    at_least: Money = Decimal(0)
    at_most: Money | None = None


class PotentialRule(_Strict):
    field: str = "potential_acv"
    estimate: PotentialEstimate | None = None


class Treatment(_Strict):
    """How a tier is worked; kept for planning and shown in the summary."""

    owner_model: str = ""
    touch_cadence: str = ""
    plays: list[str] = []
    budget_share_pct: Percent | None = None
    expected_share_pct: Percent | None = None


class Tier(_Strict):
    key: Key
    name: str
    enabled: bool = True
    min_score: Percent
    min_coverage_pct: Percent = Decimal(0)
    potential: PotentialBand | None = None
    max_accounts: Annotated[int, Field(ge=1)] | None = None
    must_have: list[Gate] = []
    disqualifiers: list[Gate] = []
    include: list[Gate] = []
    treatment: Treatment = Treatment()

    @property
    def needs_potential(self) -> bool:
        """Whether the tier has a potential band, which an unknown potential fails."""
        band = self.potential
        return band is not None and (
            band.at_least is not None or band.below is not None
        )


class ExchangeRates(_Strict):
    """Conversion rates into the model's currency, and the day they held.

    ``rates`` gives, per currency code, the units of the model's currency one
    unit of it is worth (``USD: 0.92`` in a EUR model). Amounts in a
    currency without a rate stop an import rather than pass as the model's.
    """

    as_of: date
    rates: dict[
        Annotated[str, Field(pattern=CURRENCY_PATTERN)], Annotated[Decimal, Field(gt=0)]
    ]


class TieringModel(_Strict):
    """A whole tiering model: scoring, tiers and treatments."""

    name: str
    description: str = ""
    currency: Annotated[str, Field(pattern=CURRENCY_PATTERN)]
    points_scale: Annotated[int, Field(ge=1, le=1000)] = 10
    min_completeness_pct: Percent = Decimal(0)
    lists: dict[str, list[str]] = {}
    fields: dict[str, FieldKind] = {}
    potential: PotentialRule = PotentialRule()
    dimensions: list[Dimension] = Field(min_length=1)
    tiers: list[Tier] = Field(min_length=1)
    # Order among accounts with equal totals at a cap; account_id always ends it.
    tie_break: list[str] = ["potential"]
    exchange_rates: ExchangeRates | None = None
    signals: Signals | None = None

    @model_validator(mode="after")
    def _signal_fields_agree(self) -> TieringModel:
        # Canonical fields and clashes between sources are checked in the
        # signals section itself; here, the model's own fields.
        if self.signals is None:
            return self
        for source in SIGNAL_SOURCES:
            for name, kind in self.signals.filled_fields(source).items():
                known = self.fields.get(name)
                if known is not None and known != kind:
                    raise ValueError(
                        f"signals.{source} fills {name!r} with a {kind.value}, but "
                        f"fields: declares it a {known.value}; pick a measure that "
                        f"gives a {known.value} or fill another field"
                    )
        return self

    @model_validator(mode="after")
    def _own_currency_is_one(self) -> TieringModel:
        rates = self.exchange_rates.rates if self.exchange_rates else {}
        own = rates.get(self.currency)
        if own is not None and own != 1:
            raise ValueError(
                f"exchange_rates.rates.{self.currency} is the model's own currency "
                f"and must be 1 (or left out), got {own}"
            )
        return self

    def field_kinds(self) -> dict[str, FieldKind]:
        """Canonical fields, those signal files fill and the model's own."""
        return {**CANONICAL_FIELDS, **self.signal_fields(), **self.fields}

    def signal_fields(self, sources: Collection[str] = ()) -> dict[str, FieldKind]:
        """The fields the model's signal sections fill, by name.

        ``sources`` limits them to some of ``activity``, ``intent``,
        ``contacts`` and ``events``; empty means all four.
        """
        if self.signals is None:
            return {}
        filled: dict[str, FieldKind] = {}
        for source in sources or SIGNAL_SOURCES:
            filled.update(self.signals.filled_fields(source))
        return filled

    def filled_by(self, only_read: bool = False) -> dict[str, str]:
        """The kind of signal file (``contacts``…) that fills each field the
        model's signal sections fill, by field name.

        ``only_read`` keeps the fields scoring reads (see `read_fields`): a
        field no criterion, gate, potential or tie-break reads changes no
        tier whether a file gives it or not, so no note should name it.
        """
        read = self.read_fields() if only_read else None
        return {
            name: source
            for source in SIGNAL_SOURCES
            for name in self.signal_fields([source])
            if read is None or name in read
        }

    def read_fields(self) -> dict[str, FieldKind]:
        """The fields scoring reads: identity, criteria, gates, potential, ties.

        A reader may leave every other field out; the engine treats it as
        absent.
        """
        used = {"account_id", "name", self.potential.field, *self.tested_fields()}
        if self.potential.estimate is not None:
            used.add("annual_revenue")
        used |= set(self.tie_break)
        kinds = self.field_kinds()
        return {name: kind for name, kind in kinds.items() if name in used}

    def tested_fields(self) -> set[str]:
        """The fields criteria and tier gates test (an include rule may name
        accounts by ``account_id`` or ``name``)."""
        tested: set[str] = set()
        for _, crit in self.criteria():
            tested.add(crit.field)
            if isinstance(crit, ConditionsCriterion):
                tested |= set().union(*(rule.when.fields() for rule in crit.rules))
        for tier in self.tiers:
            for gate in (*tier.must_have, *tier.disqualifiers, *tier.include):
                tested |= gate.when.fields()
        return tested

    def active_tiers(self) -> list[Tier]:
        return [tier for tier in self.tiers if tier.enabled]

    def criteria(self) -> list[tuple[Dimension, Criterion]]:
        return [(dim, crit) for dim in self.dimensions for crit in dim.criteria]
