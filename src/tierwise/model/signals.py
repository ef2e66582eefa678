"""The model's ``signals:`` section: how raw signal files become fields.

Teams rarely hold tidy per-account columns for engagement, intent and
access. They hold an activity log, a weekly intent file from a data vendor,
a contact list and a feed of dated company events. This section says how the
engine rolls each of them up to one value per account, counted from the
run's as-of date, into the fields the criteria score:

* ``activity``: events with a time and a kind (web visit, download, meeting)
  become counts in windows, decayed sums, the last engagement date and the
  account's recent activity against its own baseline;
* ``intent``: topic scores per week become one score, from the topics that
  matter, with old weeks fading;
* ``contacts``: people with a seniority and a role become executive access,
  champion and sponsor flags, buying-group coverage and contact engagement;
* ``events``: dated company events (funding rounds, contract ends) become
  the last or next such date, or a count in a window.

A field filled from a signal file comes from that file, never from a column
of the same name in the accounts file.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tierwise.model.fields import CANONICAL_FIELDS, FieldKind

__all__ = [
    "SENIORITY_LEVELS",
    "SIGNAL_SOURCES",
    "ActivitySignals",
    "Baseline",
    "ContactSignals",
    "EventSignals",
    "Feature",
    "IntentSignals",
    "Persona",
    "Signals",
]

# The kinds of signal file, in the order the engine joins them.
SIGNAL_SOURCES = ("activity", "intent", "contacts", "events")

# A key names SQL columns and aliases, so it keeps to these characters.
KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
Key = Annotated[str, Field(pattern=KEY_PATTERN, max_length=64)]
Days = Annotated[int, Field(ge=1, le=36_500)]

# What a feature computes over the rows of one account, and the kind of
# field it fills.
MEASURE_KINDS: dict[str, FieldKind] = {
    "count": FieldKind.NUMBER,
    "weighted_count": FieldKind.NUMBER,
    "decayed": FieldKind.NUMBER,
    "any": FieldKind.BOOLEAN,
    "last_date": FieldKind.DATE,
    "next_date": FieldKind.DATE,
    "latest_date": FieldKind.DATE,
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Feature(_Strict):
    """One field rolled up from activity or event rows of an account.

    ``kinds`` lists the kinds of row it reads (empty: every kind).
    ``measure`` is one of ``count`` (rows), ``weighted_count`` (sum of the
    rows' weights), ``decayed`` (sum of weights, each halved every
    ``half_life_days`` of age), ``any`` (true when a row exists),
    ``last_date`` (the latest date on or before the as-of date),
    ``next_date`` (the earliest date on or after it) and ``latest_date``
    (the latest date on record, before or after the as-of date: for dates
    that are scheduled, such as a contract's end, where the newest entry is
    the one in force). ``within_days`` keeps
    rows whose date is less than that many days before the as-of date (for
    ``next_date``: less than that many days after it); a row dated on the
    as-of date is 0 days old.
    """

    field: str
    kinds: list[str] = []
    measure: Literal[
        "count",
        "weighted_count",
        "decayed",
        "any",
        "last_date",
        "next_date",
        "latest_date",
    ]
    within_days: Days | None = None
    half_life_days: Days | None = None

    @model_validator(mode="after")
    def _half_life_for_decay(self) -> Feature:
        if self.measure == "decayed" and self.half_life_days is None:
            raise ValueError(
                f"feature {self.field!r}: measure 'decayed' needs half_life_days"
            )
        if self.measure != "decayed" and self.half_life_days is not None:
            raise ValueError(
                f"feature {self.field!r}: half_life_days applies only to "
                "measure 'decayed'"
            )
        return self

    @model_validator(mode="after")
    def _kind_fits_the_field(self) -> Feature:
        _check_kind(self.field, self.kind(), f"measure {self.measure!r}")
        return self

    def kind(self) -> FieldKind:
        """The kind of field this feature fills."""
        return MEASURE_KINDS[self.measure]


def _check_kind(field: str, kind: FieldKind, what: str) -> None:
    """A canonical field takes only values of its own kind."""
    known = CANONICAL_FIELDS.get(field)
    if known is not None and known != kind:
        raise ValueError(
            f"{what} gives a {kind.value}, but {field!r} is a {known.value}; "
            f"pick a measure that gives a {known.value} or fill another field"
        )


class Baseline(_Strict):
    """An account's recent activity against its own earlier activity.

    ``field`` gets the activity rate (weighted rows per day) of the last
    ``recent_days`` as a percentage of the rate over the ``baseline_days``
    before them: 100 is as usual, 300 a spike, 0 gone quiet. It is missing
    when the account had no activity in the baseline window.
    """

    field: str = "engagement_vs_baseline"
    kinds: list[str] = []
    recent_days: Days = 30
    baseline_days: Days = 180


def _one_feature_per_field(features: list[Feature], also: str | None = None) -> None:
    """Two features filling one field would leave it unclear which one wins."""
    seen: dict[str, int] = {}
    for index, feature in enumerate(features):
        if feature.field in seen:
            raise ValueError(
                f"features[{index}] fills {feature.field!r}, which "
                f"features[{seen[feature.field]}] fills already; give each "
                "feature its own field"
            )
        seen[feature.field] = index
    if also is not None and also in seen:
        raise ValueError(
            f"baseline fills {also!r}, which features[{seen[also]}] fills "
            "already; give the baseline its own field"
        )


class ActivitySignals(_Strict):
    """How an activity log becomes fields.

    ``kinds`` maps each of the model's activity kinds to the labels a file
    may use for it (matched without case, spaces, hyphens or underscores);
    a label not listed keeps its own name as its kind. ``skip_statuses``
    are values of an optional status column whose rows did not happen
    (scheduled, cancelled) and are not counted.
    """

    kinds: dict[Key, list[str]] = {}
    skip_statuses: list[str] = ["scheduled", "planned", "cancelled", "canceled"]
    features: list[Feature] = Field(min_length=1)
    baseline: Baseline | None = None

    @model_validator(mode="after")
    def _fields_once(self) -> ActivitySignals:
        baseline = self.baseline.field if self.baseline is not None else None
        _one_feature_per_field(self.features, baseline)
        return self


class IntentSignals(_Strict):
    """How a vendor's weekly topic scores become one intent score (0-100).

    Per topic, each week's score is halved every ``half_life_weeks`` of age
    (a week starting within the as-of date's week is 0 weeks old) and weeks
    older than ``max_age_weeks`` are left out; the topic's score is the
    highest of these. Topics combine by ``combine``: ``max`` takes the
    highest topic score times its weight over the largest weight,
    ``weighted_mean`` the weighted mean over the listed topics the vendor
    reported for the account. Topics not listed in ``topics`` are ignored.

    A vendor file lists only the accounts above its own surge threshold, so
    an account it leaves out is ``absent: unknown`` (the criterion is left
    out of its score) unless the model gives a score for it.
    """

    field: str = "intent_score"
    topics: dict[str, Annotated[int, Field(ge=1, le=1000)]] = Field(min_length=1)
    combine: Literal["max", "weighted_mean"] = "max"
    half_life_weeks: Annotated[int, Field(ge=1, le=520)] | None = None
    max_age_weeks: Annotated[int, Field(ge=0, le=520)] = 12
    absent: Literal["unknown"] | Annotated[Decimal, Field(ge=0, le=100)] = "unknown"

    @model_validator(mode="after")
    def _fills_a_number(self) -> IntentSignals:
        _check_kind(self.field, FieldKind.NUMBER, "an intent score")
        return self


class Persona(_Strict):
    """A member of the buying group: contacts with these roles or titles.

    Roles match without case or spacing; a title matches when it contains
    one of ``titles`` as a whole word or phrase.
    """

    roles: list[str] = []
    titles: list[str] = []

    @model_validator(mode="after")
    def _something_to_match(self) -> Persona:
        if not self.roles and not self.titles:
            raise ValueError("a persona needs roles: [...] or titles: [...]")
        return self


# Seniority levels a contact is read into, most senior first.
SENIORITY_LEVELS = ("c_level", "vp", "director", "manager", "staff")


class ContactSignals(_Strict):
    """How a contact list becomes access fields.

    A contact is engaged when its engagement is at least
    ``engaged_at_least``. ``executive_levels`` are the seniority levels
    counted as VP or above. The fields filled:

    * ``exec_access``: an engaged contact at an executive level;
    * ``champion_identified``: a contact of the ``champion`` persona;
    * ``exec_sponsor``: a contact of the ``executive_sponsor`` persona;
    * ``buying_group_coverage_pct``: the share of ``required_personas``
      with at least one contact (0-100);
    * ``contact_engagement``: the sum of the contacts' engagement.

    An account without contacts has no access, no champion, no sponsor and
    0% coverage: the contact list is taken as complete.
    """

    engaged_at_least: Annotated[Decimal, Field(ge=0)] = Decimal(1)
    executive_levels: list[str] = ["c_level", "vp"]
    personas: dict[Key, Persona] = {}
    required_personas: list[Key] = []

    @field_validator("executive_levels")
    @classmethod
    def _known_levels(cls, levels: list[str]) -> list[str]:
        unknown = [
            level
            for level in levels
            if re.sub(r"[\s_-]+", "_", level.strip().lower()) not in SENIORITY_LEVELS
        ]
        if unknown:
            raise ValueError(
                f"unknown seniority level {', '.join(map(repr, unknown))}; "
                f"executive_levels takes some of {', '.join(SENIORITY_LEVELS)}"
            )
        return levels

    @model_validator(mode="after")
    def _required_are_defined(self) -> ContactSignals:
        unknown = [key for key in self.required_personas if key not in self.personas]
        if unknown:
            raise ValueError(
                f"required_personas names {', '.join(unknown)}, not defined under "
                "personas; define them or remove them from the list"
            )
        return self


# The fields a contact list fills, and their kinds.
CONTACT_FIELDS: dict[str, FieldKind] = {
    "exec_access": FieldKind.BOOLEAN,
    "champion_identified": FieldKind.BOOLEAN,
    "exec_sponsor": FieldKind.BOOLEAN,
    "buying_group_coverage_pct": FieldKind.NUMBER,
    "contact_engagement": FieldKind.NUMBER,
}


class EventSignals(_Strict):
    """How a feed of dated company events becomes fields.

    ``kinds`` maps the model's event kinds to the labels a feed may use
    (``funding_round: [seed, series-a, series-b, venture]``).
    """

    kinds: dict[Key, list[str]] = {}
    features: list[Feature] = Field(min_length=1)

    @model_validator(mode="after")
    def _fields_once(self) -> EventSignals:
        _one_feature_per_field(self.features)
        return self


class Signals(_Strict):
    """The ``signals:`` section of a model."""

    timezone: str = "UTC"
    activity: ActivitySignals | None = None
    intent: IntentSignals | None = None
    contacts: ContactSignals | None = None
    events: EventSignals | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as "
                "UTC or Europe/Amsterdam"
            ) from None
        return value

    @model_validator(mode="after")
    def _one_source_per_field(self) -> Signals:
        filled_by: dict[str, str] = {}
        for source in SIGNAL_SOURCES:
            for name in self.filled_fields(source):
                if name in filled_by:
                    raise ValueError(
                        f"{source} and {filled_by[name]} both fill the field "
                        f"{name!r}; let one source fill it"
                    )
                filled_by[name] = source
        return self

    def filled_fields(self, source: str) -> dict[str, FieldKind]:
        """The fields one signal source fills, by name.

        ``source`` is ``activity``, ``intent``, ``contacts`` or ``events``;
        a source the model does not configure fills nothing.
        """
        filled: dict[str, FieldKind] = {}
        if source == "activity" and self.activity is not None:
            for feature in self.activity.features:
                filled[feature.field] = feature.kind()
            if self.activity.baseline is not None:
                filled[self.activity.baseline.field] = FieldKind.NUMBER
        elif source == "intent" and self.intent is not None:
            filled[self.intent.field] = FieldKind.NUMBER
        elif source == "contacts" and self.contacts is not None:
            filled.update(CONTACT_FIELDS)
        elif source == "events" and self.events is not None:
            for feature in self.events.features:
                filled[feature.field] = feature.kind()
        return filled
