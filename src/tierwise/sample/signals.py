"""The demo's engagement, intent and relationships written as raw signal files.

`tierwise.sample.generator` draws per-account values (12 web visits in the
last 30 days, an intent score of 67, a champion, a contract ending on a
date). Teams rarely have those as columns; they have an activity log, a
vendor's intent file, a contact list and an event feed. This module writes
those four files so that, rolled up by the default model's ``signals:``
section as of the same date, they give back exactly the values drawn:

Activity (``activity.csv``). An account with ``n`` web visits in the last
30 days gets ``n`` web visit rows dated within those 30 days, and likewise
for downloads (90 days) and events attended (180 days). The most recent row
lies on the drawn last engagement date and no row after it; an account that
engaged long ago has one meeting on that date; one that never engaged has
no rows. Rows outside the windows (older visits, downloads and events,
e-mails and meetings) are added at random, as are cancelled meetings and
meetings scheduled after the as-of date, which do not count. Activity types
use several of the labels the model maps to each kind; timestamps are
written in four forms (ISO with ``Z``, ISO with an offset, epoch seconds,
epoch milliseconds) for the same instant.

Intent (``intent.csv``). A vendor reports only the accounts it covers. A
covered account with score ``S`` gets ``account based marketing`` (weight 3)
at ``S`` in the as-of week; every other row it gets counts less once decayed
and weighted (older weeks, lower-weighted topics, topics the model ignores,
weeks older than it reads), so the ``max`` combination gives ``S`` exactly.
Rows are keyed by domain; where several accounts share a registrable domain
the vendor's row carries the account id too, as a CRM upload match does.

Contacts (``contacts.csv``): champions, sponsors and executives who give
the drawn relationships, among other contacts
(:mod:`tierwise.sample.contacts`).

Events (``events.csv``). An incumbent's contract end is a ``contract end``
event on the drawn date, sometimes after an earlier, superseded one;
funding rounds and job postings are added at random and are not scored by
the default model.

The rows are drawn from their own random stream (the seed and the block of
accounts), so writing the files leaves the accounts' values untouched.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from tierwise.sample.contacts import contact_rows
from tierwise.sources.domains import read_website
from tierwise.sources.values import CellError
from tierwise.stops import raise_if_stopped

__all__ = [
    "SIGNAL_FILES",
    "SignalFiles",
    "check_signal_targets",
    "filled_by_signal_files",
    "signal_tables",
    "write_portfolio_signals",
    "write_signal_files",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# The file each kind of signal is written to.
SIGNAL_FILES = {
    "activity": "activity.csv",
    "intent": "intent.csv",
    "contacts": "contacts.csv",
    "events": "events.csv",
}

SIGNALS_STREAM = 7

SECONDS_PER_DAY = 86_400

# Activity: (kind, labels used for it, window in days, weight).
CHANNELS = (
    ("web_visit", ("Web Visit", "page_view", "website visit"), 30, 1.0),
    ("content_download", ("Content Download", "whitepaper", "ebook"), 90, 2.0),
    ("event_attended", ("Event Attended", "webinar attended", "conference"), 180, 3.0),
)
OTHER_KINDS = (("Meeting", "call", "demo"), ("Email", "email reply"))
OLDER_ROWS_PER_RECENT = 0.5
OLDER_ROWS_BASE = 0.3
OLDER_SPAN_DAYS = 365
OTHER_ROWS_MEAN = 1.0
OTHER_SPAN_DAYS = 240
CANCELLED_SHARE = 0.05
SCHEDULED_SHARE = 0.05

# Intent: the topic that carries the score, and the others.
LEAD_TOPIC = "account based marketing"
SECOND_LEAD_TOPIC = "abm platform"
LEAD_WEIGHT = 3
LOWER_TOPICS = (("sales intelligence", 2), ("marketing automation", 1))
IGNORED_TOPICS = ("crm software", "data warehousing", "office furniture")
HALF_LIFE_WEEKS = 4
OLDEST_READ_WEEK = 12

# Events.
CONTRACT_LABELS = ("Contract End", "competitor contract end", "renewal")
SUPERSEDED_SHARE = 0.3
FUNDING_SHARE = 0.04
JOB_POSTING_SHARE = 0.2


@dataclass(frozen=True)
class SignalFiles:
    """The four raw files written for a portfolio, by kind."""

    activity: Path
    intent: Path
    contacts: Path
    events: Path

    def by_kind(self) -> dict[str, Path]:
        """Each file by its kind (activity, intent, contacts, events)."""
        return {
            "activity": self.activity,
            "intent": self.intent,
            "contacts": self.contacts,
            "events": self.events,
        }


# The account fields the files above fill under the default model.
def filled_by_signal_files() -> tuple[str, ...]:
    """The drawn columns the signal files stand in for."""
    return (
        "web_visits_30d",
        "content_downloads_90d",
        "events_attended_180d",
        "last_engagement_date",
        "intent_score",
        "champion_identified",
        "exec_sponsor",
        "exec_access",
        "competitor_contract_end",
    )


def write_signal_files(
    folder: str | os.PathLike[str],
    portfolio: pa.Table,
    as_of: date,
    seed: int,
) -> SignalFiles:
    """Write the four signal files of ``portfolio`` into ``folder``.

    ``portfolio`` has the generator's columns; ``as_of`` and ``seed`` are
    those it was drawn with. Each file is written beside its final name and
    renamed into place when complete. Returns the paths.
    """
    target = Path(folder)
    check_signal_targets(target)
    target.mkdir(parents=True, exist_ok=True)
    tables = signal_tables(portfolio, as_of, seed)
    paths = {kind: target / name for kind, name in SIGNAL_FILES.items()}
    partials = {
        kind: path.with_name(f".{path.name}.partial") for kind, path in paths.items()
    }
    try:
        # Every file is complete before any takes its name, so a failure
        # leaves none of them.
        for kind, partial in partials.items():
            pa_csv.write_csv(tables[kind], partial)
        raise_if_stopped()
        for kind, partial in partials.items():
            partial.replace(paths[kind])
    finally:
        for partial in partials.values():
            partial.unlink(missing_ok=True)
    return SignalFiles(**paths)


def signal_targets(folder: str | os.PathLike[str]) -> list[Path]:
    """The signal files :func:`write_portfolio_signals` writes in ``folder``."""
    return [Path(folder) / name for name in SIGNAL_FILES.values()]


def check_signal_targets(
    folder: str | os.PathLike[str], accounts_file: Path | None = None
) -> None:
    """Refuse, before anything is written, signal files that cannot take
    their names in ``folder``: a folder stands there, or the portfolio's
    ``accounts_file`` is to be written under one of them.

    Raises:
        PortfolioError: naming the path and the fix.
    """
    from tierwise.sample.portfolio import PortfolioError

    for path in signal_targets(folder):
        name = path.name
        if path.is_dir():
            raise PortfolioError(
                f"{path.absolute()}: a folder stands where a signal file goes; "
                "move it, or write the portfolio into another folder; nothing "
                "was written"
            )
        if accounts_file is not None and accounts_file.absolute() == path.absolute():
            raise PortfolioError(
                f"{accounts_file}: the signal files are written beside the "
                f"accounts, and {name} is one of them; give the accounts file "
                "another name; nothing was written"
            )


def write_portfolio_signals(
    folder: str | os.PathLike[str], accounts: int, seed: int, as_of: date
) -> SignalFiles:
    """Write the signal files of ``generate_portfolio(accounts, seed, as_of)``.

    The portfolio is built in memory and the rows of intent, contacts and
    events are drawn account by account, so this suits portfolios up to some
    hundred thousand accounts (100,000 took about 5 s on a 2-core machine).
    """
    from tierwise.sample.portfolio import generate_portfolio

    portfolio = generate_portfolio(accounts, seed, as_of)
    return write_signal_files(folder, portfolio, as_of, seed)


def signal_tables(portfolio: pa.Table, as_of: date, seed: int) -> dict[str, pa.Table]:
    """The rows of the four files, as Arrow tables of text and numbers."""
    rng = np.random.default_rng([seed, SIGNALS_STREAM])
    return {
        "activity": _activity(rng, portfolio, as_of),
        "intent": _intent(rng, portfolio, as_of),
        "contacts": contact_rows(rng, portfolio),
        "events": _events(rng, portfolio, as_of),
    }


# Activity -----------------------------------------------------------------


def _activity(rng: np.random.Generator, portfolio: pa.Table, as_of: date) -> pa.Table:
    count = portfolio.num_rows
    last_age = _age_days(portfolio.column("last_engagement_date"), as_of)
    engaged = ~np.isnan(last_age)
    last = np.where(engaged, last_age, 0).astype(np.int64)
    counts = [_ints(portfolio.column(f)) for f in _CHANNEL_FIELDS]

    # The channel whose first row lies on the last engagement date.
    anchor = np.full(count, -1)
    for number in reversed(range(len(CHANNELS))):
        anchor = np.where(counts[number] > 0, number, anchor)

    parts: list[tuple[IntArray, IntArray, npt.NDArray[np.str_], FloatArray]] = []
    for number, (_, labels, window, weight) in enumerate(CHANNELS):
        owners = np.repeat(np.arange(count), counts[number])
        ages = rng.integers(last[owners], window)
        starts = np.cumsum(counts[number]) - counts[number]
        anchored = (anchor == number) & (counts[number] > 0)
        ages[starts[anchored]] = last[anchored]
        parts.append(
            (
                owners,
                ages,
                _labels(rng, labels, len(owners)),
                np.full(len(owners), weight),
            )
        )

        older = rng.poisson(OLDER_ROWS_PER_RECENT * counts[number] + OLDER_ROWS_BASE)
        older = np.where(engaged, older, 0)
        owners = np.repeat(np.arange(count), older)
        low = np.maximum(window, last[owners])
        ages = low + rng.integers(0, OLDER_SPAN_DAYS, len(owners))
        parts.append(
            (
                owners,
                ages,
                _labels(rng, labels, len(owners)),
                np.full(len(owners), weight),
            )
        )

    lapsed = engaged & (anchor < 0)
    owners = np.flatnonzero(lapsed)
    parts.append(
        (
            owners,
            last[owners],
            _labels(rng, OTHER_KINDS[0], len(owners)),
            np.full(len(owners), 3.0),
        )
    )

    others = np.where(engaged, rng.poisson(OTHER_ROWS_MEAN, count), 0)
    owners = np.repeat(np.arange(count), others)
    ages = last[owners] + rng.integers(0, OTHER_SPAN_DAYS, len(owners))
    which = rng.integers(0, len(OTHER_KINDS), len(owners))
    other_labels = np.where(
        which == 0,
        _labels(rng, OTHER_KINDS[0], len(owners)),
        _labels(rng, OTHER_KINDS[1], len(owners)),
    )
    parts.append((owners, ages, other_labels, np.where(which == 0, 3.0, 0.5)))

    counted = _activity_table(rng, portfolio, as_of, parts, status="")
    skipped = _skipped_meetings(rng, portfolio, as_of, engaged)
    rows = pa.concat_tables([counted, skipped])
    order = rng.permutation(rows.num_rows)
    return rows.take(pa.array(order))


_CHANNEL_FIELDS = ("web_visits_30d", "content_downloads_90d", "events_attended_180d")


def _skipped_meetings(
    rng: np.random.Generator,
    portfolio: pa.Table,
    as_of: date,
    engaged: npt.NDArray[np.bool_],
) -> pa.Table:
    count = portfolio.num_rows
    cancelled = np.flatnonzero(engaged & (rng.random(count) < CANCELLED_SHARE))
    scheduled = np.flatnonzero(rng.random(count) < SCHEDULED_SHARE)
    meeting = OTHER_KINDS[0]
    return pa.concat_tables(
        [
            _activity_table(
                rng,
                portfolio,
                as_of,
                [
                    (
                        cancelled,
                        rng.integers(0, 60, len(cancelled)),
                        _labels(rng, meeting, len(cancelled)),
                        np.full(len(cancelled), 3.0),
                    )
                ],
                status="cancelled",
            ),
            _activity_table(
                rng,
                portfolio,
                as_of,
                [
                    (
                        scheduled,
                        -rng.integers(1, 31, len(scheduled)),
                        _labels(rng, meeting, len(scheduled)),
                        np.full(len(scheduled), 3.0),
                    )
                ],
                status="scheduled",
            ),
        ]
    )


def _activity_table(
    rng: np.random.Generator,
    portfolio: pa.Table,
    as_of: date,
    parts: list[tuple[IntArray, IntArray, npt.NDArray[np.str_], FloatArray]],
    status: str,
) -> pa.Table:
    owners = np.concatenate([part[0] for part in parts]).astype(np.int64)
    ages = np.concatenate([part[1] for part in parts]).astype(np.int64)
    labels = np.concatenate([part[2] for part in parts]).astype(str)
    weights = np.concatenate([part[3] for part in parts]).astype(np.float64)
    ids = portfolio.column("account_id").take(pa.array(owners))
    stamps = _timestamps(rng, as_of, ages)
    # About one row in five gives no weight (read as 1); those are web visits.
    blank = (weights == 1.0) & (rng.random(len(weights)) < 0.5)
    return pa.table(
        {
            "account_id": ids,
            "timestamp": stamps,
            "activity_type": pa.array(labels, pa.string()),
            "weight": pa.array(weights, pa.float64(), mask=blank),
            "status": pa.array([status] * len(owners), pa.string()),
        }
    )


def _timestamps(rng: np.random.Generator, as_of: date, ages: IntArray) -> pa.Array:
    """Instants on the day ``ages`` days before ``as_of`` (UTC), in four forms."""
    base = (as_of - date(1970, 1, 1)).days
    seconds = (base - ages) * SECONDS_PER_DAY + rng.integers(
        0, SECONDS_PER_DAY, len(ages)
    )
    instants = pa.array(seconds, pa.timestamp("s"))
    form = rng.choice(4, len(ages), p=[0.6, 0.2, 0.1, 0.1])

    iso = pc.strftime(instants, format="%Y-%m-%dT%H:%M:%SZ")
    shifted = pa.array(seconds + 2 * 3600, pa.timestamp("s"))
    offset = pc.binary_join_element_wise(
        pc.strftime(shifted, format="%Y-%m-%dT%H:%M:%S"), "+02:00", ""
    )
    epoch = pa.array(seconds.astype(str), pa.string())
    millis = pa.array((seconds * 1000 + rng.integers(0, 1000, len(ages))).astype(str))
    chosen = [iso, offset, epoch, millis]
    texts = np.empty(len(ages), dtype=object)
    for number, values in enumerate(chosen):
        mine = form == number
        texts[mine] = np.asarray(values.to_pylist(), dtype=object)[mine]
    return pa.array(texts, pa.string())


# Intent -------------------------------------------------------------------


def _intent(rng: np.random.Generator, portfolio: pa.Table, as_of: date) -> pa.Table:
    scores = portfolio.column("intent_score").to_numpy(zero_copy_only=False)
    ids = portfolio.column("account_id").to_pylist()
    domains = portfolio.column("domain").to_pylist()
    shared = _shared_domains(domains)
    # Vendors date a week by its Monday: the as-of week's is 0 weeks old.
    week_start = as_of - timedelta(days=as_of.weekday())

    rows: list[tuple[str, str, str, int, str]] = []
    for index in np.flatnonzero(~np.isnan(scores)):
        score = int(scores[index])
        account = ids[index] if domains[index] in shared else ""
        domain = domains[index] or ""

        def week(weeks_ago: int) -> str:
            return (week_start - timedelta(weeks=weeks_ago)).isoformat()

        rows.append((account, domain, LEAD_TOPIC, score, week(0)))
        for weeks_ago in range(1, 4):
            # Decayed by 0.5 ** (weeks / 4), the row stays below the score.
            bound = score * 2 ** (weeks_ago / HALF_LIFE_WEEKS) - 1
            if rng.random() < 0.5 and bound >= 0:
                older = int(rng.integers(0, int(min(bound, 100)) + 1))
                rows.append((account, domain, LEAD_TOPIC, older, week(weeks_ago)))
        if score >= 1 and rng.random() < 0.5:
            second = int(rng.integers(0, score))
            rows.append(
                (
                    account,
                    domain,
                    SECOND_LEAD_TOPIC,
                    second,
                    week(int(rng.integers(0, 3))),
                )
            )
        for topic, weight in LOWER_TOPICS:
            bound = score * LEAD_WEIGHT / weight - 1
            if bound >= 0 and rng.random() < 0.6:
                lower = int(rng.integers(0, int(min(bound, 100)) + 1))
                rows.append((account, domain, topic, lower, week(0)))
        if rng.random() < 0.3:
            stale = OLDEST_READ_WEEK + 1 + int(rng.integers(0, 8))
            rows.append(
                (
                    account,
                    domain,
                    SECOND_LEAD_TOPIC,
                    int(rng.integers(0, 101)),
                    week(stale),
                )
            )
        if rng.random() < 0.5:
            topic = IGNORED_TOPICS[int(rng.integers(0, len(IGNORED_TOPICS)))]
            rows.append((account, domain, topic, int(rng.integers(0, 101)), week(0)))

    columns = _columns(rows, 5)
    return pa.table(
        {
            "account_id": pa.array(columns[0], pa.string()),
            "domain": pa.array(columns[1], pa.string()),
            "topic": pa.array(columns[2], pa.string()),
            "score": pa.array(columns[3], pa.int64()),
            "week": pa.array(columns[4], pa.string()),
        }
    )


def _shared_domains(domains: list[str | None]) -> set[str | None]:
    """Domains whose registrable domain another account has too."""
    owners: dict[str, list[str | None]] = {}
    for domain in domains:
        try:
            site = read_website(domain or "")
        except CellError:
            continue
        if site is not None:
            owners.setdefault(site.domain, []).append(domain)
    return {d for group in owners.values() if len(group) > 1 for d in group}


# Events -------------------------------------------------------------------


def _events(rng: np.random.Generator, portfolio: pa.Table, as_of: date) -> pa.Table:
    ids = portfolio.column("account_id").to_pylist()
    ends = portfolio.column("competitor_contract_end").to_pylist()
    incumbent = portfolio.column("competitor_incumbent").to_pylist()
    rows: list[tuple[str, str, str]] = []

    for index, account in enumerate(ids):
        end = ends[index]
        if incumbent[index] and end is not None:
            label = CONTRACT_LABELS[int(rng.integers(0, len(CONTRACT_LABELS)))]
            rows.append((account, label, _event_date(rng, end)))
            if rng.random() < SUPERSEDED_SHARE:
                earlier = date(end.year - 3, end.month, min(end.day, 28))
                rows.append((account, "Contract End", _event_date(rng, earlier)))
        if rng.random() < FUNDING_SHARE:
            day = date.fromordinal(as_of.toordinal() - int(rng.integers(0, 720)))
            rows.append(
                (
                    account,
                    ("Series B", "venture")[int(rng.integers(0, 2))],
                    _event_date(rng, day),
                )
            )
        if rng.random() < JOB_POSTING_SHARE:
            day = date.fromordinal(as_of.toordinal() - int(rng.integers(0, 150)))
            rows.append((account, "Job Posting", _event_date(rng, day)))

    columns = _columns(rows, 3)
    return pa.table(
        {
            "account_id": pa.array(columns[0], pa.string()),
            "event_type": pa.array(columns[1], pa.string()),
            "date": pa.array(columns[2], pa.string()),
        }
    )


def _event_date(rng: np.random.Generator, day: date) -> str:
    """ISO mostly; US month/day/year for about a third of rows."""
    if rng.random() < 0.3:
        return f"{day.month}/{day.day}/{day.year}"
    return day.isoformat()


# Helpers ------------------------------------------------------------------


def _age_days(column: pa.ChunkedArray, as_of: date) -> FloatArray:
    """Days from each date to ``as_of``; NaN where the date is missing."""
    days = pc.cast(column, pa.int32()).to_numpy(zero_copy_only=False)
    base = (as_of - date(1970, 1, 1)).days
    return np.asarray(base - days.astype(np.float64), dtype=np.float64)


def _ints(column: pa.ChunkedArray) -> IntArray:
    values = np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64)
    return np.nan_to_num(values).astype(np.int64)


def _columns(rows: Sequence[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Rows turned into ``width`` columns (empty ones for no rows)."""
    if not rows:
        return [[] for _ in range(width)]
    return [list(column) for column in zip(*rows, strict=True)]


def _labels(
    rng: np.random.Generator, labels: tuple[str, ...], count: int
) -> npt.NDArray[np.str_]:
    return np.asarray(labels)[rng.integers(0, len(labels), count)]
