"""How the demo's potential, engagement and accessibility values are made.

Firmographics (name, industry, size, growth) come from the Fortune list or from
`synthetic`; everything an ABM team would know only from its own CRM, its web
analytics and its intent vendor is invented here, from a seeded NumPy
generator, so that the demo behaves like a real portfolio without describing
any real relationship. The rules, in the order the values are drawn:

Size. Every rule that depends on size reads ``size``, the decimal logarithm of
annual revenue in units of EUR 1 billion (0 at EUR 1B, 1 at EUR 10B, -2 at
EUR 10M). It is a fixed transform, not a rank within the portfolio, so a
company's values do not depend on which other companies were generated.

Warmth. One hidden number per account, standard normal plus
``WARMTH_SIZE_WEIGHT * size``, stands for the history between us and the
account. It drives the relationship, the engagement and the access below, which
is what makes those fields correlated with each other as they are in real data.

Potential. ``potential_acv`` is 0.05% of annual revenue (``ACV_SHARE_OF_REVENUE``)
times a log-normal factor with median 1 (``ACV_NOISE_SIGMA``), rounded to
whole thousands and bounded to EUR 10K-5M. ``expansion_units`` is 1 plus a
Poisson count whose mean grows tenfold with every ``1 / EXPANSION_SIZE_SLOPE``
decades of revenue. ``partner_value`` is true for ``PARTNER_SHARE`` of
accounts. ``reference_value`` compares size plus noise with two cut-offs:
flagship above ``FLAGSHIP_CUT``, known above ``KNOWN_CUT``, none below.

Relationship. Warmth above ``STRONG_RELATIONSHIP_CUT`` is a strong
relationship, above ``SOME_RELATIONSHIP_CUT`` some, otherwise none.

Engagement. An engagement level mixes size, warmth and noise. Web visits in
the last 30 days, content downloads in the last 90 and events attended in the
last 180 are Poisson counts whose means are the level's exponential scaled per
channel (with extra noise per channel), so they rise together. The last
engagement date is the most recent activity implied by those counts (each
count's events spread evenly over its window); an account with no recent
activity either engaged long ago (more likely with a relationship) or never,
which is a null date. No date lies after ``as_of``.

Intent. A vendor covers ``INTENT_COVERAGE_AT_1B`` of accounts at EUR 1B
revenue, more for larger and fewer for smaller ones, within
``INTENT_COVERAGE_BOUNDS``; every other account has a null ``intent_score``,
which means unknown. Covered accounts get 0-100, centred on
``INTENT_CENTRE`` and rising with engagement.

Access. A champion, an executive sponsor and executive access are drawn with
probabilities per relationship level (and, for the sponsor, whether a
champion exists), so they are rare overall and cluster where the relationship
is strong. An executive sponsor always brings executive access.

Competition. ``INCUMBENT_SHARE`` of accounts have an incumbent competitor,
whose contract ends on a day drawn evenly from ``CONTRACT_END_DAYS`` around
``as_of`` (from already expired to three years out); the end date is null
where there is no incumbent.

What the knobs aim for. Tiered by the bundled default model as of
``DEMO_AS_OF``, the demo with seed 2020 has 33 accounts that meet every Tier 1
condition, so the cap of 15 moves 18 of them down; about 640 score 50 or
more, so Tier 2's cap of 100 bites too; the other 885 land in Tier 3. None is
unassigned: every Fortune company is large and American, and fit and contract
potential alone earn it more than 30 points, so the spread below Tier 3 shows
only in synthetic portfolios. Seeds 1 to 9 give 18 to 28 Tier 1 candidates.
The executive-sponsor must-have is what limits Tier 1, so the sponsor shares
are the first knobs to turn; ``tests/sample/test_sample_demo_tiers.py`` holds
this shape.

Raw files. The demo's engagement, intent, access and contract ends are also
written as the raw signal files a team would hold (an activity log, a
vendor's intent file, a contact list, an event feed) by
`tierwise.sample.signals`, so that rolled up they give back exactly these
values; ``tierwise demo`` scores through those files.

Every constant below is a knob: change it to reshape the demo. Each group of
fields (warmth, potential, engagement, intent, access, competition) draws from
its own stream split off the seed, so turning one group's knob leaves the
other groups' values as they were. The draws happen in a fixed order over
whole arrays, so a seed gives the same values on every machine with the same
NumPy release; NumPy may change its generators' algorithms between feature
releases, which would change the demo's generated values.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pyarrow as pa

__all__ = ["generate_behaviour", "revenue_size"]

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

EPOCH = date(1970, 1, 1)

# Size: decades of revenue around EUR 1B.
SIZE_REFERENCE_REVENUE = 1e9

# Warmth: standard normal, nudged up for larger companies.
WARMTH_SIZE_WEIGHT = 0.3

# Potential.
ACV_SHARE_OF_REVENUE = 0.0005
ACV_NOISE_SIGMA = 1.0
ACV_BOUNDS = (10_000.0, 5_000_000.0)
ACV_ROUNDING = 1_000.0
EXPANSION_MEAN_AT_1B = 0.4
EXPANSION_SIZE_SLOPE = 0.5
EXPANSION_MAX_UNITS = 60
PARTNER_SHARE = 0.06
REFERENCE_SIZE_WEIGHT = 1.0
FLAGSHIP_CUT = 2.0
KNOWN_CUT = 1.0
REFERENCE_LEVELS = ("none", "known", "flagship")

# Relationship: cut-offs on warmth.
STRONG_RELATIONSHIP_CUT = 1.6
SOME_RELATIONSHIP_CUT = 0.7
RELATIONSHIP_LEVELS = ("none", "some", "strong")

# Engagement level = size and warmth weights plus noise; each channel's mean
# count is exp(level + channel offset + channel noise).
ENGAGEMENT_SIZE_WEIGHT = 0.3
ENGAGEMENT_WARMTH_WEIGHT = 2.0
ENGAGEMENT_NOISE = 0.6
CHANNEL_NOISE = 0.5
WEB_VISITS_LOG_MEAN = float(np.log(0.15))
DOWNLOADS_LOG_MEAN = float(np.log(0.08))
EVENTS_LOG_MEAN = float(np.log(0.03))
WEB_VISITS_WINDOW_DAYS = 30
DOWNLOADS_WINDOW_DAYS = 90
EVENTS_WINDOW_DAYS = 180

# Accounts without recent activity: share per relationship level (none, some,
# strong) that engaged at some earlier time, and how long ago.
LAPSED_ENGAGEMENT_SHARE = (0.15, 0.6, 0.9)
LAPSED_MEAN_DAYS = 300.0
LAPSED_MAX_DAYS = 5 * 365

# Intent: vendor coverage rises with size; scores rise with engagement.
INTENT_COVERAGE_AT_1B = 0.25
INTENT_COVERAGE_SIZE_SLOPE = 0.08
INTENT_COVERAGE_BOUNDS = (0.05, 0.45)
INTENT_CENTRE = 35.0
INTENT_ENGAGEMENT_WEIGHT = 7.0
INTENT_NOISE = 15.0

# Access: probabilities per relationship level (none, some, strong).
CHAMPION_SHARE = (0.01, 0.08, 0.4)
SPONSOR_SHARE_WITHOUT_CHAMPION = (0.002, 0.015, 0.25)
SPONSOR_SHARE_WITH_CHAMPION = (0.03, 0.15, 0.5)
EXEC_ACCESS_SHARE = (0.01, 0.08, 0.35)

# Competition.
INCUMBENT_SHARE = 0.05
CONTRACT_END_DAYS = (-180, 3 * 365)


# Engagement and intent are drawn per quarter, counted from this day (the
# demo's as-of date), so the bundled demo is the same in its own quarter.
SIGNAL_REFERENCE_DAY = date(2026, 9, 30)
DAYS_PER_QUARTER = 365.25 / 4
QUARTER_KEY_BASE = 1_000_000


class Streams(NamedTuple):
    """One random stream per group of fields.

    Poisson draws use a varying amount of randomness, so with one shared
    stream a change to an engagement knob would reshuffle every later field.
    Separate streams keep each group's values fixed while another is tuned.
    """

    warmth: np.random.Generator
    potential: np.random.Generator
    engagement: np.random.Generator
    intent: np.random.Generator
    access: np.random.Generator
    competition: np.random.Generator


def quarters_from_reference(as_of: date) -> int:
    """Whole quarters between ``as_of`` and :data:`SIGNAL_REFERENCE_DAY`."""
    return round((as_of - SIGNAL_REFERENCE_DAY).days / DAYS_PER_QUARTER)


def _for_quarter(stream: np.random.Generator, as_of: date) -> np.random.Generator:
    """The stream for ``as_of``'s quarter: the same one in the reference quarter.

    Engagement and intent are what moves from one quarter to the next, so
    they are drawn afresh for every other quarter, while size, warmth,
    relationships, access and competition stay as they were; a portfolio a
    quarter earlier is then the same companies with other recent signals.
    """
    quarter = quarters_from_reference(as_of)
    if quarter == 0:
        return stream
    seeds = stream.bit_generator.seed_seq
    if not isinstance(seeds, np.random.SeedSequence):
        raise TypeError("portfolio streams are made from a SeedSequence")
    keyed = np.random.SeedSequence(
        seeds.entropy, spawn_key=(*seeds.spawn_key, QUARTER_KEY_BASE + quarter)
    )
    return np.random.default_rng(keyed)


def revenue_size(annual_revenue: FloatArray) -> FloatArray:
    """Decades of annual revenue around EUR 1B: 0 at 1B, 1 at 10B, -2 at 10M."""
    floored = np.maximum(annual_revenue, 1.0)
    return np.log10(floored / SIZE_REFERENCE_REVENUE)


def generate_behaviour(
    rng: np.random.Generator, annual_revenue: FloatArray, as_of: date
) -> dict[str, pa.Array]:
    """Draw the potential, engagement and accessibility columns for accounts.

    ``annual_revenue`` is in EUR, one value per account; the result maps each
    generated canonical field to an Arrow array of the same length.
    """
    count = len(annual_revenue)
    size = revenue_size(annual_revenue)
    streams = Streams(*rng.spawn(len(Streams._fields)))
    streams = streams._replace(
        engagement=_for_quarter(streams.engagement, as_of),
        intent=_for_quarter(streams.intent, as_of),
    )

    warmth = streams.warmth.standard_normal(count) + WARMTH_SIZE_WEIGHT * size
    relationship = _relationship_levels(warmth)

    columns = _potential(streams.potential, annual_revenue, size)

    engagement = (
        ENGAGEMENT_SIZE_WEIGHT * size
        + ENGAGEMENT_WARMTH_WEIGHT * warmth
        + ENGAGEMENT_NOISE * streams.engagement.standard_normal(count)
    )
    columns |= _engagement(streams.engagement, engagement, relationship, as_of)
    columns |= _intent(streams.intent, engagement, size)

    columns |= _access(streams.access, relationship)
    columns |= _competition(streams.competition, count, as_of)
    return columns


def _potential(
    rng: np.random.Generator, annual_revenue: FloatArray, size: FloatArray
) -> dict[str, pa.Array]:
    count = len(annual_revenue)

    noise = np.exp(ACV_NOISE_SIGMA * rng.standard_normal(count))
    estimate = annual_revenue * ACV_SHARE_OF_REVENUE * noise
    rounded = np.round(estimate / ACV_ROUNDING) * ACV_ROUNDING
    potential_acv = np.clip(rounded, *ACV_BOUNDS)

    expansion_mean = EXPANSION_MEAN_AT_1B * 10.0 ** (EXPANSION_SIZE_SLOPE * size)
    extra_units = rng.poisson(expansion_mean)
    expansion_units = np.minimum(1 + extra_units, EXPANSION_MAX_UNITS)

    partner_value = rng.random(count) < PARTNER_SHARE

    fame = REFERENCE_SIZE_WEIGHT * size + rng.standard_normal(count)
    reference_level = (fame > KNOWN_CUT).astype(np.int64) + (fame > FLAGSHIP_CUT)

    return {
        "potential_acv": pa.array(potential_acv, pa.float64()),
        "expansion_units": pa.array(expansion_units.astype(np.float64)),
        "partner_value": pa.array(partner_value, pa.bool_()),
        "reference_value": _labels(REFERENCE_LEVELS, reference_level),
    }


def _relationship_levels(warmth: FloatArray) -> IntArray:
    """0 for none, 1 for some, 2 for strong: positions in RELATIONSHIP_LEVELS."""
    some = warmth > SOME_RELATIONSHIP_CUT
    strong = warmth > STRONG_RELATIONSHIP_CUT
    return some.astype(np.int64) + strong


def _engagement(
    rng: np.random.Generator,
    engagement: FloatArray,
    relationship: IntArray,
    as_of: date,
) -> dict[str, pa.Array]:
    web_visits = _channel_counts(rng, engagement, WEB_VISITS_LOG_MEAN)
    downloads = _channel_counts(rng, engagement, DOWNLOADS_LOG_MEAN)
    events = _channel_counts(rng, engagement, EVENTS_LOG_MEAN)

    recent_days_ago = np.minimum.reduce(
        [
            _latest_activity_days_ago(rng, web_visits, WEB_VISITS_WINDOW_DAYS),
            _latest_activity_days_ago(rng, downloads, DOWNLOADS_WINDOW_DAYS),
            _latest_activity_days_ago(rng, events, EVENTS_WINDOW_DAYS),
        ]
    )
    has_recent_activity = np.isfinite(recent_days_ago)

    lapsed_share = np.asarray(LAPSED_ENGAGEMENT_SHARE)[relationship]
    lapsed = ~has_recent_activity & (rng.random(len(engagement)) < lapsed_share)
    lapsed_days_ago = EVENTS_WINDOW_DAYS + rng.exponential(
        LAPSED_MEAN_DAYS, len(engagement)
    )
    lapsed_days_ago = np.minimum(np.floor(lapsed_days_ago), LAPSED_MAX_DAYS)

    days_ago = np.where(has_recent_activity, recent_days_ago, lapsed_days_ago)
    never_engaged = ~has_recent_activity & ~lapsed
    engagement_day = _day_number(as_of) - np.where(never_engaged, 0, days_ago)

    return {
        "web_visits_30d": pa.array(web_visits.astype(np.float64)),
        "content_downloads_90d": pa.array(downloads.astype(np.float64)),
        "events_attended_180d": pa.array(events.astype(np.float64)),
        "last_engagement_date": _dates(engagement_day, missing=never_engaged),
    }


def _channel_counts(
    rng: np.random.Generator, engagement: FloatArray, log_mean: float
) -> IntArray:
    channel_noise = CHANNEL_NOISE * rng.standard_normal(len(engagement))
    expected = np.exp(engagement + log_mean + channel_noise)
    return rng.poisson(expected).astype(np.int64)


def _latest_activity_days_ago(
    rng: np.random.Generator, counts: IntArray, window_days: int
) -> FloatArray:
    """Days before as-of of the latest of ``counts`` activities; inf for none.

    With n activities spread evenly over the window, the latest lies
    ``window * (1 - U ** (1 / n))`` days back for a uniform U.
    """
    uniform = rng.random(len(counts))
    exponent = 1.0 / np.maximum(counts, 1)
    days_ago = np.floor(window_days * (1.0 - uniform**exponent))
    return np.where(counts > 0, days_ago, np.inf)


def _intent(
    rng: np.random.Generator, engagement: FloatArray, size: FloatArray
) -> dict[str, pa.Array]:
    count = len(engagement)

    coverage = INTENT_COVERAGE_AT_1B + INTENT_COVERAGE_SIZE_SLOPE * size
    coverage = np.clip(coverage, *INTENT_COVERAGE_BOUNDS)
    covered = rng.random(count) < coverage

    noise = INTENT_NOISE * rng.standard_normal(count)
    score = INTENT_CENTRE + INTENT_ENGAGEMENT_WEIGHT * engagement + noise
    intent_score = np.clip(np.round(score), 0.0, 100.0)

    return {"intent_score": pa.array(intent_score, pa.float64(), mask=~covered)}


def _access(rng: np.random.Generator, relationship: IntArray) -> dict[str, pa.Array]:
    count = len(relationship)

    champion_share = np.asarray(CHAMPION_SHARE)[relationship]
    champion = rng.random(count) < champion_share

    sponsor_share = np.where(
        champion,
        np.asarray(SPONSOR_SHARE_WITH_CHAMPION)[relationship],
        np.asarray(SPONSOR_SHARE_WITHOUT_CHAMPION)[relationship],
    )
    sponsor = rng.random(count) < sponsor_share

    access_share = np.asarray(EXEC_ACCESS_SHARE)[relationship]
    exec_access = sponsor | (rng.random(count) < access_share)

    return {
        "relationship_strength": _labels(RELATIONSHIP_LEVELS, relationship),
        "champion_identified": pa.array(champion, pa.bool_()),
        "exec_sponsor": pa.array(sponsor, pa.bool_()),
        "exec_access": pa.array(exec_access, pa.bool_()),
    }


def _competition(
    rng: np.random.Generator, count: int, as_of: date
) -> dict[str, pa.Array]:
    incumbent = rng.random(count) < INCUMBENT_SHARE

    earliest, latest = CONTRACT_END_DAYS
    days_from_as_of = rng.integers(earliest, latest, size=count, endpoint=True)
    contract_end_day = _day_number(as_of) + days_from_as_of

    return {
        "competitor_incumbent": pa.array(incumbent, pa.bool_()),
        "competitor_contract_end": _dates(contract_end_day, missing=~incumbent),
    }


def _labels(levels: tuple[str, ...], positions: IntArray) -> pa.Array:
    return pa.array(levels, pa.string()).take(pa.array(positions))


def _day_number(day: date) -> int:
    return (day - EPOCH).days


def _dates(day_numbers: npt.NDArray[np.generic], missing: BoolArray) -> pa.Array:
    """Arrow date32 values from days since 1970-01-01, null where ``missing``."""
    days = pa.array(np.asarray(day_numbers, dtype=np.int32), mask=missing)
    return days.cast(pa.date32())
