"""Signal rows rolled up to account fields, as steps of the scoring query.

The readers put the rows of each signal file that matched an account in a
table of the run's connection (see :data:`MATCHED_TABLES`). For each source a
run has, this module adds one step that groups those rows by account and
computes every field the model's ``signals:`` section says the source fills;
the ``source`` step then LEFT JOINs these steps and takes the filled fields
from them, with a default for an account that has no rows:

=================  ====================================================
measure            value for an account without rows
=================  ====================================================
count, weighted    0
decayed            0
any                false
dates              NULL (never, or nothing scheduled)
baseline           NULL (no activity to compare with)
intent             the model's ``absent`` score, else NULL (unknown)
contacts           no access, champion or sponsor; 0% coverage; 0
=================  ====================================================

Ages are whole days from the as-of date; windows are compared with date
literals worked out here, so every engine counts the same rows.

Exactness. Counts and dates are exact. Three values are floating point and
may feed a band: decayed sums (``weight * 0.5 ** (age / half_life)``), the
baseline percentage and an intent score that decays or combines by
``weighted_mean``; an engine may differ from another in the last bit of
these, so an account whose value lies within a rounding error of a band's
edge may score differently across engines. An intent score whose topic is
reported for the as-of week combines by ``max`` exactly (``score * weight``
divided once by the largest weight), as does a coverage over a number of
personas that divides 100.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, timedelta

from sqlglot import exp

from tierwise.engine.sql import case, coalesce, col, date_literal, ident, lit
from tierwise.errors import TierwiseError
from tierwise.model.schema import TieringModel
from tierwise.model.signals import SIGNAL_SOURCES, Feature, Persona, Signals
from tierwise.sources.signals.labels import kind_of, normalise_label

__all__ = [
    "FEATURE_STEPS",
    "MATCHED_TABLES",
    "check_sources",
    "join_signals",
    "kind_key",
    "label_key",
    "persona_matches",
    "signal_steps",
    "signal_values",
]

# The tables the readers fill with matched rows, by source.
MATCHED_TABLES = {
    "activity": "signal_activity",
    "intent": "signal_intent",
    "contacts": "signal_contacts",
    "events": "signal_events",
}

# The query's step holding one row of features per account, by source.
FEATURE_STEPS = {source: f"{source}_features" for source in SIGNAL_SOURCES}

# Per topic and account before topics are combined.
INTENT_TOPICS_STEP = "intent_topics"

DAYS_PER_WEEK = 7

# Punctuation read as a word break when a title is matched against a phrase.
TITLE_BREAKS = ",./&()[];:|+"


def label_key(label: str) -> str:
    """A label as files and the model are compared (one rule for both sides).

    >>> label_key("  Web-Visit__count ")
    'web visit count'
    """
    return normalise_label(label)


def kind_key(label: str, kinds: Mapping[str, list[str]]) -> str:
    """The model's kind for a file's ``label``, else the label as a key.

    >>> kind_key("Page View", {"web_visit": ["page view"]})
    'web_visit'
    >>> kind_key("Trade Show", {})
    'trade_show'
    """
    return kind_of(label, kinds)


def check_sources(model: TieringModel, sources: Collection[str]) -> None:
    """Raise unless the model says how to read every source in ``sources``.

    Raises:
        TierwiseError: for an unknown source or one without a section.
    """
    for source in sources:
        if source not in SIGNAL_SOURCES:
            raise TierwiseError(
                f"unknown signal source {source!r}; use one of "
                f"{', '.join(SIGNAL_SOURCES)}"
            )
        if model.signals is None or not model.signals.filled_fields(source):
            raise TierwiseError(
                f"a {source} file was given, but the model has no "
                f"signals.{source} section saying how to read it; add one "
                "(see docs/model.md, Signals) or leave the file out"
            )


def signal_steps(
    model: TieringModel, as_of: date, sources: Collection[str]
) -> dict[str, exp.Select]:
    """The feature steps for ``sources``, in the order the query needs them.

    Each groups its matched table by ``account_id``; the intent source adds
    a step per account and topic before it.
    """
    check_sources(model, sources)
    if not sources:
        return {}
    signals = _signals(model)
    steps: dict[str, exp.Select] = {}
    for source in SIGNAL_SOURCES:
        if source not in sources:
            continue
        if source == "activity":
            steps[FEATURE_STEPS[source]] = _activity_step(signals, as_of)
        elif source == "intent":
            steps[INTENT_TOPICS_STEP] = _intent_topics_step(signals, as_of)
            steps[FEATURE_STEPS[source]] = _intent_step(signals)
        elif source == "contacts":
            steps[FEATURE_STEPS[source]] = _contacts_step(signals)
        else:
            steps[FEATURE_STEPS[source]] = _events_step(signals, as_of)
    return steps


def signal_values(model: TieringModel, sources: Collection[str]) -> dict[str, exp.Expr]:
    """Each field the ``sources`` fill, read from its step with its default."""
    if not sources:
        return {}
    signals = _signals(model)
    values: dict[str, exp.Expr] = {}
    for source in SIGNAL_SOURCES:
        if source not in sources:
            continue
        step = FEATURE_STEPS[source]
        for name, default in _defaults(signals, source).items():
            value = col(name, step)
            values[name] = value if default is None else coalesce(value, default)
    return values


def join_signals(select: exp.Select, sources: Collection[str]) -> exp.Select:
    """``select`` LEFT JOINed with the feature steps of ``sources``."""
    for source in SIGNAL_SOURCES:
        if source in sources:
            select = select.join(
                ident(FEATURE_STEPS[source]), using=["account_id"], join_type="left"
            )
    return select


def _signals(model: TieringModel) -> Signals:
    if model.signals is None:
        raise TierwiseError("the model has no signals section")
    return model.signals


def _defaults(signals: Signals, source: str) -> dict[str, exp.Expr | None]:
    """The value of each filled field for an account without rows."""
    if source == "intent" and signals.intent is not None:
        absent = signals.intent.absent
        return {signals.intent.field: None if absent == "unknown" else lit(absent)}
    if source == "contacts" and signals.contacts is not None:
        coverage = lit(0) if signals.contacts.required_personas else None
        return {
            "exec_access": lit(False),
            "champion_identified": lit(False),
            "exec_sponsor": lit(False),
            "buying_group_coverage_pct": coverage,
            "contact_engagement": lit(0),
        }
    defaults: dict[str, exp.Expr | None] = {}
    section = signals.activity if source == "activity" else signals.events
    for feature in section.features if section is not None else []:
        defaults[feature.field] = _feature_default(feature)
    if source == "activity" and signals.activity and signals.activity.baseline:
        defaults[signals.activity.baseline.field] = None
    return defaults


def _feature_default(feature: Feature) -> exp.Expr | None:
    if feature.measure in ("count", "weighted_count", "decayed"):
        return lit(0)
    if feature.measure == "any":
        return lit(False)
    return None


# Activity and events ------------------------------------------------------


def age_days(day: exp.Expr, as_of: date) -> exp.Expr:
    """Whole days from ``day`` to the as-of date (0 on the day itself)."""
    return exp.DateDiff(
        this=date_literal(as_of), expression=day, unit=exp.Var(this="DAY")
    )


def halved(age: exp.Expr, half_life: int) -> exp.Expr:
    """``0.5 ** (age / half_life)``, in floating point."""
    exponent = exp.Div(this=exp.cast(age, "DOUBLE"), expression=lit(half_life))
    return exp.Pow(this=exp.Literal.number("0.5"), expression=exponent)


def feature_condition(
    feature: Feature, kinds: Mapping[str, list[str]], as_of: date
) -> exp.Expr:
    """Whether a row counts for ``feature``: its kind and its date."""
    day = col("occurred_on")
    parts: list[exp.Expr] = []
    wanted = sorted({kind_key(kind, kinds) for kind in feature.kinds})
    if wanted:
        parts.append(exp.In(this=col("kind"), expressions=[lit(k) for k in wanted]))

    within = feature.within_days
    if feature.measure == "next_date":
        parts.append(exp.GTE(this=day, expression=date_literal(as_of)))
        if within is not None:
            end = date_literal(as_of + timedelta(within))
            parts.append(exp.LT(this=day, expression=end))
        return exp.and_(*parts)

    if feature.measure != "latest_date":
        parts.append(exp.LTE(this=day, expression=date_literal(as_of)))
    if within is not None:
        start = date_literal(as_of - timedelta(within))
        parts.append(exp.GT(this=day, expression=start))
    return exp.and_(*parts) if parts else lit(True)


def feature_sql(
    feature: Feature,
    kinds: Mapping[str, list[str]],
    as_of: date,
    weight: exp.Expr,
) -> exp.Expr:
    """The aggregate that fills ``feature`` from the rows of one account."""
    counted = feature_condition(feature, kinds, as_of)
    day = col("occurred_on")
    measure = feature.measure
    if measure == "count":
        return exp.Sum(this=case([(counted, lit(1))], lit(0)))
    if measure == "weighted_count":
        return exp.Sum(this=case([(counted, weight)], lit(0)))
    if measure == "decayed":
        factor = halved(age_days(day, as_of), feature.half_life_days or 1)
        decayed = exp.Mul(this=weight, expression=factor)
        return exp.Sum(this=case([(counted, decayed)], lit(0)))
    if measure == "any":
        hits = exp.Sum(this=case([(counted, lit(1))], lit(0)))
        return exp.GT(this=hits, expression=lit(0))
    if measure == "next_date":
        return exp.Min(this=case([(counted, day)]))
    return exp.Max(this=case([(counted, day)]))


def baseline_windows(signals: Signals, as_of: date) -> tuple[exp.Expr, exp.Expr]:
    """Whether a row lies in the recent window, and in the baseline before it."""
    activity = signals.activity
    if activity is None or activity.baseline is None:
        raise TierwiseError("the model's activity section has no baseline")
    baseline = activity.baseline
    day = col("occurred_on")
    recent_start = as_of - timedelta(baseline.recent_days)
    base_start = recent_start - timedelta(baseline.baseline_days)
    wanted = sorted({kind_key(kind, activity.kinds) for kind in baseline.kinds})
    kind_ok: list[exp.Expr] = []
    if wanted:
        kind_ok.append(exp.In(this=col("kind"), expressions=[lit(k) for k in wanted]))

    recent = exp.and_(
        *kind_ok,
        exp.LTE(this=day, expression=date_literal(as_of)),
        exp.GT(this=day, expression=date_literal(recent_start)),
    )
    earlier = exp.and_(
        *[part.copy() for part in kind_ok],
        exp.LTE(this=day.copy(), expression=date_literal(recent_start)),
        exp.GT(this=day.copy(), expression=date_literal(base_start)),
    )
    return recent, earlier


def baseline_sql(signals: Signals, as_of: date) -> exp.Expr:
    """Recent activity rate as a percentage of the earlier baseline rate."""
    recent, earlier = baseline_windows(signals, as_of)
    baseline = signals.activity.baseline if signals.activity else None
    if baseline is None:
        raise TierwiseError("the model's activity section has no baseline")
    recent_sum = exp.Sum(this=case([(recent, _weight())], lit(0)))
    base_sum = exp.Sum(this=case([(earlier, _weight())], lit(0)))

    # rate = sum / days; the quotient of two rates is divided once.
    numerator = exp.Mul(
        this=exp.Mul(this=lit(100), expression=exp.cast(recent_sum, "DOUBLE")),
        expression=lit(baseline.baseline_days),
    )
    denominator = exp.Mul(
        this=exp.cast(base_sum.copy(), "DOUBLE"), expression=lit(baseline.recent_days)
    )
    ratio = exp.Div(this=numerator, expression=exp.Paren(this=denominator))
    return case([(exp.GT(this=base_sum.copy(), expression=lit(0)), ratio)])


def _weight() -> exp.Expr:
    return coalesce(exp.cast(col("weight"), "DOUBLE"), lit(1))


def _activity_step(signals: Signals, as_of: date) -> exp.Select:
    activity = signals.activity
    if activity is None:
        raise TierwiseError("the model has no signals.activity section")
    selected: list[exp.Expr] = [col("account_id")]
    for feature in activity.features:
        value = feature_sql(feature, activity.kinds, as_of, _weight())
        selected.append(exp.alias_(value, feature.field, quoted=True))
    if activity.baseline is not None:
        value = baseline_sql(signals, as_of)
        selected.append(exp.alias_(value, activity.baseline.field, quoted=True))
    return _grouped(selected, MATCHED_TABLES["activity"])


def _events_step(signals: Signals, as_of: date) -> exp.Select:
    events = signals.events
    if events is None:
        raise TierwiseError("the model has no signals.events section")
    selected: list[exp.Expr] = [col("account_id")]
    for feature in events.features:
        # Events carry no weight: each counts 1.
        value = feature_sql(feature, events.kinds, as_of, lit(1))
        selected.append(exp.alias_(value, feature.field, quoted=True))
    return _grouped(selected, MATCHED_TABLES["events"])


def _grouped(selected: list[exp.Expr], table: str) -> exp.Select:
    return exp.select(*selected).from_(ident(table)).group_by(col("account_id"))


# Intent -------------------------------------------------------------------


def intent_window(signals: Signals, as_of: date) -> exp.Expr:
    """Weeks that count: listed topics, on or before as-of, not too old."""
    intent = signals.intent
    if intent is None:
        raise TierwiseError("the model has no signals.intent section")
    week = col("week")
    oldest = as_of - timedelta(DAYS_PER_WEEK * (intent.max_age_weeks + 1))
    topics = sorted({label_key(topic) for topic in intent.topics})
    return exp.and_(
        exp.In(this=col("topic"), expressions=[lit(topic) for topic in topics]),
        exp.LTE(this=week, expression=date_literal(as_of)),
        exp.GT(this=week, expression=date_literal(oldest)),
    )


def age_weeks(as_of: date) -> exp.Expr:
    """Whole weeks from a row's week to the as-of date (0 in the as-of week)."""
    return exp.IntDiv(this=age_days(col("week"), as_of), expression=lit(DAYS_PER_WEEK))


def week_score(signals: Signals, as_of: date) -> exp.Expr:
    """A week's score after decay (the score itself without a half-life)."""
    intent = signals.intent
    score = exp.cast(col("score"), "DOUBLE")
    if intent is None or intent.half_life_weeks is None:
        return score
    return exp.Mul(
        this=score, expression=halved(age_weeks(as_of), intent.half_life_weeks)
    )


def topic_weight(signals: Signals) -> exp.Expr:
    """The model's whole-number weight of the row's topic."""
    intent = signals.intent
    topics = intent.topics if intent is not None else {}
    whens = [
        (exp.EQ(this=col("topic"), expression=lit(label_key(topic))), lit(weight))
        for topic, weight in sorted(topics.items())
    ]
    return case(whens, lit(0))


def _intent_topics_step(signals: Signals, as_of: date) -> exp.Select:
    best = exp.Max(this=week_score(signals, as_of))
    return (
        exp.select(
            col("account_id"),
            col("topic"),
            exp.alias_(best, "topic_score", quoted=True),
        )
        .from_(ident(MATCHED_TABLES["intent"]))
        .where(intent_window(signals, as_of))
        .group_by(col("account_id"), col("topic"))
    )


def _intent_step(signals: Signals) -> exp.Select:
    intent = signals.intent
    if intent is None:
        raise TierwiseError("the model has no signals.intent section")
    weight = topic_weight(signals)
    weighted = exp.Mul(this=col("topic_score"), expression=weight)
    if intent.combine == "max":
        largest = max(intent.topics.values())
        combined: exp.Expr = exp.Div(
            this=exp.Max(this=weighted), expression=lit(largest)
        )
    else:
        combined = exp.Div(
            this=exp.Sum(this=weighted),
            expression=exp.cast(exp.Sum(this=weight.copy()), "DOUBLE"),
        )
    return (
        exp.select(col("account_id"), exp.alias_(combined, intent.field, quoted=True))
        .from_(ident(INTENT_TOPICS_STEP))
        .group_by(col("account_id"))
    )


# Contacts -----------------------------------------------------------------


def persona_matches(persona: Persona) -> exp.Expr:
    """A contact is of ``persona``: one of its roles, or a phrase in its title.

    Reads the column ``title_words`` of :func:`contact_rows`: the title with
    its punctuation read as spaces and a space at each end, so ``architect``
    matches "chief architect, cloud" but not "architecture".
    """
    parts: list[exp.Expr] = []
    roles = sorted({label_key(role) for role in persona.roles})
    if roles:
        parts.append(exp.In(this=col("role"), expressions=[lit(r) for r in roles]))
    for phrase in sorted({_title_phrase(t) for t in persona.titles} - {""}):
        words = col("title_words")
        parts.append(exp.Like(this=words, expression=lit(f"% {phrase} %")))
    return exp.Paren(this=exp.or_(*parts))


def contact_rows() -> exp.Select:
    """The matched contacts with ``title_words`` for persona matching."""
    title = coalesce(col("title"), lit(""))
    spaces = " " * len(TITLE_BREAKS)
    plain = exp.func("TRANSLATE", title, lit(TITLE_BREAKS), lit(spaces))
    padded = exp.DPipe(
        this=exp.DPipe(this=lit(" "), expression=plain, safe=True),
        expression=lit(" "),
        safe=True,
    )
    names = ("account_id", "contact_id", "level", "role", "engagement", "source_row")
    return exp.select(
        *(col(name) for name in names),
        exp.alias_(padded, "title_words", quoted=True),
    ).from_(ident(MATCHED_TABLES["contacts"]))


def _title_phrase(phrase: str) -> str:
    """A title phrase as the padded title holds it, with no LIKE wildcards."""
    spaced = "".join(" " if mark in TITLE_BREAKS else mark for mark in phrase)
    return label_key(spaced).replace("%", "")


def named_persona(signals: Signals, key: str, role: str) -> Persona:
    """The model's persona ``key``, else one matched by the role ``role``."""
    contacts = signals.contacts
    personas = contacts.personas if contacts is not None else {}
    return personas.get(key) or Persona(roles=[role])


def exec_condition(signals: Signals) -> exp.Expr:
    """An engaged contact at one of the model's executive levels."""
    contacts = signals.contacts
    if contacts is None:
        raise TierwiseError("the model has no signals.contacts section")
    levels = sorted(
        {label_key(level).replace(" ", "_") for level in contacts.executive_levels}
    )
    return exp.and_(
        exp.In(this=col("level"), expressions=[lit(level) for level in levels]),
        exp.GTE(this=_engagement(), expression=lit(contacts.engaged_at_least)),
    )


def _engagement() -> exp.Expr:
    return coalesce(exp.cast(col("engagement"), "DOUBLE"), lit(0))


def _any(condition: exp.Expr) -> exp.Expr:
    hits = exp.Max(this=case([(condition, lit(1))], lit(0)))
    return exp.EQ(this=hits, expression=lit(1))


def _contacts_step(signals: Signals) -> exp.Select:
    contacts = signals.contacts
    if contacts is None:
        raise TierwiseError("the model has no signals.contacts section")
    champion = named_persona(signals, "champion", "champion")
    sponsor = named_persona(signals, "executive_sponsor", "executive sponsor")

    required = contacts.required_personas
    present = [
        exp.Max(this=case([(persona_matches(contacts.personas[key]), lit(1))], lit(0)))
        for key in required
    ]
    coverage: exp.Expr = exp.Null()
    if present:
        covered: exp.Expr = present[0]
        for term in present[1:]:
            covered = exp.Add(this=covered, expression=term)
        coverage = exp.Div(
            this=exp.Mul(
                this=lit(100), expression=exp.cast(exp.Paren(this=covered), "DOUBLE")
            ),
            expression=lit(len(required)),
        )

    selected: list[exp.Expr] = [
        col("account_id"),
        exp.alias_(_any(exec_condition(signals)), "exec_access", quoted=True),
        exp.alias_(_any(persona_matches(champion)), "champion_identified", quoted=True),
        exp.alias_(_any(persona_matches(sponsor)), "exec_sponsor", quoted=True),
        exp.alias_(coverage, "buying_group_coverage_pct", quoted=True),
        exp.alias_(exp.Sum(this=_engagement()), "contact_engagement", quoted=True),
    ]
    rows = contact_rows().subquery("contacts", copy=False)
    return exp.select(*selected).from_(rows).group_by(col("account_id"))
