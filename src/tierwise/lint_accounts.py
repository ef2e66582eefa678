"""Lint a model against a real portfolio: what each tier would hold, dead signals.

``tierwise.model.lint`` judges a model on its own. With accounts, this module
scores the portfolio with the engine (in memory; nothing is written) and adds
what only data can show: how many accounts meet each tier, how many each tier
would take before and after caps, tiers nobody qualifies for, and criteria
that give every account the same points.

It sits beside ``jobs``, at the level that may use the model, the sources and
the engine together: the model layer may not import the engine (the layers
point down), and the engine scores models rather than judging them. Like a
job, :func:`lint_file` is the one call the CLI (and later the web app) makes.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from tierwise.engine import TieringRun, score_accounts
from tierwise.engine.run import ACCOUNTS_VIEW
from tierwise.errors import TierwiseError
from tierwise.file_inputs import read_file_inputs
from tierwise.model.lint import LintReport, lint_model
from tierwise.model.lint.absent import never_holds
from tierwise.model.lint.codes import Hit
from tierwise.model.loader import read_model_text
from tierwise.model.schema import Tier, TieringModel
from tierwise.sources import ColumnMapping, load_preset
from tierwise.sources.signals import SignalFile, SignalReport

__all__ = [
    "ModelLint",
    "PortfolioLint",
    "TierQualification",
    "check_portfolio",
    "lint_file",
]

log = logging.getLogger(__name__)

# More than this many times a tier's cap qualifying for it means the cap,
# not the model's thresholds, chooses most of the tier.
CAP_PRESSURE = 2


@dataclass(frozen=True)
class TierQualification:
    """How many accounts of a portfolio one tier would hold.

    ``meets``: accounts that meet the tier's own requirements, whatever the
    tiers above it. ``before_caps``: accounts that would land in it if no
    tier had a cap. ``after_caps``: accounts that land in it as the model
    stands.
    """

    key: str
    name: str
    cap: int | None
    meets: int
    before_caps: int
    after_caps: int
    expected_share_pct: float | None


@dataclass(frozen=True)
class PortfolioLint:
    """What scoring a portfolio showed about the model.

    ``unfilled``: the fields the model fills from signal files that no
    account has a value for and no file given fills, with the kind of file
    (``activity``…) that would fill each.
    """

    source: str
    accounts: int
    as_of: date
    tiers: list[TierQualification]
    unassigned_before_caps: int
    unassigned_after_caps: int
    unfilled: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelLint:
    """A lint report, and the portfolio check when accounts were given.

    ``signals``: how the rows of the signal files given matched the
    accounts, as ``tier`` reports it.
    """

    report: LintReport
    portfolio: PortfolioLint | None = None
    signals: SignalReport | None = None


# Fields named in the note on signal files not given; the rest are counted.
NAMED_FIELDS = 6


def lint_file(
    model_path: Path,
    accounts: Path | None = None,
    mapping: ColumnMapping | None = None,
    as_of: date | None = None,
    allow: Collection[str] = (),
    signals: Sequence[SignalFile] = (),
) -> ModelLint:
    """Lint a model file, and with ``accounts`` check it against them too.

    The accounts and ``signals`` (activity, intent, contact and event
    files) are read as ``tierwise tier`` reads them, so the tier counts are
    those ``tier`` gives for the same files; lint reads no store, so no
    override pins an account. A file with many problem rows is still
    scored, as read. The fields a signal file not given would fill count
    as absent; the report says so under "Not checked".

    Raises:
        TierwiseError: when the model, the accounts or a signal file cannot
            be read (a bad signal file is named with its row and column),
            ``signals`` come without ``accounts``, or ``allow`` names a code
            lint does not know (unusable input).
    """
    if signals and accounts is None:
        raise TierwiseError(
            "signal files are scored with the accounts they belong to; give "
            "the accounts file too"
        )
    report = lint_model(read_model_text(model_path), str(model_path), allow)
    if accounts is None:
        return ModelLint(report)
    if report.model is None:
        skipped = f"the accounts in {accounts}: the model does not load to score them"
        return ModelLint(report.with_not_checked(skipped))

    # Read exactly as `tierwise tier` reads: the model's currency and rates,
    # a Parquet file in place, the signal files matched to the accounts.
    model = report.model
    as_of = as_of or date.today()
    mapping = mapping or load_preset("generic")
    inputs = read_file_inputs(
        accounts, model, mapping, as_of, signals, accept_warnings=True
    )
    portfolio, hits = check_portfolio(
        model,
        ACCOUNTS_VIEW,
        as_of,
        source=str(accounts),
        connection=inputs.connection,
        signal_sources=inputs.signal_sources,
        text_trimmed=True,
    )
    report = report.with_hits(hits)
    if portfolio.unfilled:
        kinds = sorted(set(portfolio.unfilled.values()))
        options = ", ".join(f"--{kind}" for kind in kinds)
        # Named: a file that carries some signal fields itself (visits, a
        # sponsor flag) read as if lint had counted those as absent too.
        names = sorted(portfolio.unfilled)
        shown = ", ".join(names[:NAMED_FIELDS])
        if len(names) > NAMED_FIELDS:
            shown += f" and {len(names) - NAMED_FIELDS} more"
        report = report.with_not_checked(
            f"signal files: no account in {accounts} has a value for {shown}, "
            f"and lint was given no {options} files to fill them, so they count "
            "as absent and the tier counts above can be lower than `tierwise "
            "tier` gives with those files; give lint the same files as tier"
        )
    return ModelLint(report, portfolio, inputs.signals if signals else None)


def check_portfolio(
    model: TieringModel,
    accounts: pa.Table | str,
    as_of: date,
    source: str = "accounts",
    connection: duckdb.DuckDBPyConnection | None = None,
    signal_sources: Collection[str] = (),
    text_trimmed: bool = False,
) -> tuple[PortfolioLint, list[Hit]]:
    """Score ``accounts`` with ``model`` and count, tier by tier, who qualifies.

    ``accounts``, ``connection``, ``signal_sources`` and ``text_trimmed``
    are as :func:`~tierwise.engine.score_accounts` takes them; ``source``
    names the accounts in messages.

    >>> from tierwise import build_demo_portfolio, load_model
    >>> portfolio, hits = check_portfolio(
    ...     load_model(), build_demo_portfolio(), date(2026, 9, 30)
    ... )
    >>> tier_1 = portfolio.tiers[0]
    >>> tier_1.after_caps <= tier_1.cap <= tier_1.before_caps <= tier_1.meets
    True
    """
    run = score_accounts(
        model,
        accounts,
        as_of,
        connection=connection,
        signal_sources=signal_sources,
        text_trimmed=text_trimmed,
    )
    active = model.active_tiers()
    meets, first = _qualifying(run, len(active))

    tiers = [
        TierQualification(
            key=tier.key,
            name=tier.name,
            cap=tier.max_accounts,
            meets=meets[index],
            before_caps=first.get(index, 0),
            after_caps=count.accounts,
            expected_share_pct=_share(tier.treatment.expected_share_pct),
        )
        for index, (tier, count) in enumerate(zip(active, run.tiers, strict=False))
    ]
    portfolio = PortfolioLint(
        source=source,
        accounts=run.accounts,
        as_of=as_of,
        tiers=tiers,
        unassigned_before_caps=first.get(None, 0),
        unassigned_after_caps=run.tiers[-1].accounts,
        unfilled=_unfilled(run, signal_sources),
    )

    hits = _tier_counts(model, portfolio, run)
    hits += _constant_signals(run, signal_sources)
    log.info("checked the model against %d accounts of %s", run.accounts, source)
    return portfolio, hits


def _qualifying(run: TieringRun, tiers: int) -> tuple[list[int], dict[int | None, int]]:
    """Per tier, accounts eligible for it; and by first eligible tier, with no caps."""
    eligible = run.compiled.step_query("eligible").sql(dialect="duckdb")
    if not tiers:
        return [], {}
    counts = ", ".join(f'SUM(CAST("eligible_{i}" AS INTEGER))' for i in range(tiers))
    (row,) = run.connection.sql(f"SELECT {counts} FROM ({eligible})").fetchall()
    meets = [int(value or 0) for value in row]

    whens = " ".join(f'WHEN "eligible_{i}" THEN {i}' for i in range(tiers))
    rows = run.connection.sql(
        f"SELECT CASE {whens} END AS first_tier, COUNT(*) "
        f"FROM ({eligible}) GROUP BY first_tier"
    ).fetchall()
    return meets, {first: int(count) for first, count in rows}


def _valued(run: TieringRun, fields: Collection[str]) -> set[str]:
    """Which of ``fields`` some account has a value for, as scored: from
    the accounts file, or from the signal files given."""
    names = sorted(fields)
    if not names:
        return set()
    counts = ", ".join(f'COUNT("{name}")' for name in names)
    scored = run.compiled.step_query("source").sql(dialect="duckdb")
    (row,) = run.connection.sql(f"SELECT {counts} FROM ({scored})").fetchall()
    return {name for name, count in zip(names, row, strict=True) if count}


def _unfilled(run: TieringRun, signal_sources: Collection[str]) -> dict[str, str]:
    """The fields scoring reads that signal files not given would fill, that
    no account has a value for (a file exported with its intent scores gives
    that field)."""
    filled_by = run.compiled.model.filled_by(only_read=True)
    missing = {
        name: kind for name, kind in filled_by.items() if kind not in signal_sources
    }
    valued = _valued(run, missing)
    return {name: kind for name, kind in missing.items() if name not in valued}


def _missing_must_haves(tier: Tier, run: TieringRun) -> str:
    """Which must-haves no account can meet for want of a field no account
    has a value for, as a clause naming those fields."""
    valued = _valued(run, set().union(*(gate.when.fields() for gate in tier.must_have)))
    lacking: set[str] = set()
    for gate in tier.must_have:
        absent = gate.when.fields() - valued
        if absent and never_holds(gate.when, absent):
            lacking |= absent
    if not lacking:
        return ""
    fields = ", ".join(sorted(lacking))
    return (
        f" (its must-haves read {fields}, which no account in the file has a value for)"
    )


def _tier_counts(
    model: TieringModel, portfolio: PortfolioLint, run: TieringRun
) -> list[Hit]:
    """Tiers nobody qualifies for, and tiers whose cap does the choosing."""
    positions = {tier.key: index for index, tier in enumerate(model.tiers)}
    hits: list[Hit] = []
    for tier in portfolio.tiers:
        named = f"{tier.key} ({tier.name})"
        if tier.after_caps == 0:
            why = (
                "meets its requirements"
                if tier.meets == 0
                else f"lands in it: the {tier.meets:,} that meet its requirements "
                "all land in a tier above it"
            )
            if tier.meets == 0:
                why += _missing_must_haves(model.tiers[positions[tier.key]], run)
            hits.append(
                Hit(
                    "tier-empty",
                    ("tiers", positions[tier.key]),
                    (
                        f"no account of the {portfolio.accounts:,} in "
                        f"{portfolio.source} {why}; {named} stays empty"
                    ),
                    (
                        "check its min_score, potential band and must-haves "
                        "against the tiers above it and the portfolio; `tierwise "
                        "explain` shows why an account missed a tier"
                    ),
                )
            )
        if tier.cap is not None and tier.before_caps > CAP_PRESSURE * tier.cap:
            hits.append(
                Hit(
                    "cap-pressure",
                    ("tiers", positions[tier.key], "max_accounts"),
                    (
                        f"{tier.before_caps:,} accounts would enter {named} "
                        f"without caps, {tier.before_caps / tier.cap:.1f} times "
                        f"its cap of {tier.cap:,}: the cap, not the thresholds, "
                        "chooses most of the tier (by total, then tie_break)"
                    ),
                    (
                        "raise min_score or narrow the potential band so the "
                        "thresholds do the choosing, or raise the cap"
                    ),
                )
            )
    return hits


def _constant_signals(run: TieringRun, signal_sources: Collection[str]) -> list[Hit]:
    """Criteria that give every account the same points, or see no value."""
    model = run.compiled.model
    located = [
        (("dimensions", d, "criteria", c), crit)
        for d, dim in enumerate(model.dimensions)
        for c, crit in enumerate(dim.criteria)
    ]
    columns = ", ".join(
        f'COUNT(DISTINCT "pts_{crit.key}"), MIN("pts_{crit.key}"), '
        f'SUM(CAST("obs_{crit.key}" AS INTEGER))'
        for _, crit in located
    )
    points = run.compiled.step_query("points").sql(dialect="duckdb")
    (row,) = run.connection.sql(f"SELECT {columns} FROM ({points})").fetchall()

    filled = model.filled_by()
    hits: list[Hit] = []
    for index, (path, crit) in enumerate(located):
        distinct, lowest, observed = row[3 * index : 3 * index + 3]
        if not observed:
            fix = (
                f"map the column that holds {crit.field!r} (--preset or "
                "--mapping), or remove the criterion"
            )
            kind = filled.get(crit.field)
            if kind in signal_sources:
                # The file's value wins over a column of the same name.
                fix = (
                    f"check the --{kind} file: none of its rows gave an account "
                    f"a value for {crit.field!r} (its match report says where "
                    "they went), or remove the criterion"
                )
            elif kind is not None:
                fix = (
                    f"give lint and `tierwise tier` the --{kind} file that "
                    f"fills {crit.field!r}, or {fix}"
                )
            hits.append(
                Hit(
                    "signal-constant",
                    path,
                    (
                        f"no account has a value for {crit.field!r}, so criterion "
                        f"{crit.key!r} tells none of them apart"
                    ),
                    fix,
                )
            )
        elif distinct <= 1:
            hits.append(
                Hit(
                    "signal-constant",
                    path,
                    (
                        f"every account scores {lowest} points on {crit.key!r}: "
                        f"as a signal it cannot rank this portfolio"
                    ),
                    (
                        "move its thresholds to where this portfolio's values "
                        f"of {crit.field!r} differ, or remove the criterion"
                    ),
                )
            )
    return hits


def _share(value: object) -> float | None:
    return None if value is None else float(str(value))
