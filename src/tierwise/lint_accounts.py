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
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa

from tierwise.engine import TieringRun, score_accounts
from tierwise.jobs import currencies_of
from tierwise.model.lint import LintReport, lint_model
from tierwise.model.lint.absent import never_holds
from tierwise.model.lint.codes import Hit
from tierwise.model.loader import read_model_text
from tierwise.model.schema import Tier, TieringModel
from tierwise.model.signals import SIGNAL_SOURCES
from tierwise.sources import ColumnMapping, load_preset, read_accounts

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
    """What scoring a portfolio showed about the model."""

    source: str
    accounts: int
    as_of: date
    tiers: list[TierQualification]
    unassigned_before_caps: int
    unassigned_after_caps: int


@dataclass(frozen=True)
class ModelLint:
    """A lint report, and the portfolio check when accounts were given."""

    report: LintReport
    portfolio: PortfolioLint | None = None


def lint_file(
    model_path: Path,
    accounts: Path | None = None,
    mapping: ColumnMapping | None = None,
    as_of: date | None = None,
    allow: Collection[str] = (),
) -> ModelLint:
    """Lint a model file, and with ``accounts`` check it against them too.

    Known shortcoming: no signal files are read, so the fields the model
    fills from them count as absent and the tier counts can be lower than
    ``tier`` gives with those files; the report says so under "Not checked".

    Raises:
        TierwiseError: when the model or accounts file cannot be read, or
            ``allow`` names a code lint does not know (unusable input).
    """
    report = lint_model(read_model_text(model_path), str(model_path), allow)
    if accounts is None:
        return ModelLint(report)
    if report.model is None:
        skipped = f"the accounts in {accounts}: the model does not load to score them"
        return ModelLint(report.with_not_checked(skipped))

    # Read exactly as `tierwise tier` reads: the model's currency and rates.
    model = report.model
    mapping = mapping or load_preset("generic")
    table, _ = read_accounts(
        accounts, model.field_kinds(), mapping, currencies=currencies_of(model)
    )
    portfolio, hits = check_portfolio(
        model, table, as_of or date.today(), source=str(accounts)
    )
    report = report.with_hits(hits)
    filled = {
        field: kind
        for field, kind in _filled_from_signals(model).items()
        if not _given(table, field)
    }
    if filled:
        # Lint reads the accounts file alone (it takes no --activity and the
        # like), so what signal files fill counts as absent here.
        options = ", ".join(f"--{kind}" for kind in sorted(set(filled.values())))
        report = report.with_not_checked(
            f"signal files: lint scores {accounts} alone, so the fields the "
            f"model fills from {options} files count as absent, and the tier "
            "counts above can be lower than `tierwise tier` gives with those "
            "files"
        )
    return ModelLint(report, portfolio)


def _given(table: pa.Table, field: str) -> bool:
    """Whether the accounts file itself gives ``field`` a value anywhere,
    as a file exported with its intent scores does."""
    if field not in table.column_names:
        return False
    column = table.column(field)
    return bool(column.null_count < len(column))


def check_portfolio(
    model: TieringModel, table: pa.Table, as_of: date, source: str = "accounts"
) -> tuple[PortfolioLint, list[Hit]]:
    """Score ``table`` with ``model`` and count, tier by tier, who qualifies.

    >>> from tierwise import build_demo_portfolio, load_model
    >>> portfolio, hits = check_portfolio(
    ...     load_model(), build_demo_portfolio(), date(2026, 9, 30)
    ... )
    >>> tier_1 = portfolio.tiers[0]
    >>> tier_1.after_caps <= tier_1.cap <= tier_1.before_caps <= tier_1.meets
    True
    """
    run = score_accounts(model, table, as_of)
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
    )

    hits = _tier_counts(model, portfolio, table) + _constant_signals(run)
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


def _absent_fields(table: pa.Table) -> set[str]:
    """Columns the accounts hold no value in at all."""
    return {
        name
        for name in table.column_names
        if table.column(name).null_count == table.num_rows
    }


def _missing_must_haves(tier: Tier, table: pa.Table) -> str:
    """Which must-haves no account can meet for want of a field the accounts
    never give, as a clause naming those fields."""
    empty = _absent_fields(table)
    lacking: set[str] = set()
    for gate in tier.must_have:
        absent = {
            name
            for name in gate.when.fields()
            if name not in table.column_names or name in empty
        }
        if absent and never_holds(gate.when, absent):
            lacking |= absent
    if not lacking:
        return ""
    fields = ", ".join(sorted(lacking))
    return (
        f" (its must-haves read {fields}, which no account in the file has a value for)"
    )


def _tier_counts(
    model: TieringModel, portfolio: PortfolioLint, table: pa.Table
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
                why += _missing_must_haves(model.tiers[positions[tier.key]], table)
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


def _constant_signals(run: TieringRun) -> list[Hit]:
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

    filled = _filled_from_signals(model)
    hits: list[Hit] = []
    for index, (path, crit) in enumerate(located):
        distinct, lowest, observed = row[3 * index : 3 * index + 3]
        if not observed:
            fix = (
                f"map the column that holds {crit.field!r} (--preset or "
                "--mapping), or remove the criterion"
            )
            if crit.field in filled:
                fix = (
                    f"give `tierwise tier` the --{filled[crit.field]} file that "
                    f"fills {crit.field!r} (lint reads the accounts file alone), "
                    f"or {fix}"
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


def _filled_from_signals(model: TieringModel) -> dict[str, str]:
    """The fields the model fills from signal files, with the kind of each."""
    return {
        name: kind for kind in SIGNAL_SOURCES for name in model.signal_fields([kind])
    }


def _share(value: object) -> float | None:
    return None if value is None else float(str(value))
