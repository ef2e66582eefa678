"""The warnings of a run: what its results show a person should look at.

Full caps, overrides beyond a cap, accounts with no potential for a banded
tier (the first few named), must-haves and include rules that read only
fields the accounts do not have, named accounts a cap or a disqualifier
kept out, and dates read as past that lie after the as-of date (see
:mod:`tierwise.engine.dates_ahead`). Each is one sentence that says what
to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
from sqlglot import exp

from tierwise.engine.dates_ahead import dates_ahead_warnings
from tierwise.engine.run import RESULT_TABLE, TieringRun
from tierwise.engine.signal_explain import signal_sources_of
from tierwise.engine.signals import signal_values
from tierwise.engine.sql import col
from tierwise.model.lint.absent import AbsentGate, absent_field_gates

__all__ = ["NAMED_ACCOUNTS", "run_warnings"]

# A warning about accounts names this many of them, then how many more.
NAMED_ACCOUNTS = 5


def run_warnings(run: TieringRun, pins: Mapping[str, str]) -> list[str]:
    """Everything about a run a person should look at, one sentence each."""
    warnings: list[str] = []
    for tier in run.tiers:
        if tier.cap is None:
            continue
        # Known shortcoming: capped_out counts the accounts whose nearest full
        # tier above them was this one (their capped_from). An account a full
        # tier turned away and a full tier below it turned away too is counted
        # under the lower tier alone, so this count can be short, and a full
        # Tier 1 whose every overflow also missed Tier 2 is not warned about.
        if tier.capped_out:
            noun = "account" if tier.capped_out == 1 else "accounts"
            warnings.append(
                f"{tier.name} holds {tier.accounts:,} of {tier.cap:,}; "
                f"{tier.capped_out:,} more {noun} qualified and were capped to a "
                "lower tier"
            )
        if tier.pinned > tier.cap:
            warnings.append(
                f"{tier.name}: {tier.pinned:,} manual overrides exceed its cap of "
                f"{tier.cap:,}; the cap is broken by people's decisions, review them"
            )
    banded = [t.name for t in run.compiled.model.active_tiers() if t.needs_potential]
    if run.unknown_potential and banded:
        unknown = run.unknown_potential
        noun, them = (
            ("account has", "it") if unknown == 1 else ("accounts have", "them")
        )
        first = _rows(
            run.connection,
            f"""SELECT "account_id" FROM "{RESULT_TABLE}" WHERE "potential" IS NULL
                ORDER BY "account_id" LIMIT {NAMED_ACCOUNTS}""",
        )
        warnings.append(
            f"{unknown:,} {noun} no potential (none given and none to estimate "
            f"from), so no total can take {them} into {', '.join(banded)}, whose "
            "potential bands need one; fill potential or annual revenue for "
            + _some_of([str(row[0]) for row in first], unknown)
        )
    pinned = {tier.key: tier.pinned for tier in run.tiers}
    warnings += [
        found.message(pinned.get(found.tier.key, 0)) for found in _absent_gates(run)
    ]
    squeezed = _named_but_capped(run)
    if squeezed:
        shown = ", ".join(squeezed[:10])
        warnings.append(
            f"{len(squeezed):,} named account(s) met an include rule but their tier "
            f"was full; they were capped to a lower tier: {shown}"
        )
    conflicts = _conflicts(run)
    if conflicts:
        shown = ", ".join(conflicts[:10])
        warnings.append(
            f"{len(conflicts):,} named account(s) meet an include rule but are "
            f"disqualified (disqualifiers win); review: {shown}"
        )
    warnings += _dates_ahead(run)
    return warnings


def _some_of(ids: list[str], count: int) -> str:
    """The first ids of ``count``, and how many more: ``a, b and 7 more``."""
    shown = ", ".join(ids)
    return shown if count <= len(ids) else f"{shown} and {count - len(ids):,} more"


def _dates_ahead(run: TieringRun) -> list[str]:
    """Dates read as past that lie after the as-of date, asked where the
    accounts are; matched signal rows are always in ``run.connection``."""
    compiled = run.compiled
    described = run.connection.sql(f'DESCRIBE "{compiled.source}"').fetchall()
    return dates_ahead_warnings(
        compiled.model,
        compiled.as_of,
        [str(row[0]) for row in described],
        compiled.source,
        signal_sources_of(compiled),
        lambda text: _where_accounts_are(run, text),
        lambda text: _rows(run.connection, text),
    )


def _absent_gates(run: TieringRun) -> list[AbsentGate]:
    """Must-haves and include rules no account can meet: they need fields
    the input has no column for.

    A field is present when the accounts have a column for it, a signal
    file fills it, or (the potential) the model estimates it from revenue.
    """
    compiled = run.compiled
    model = compiled.model
    described = run.connection.sql(f'DESCRIBE "{compiled.source}"').fetchall()
    present = {str(row[0]) for row in described}
    present |= set(signal_values(model, signal_sources_of(compiled)))
    if model.potential.estimate is not None and "annual_revenue" in present:
        present.add(model.potential.field)
    return absent_field_gates(model, present)


def _conflicts(run: TieringRun) -> list[str]:
    """Accounts that an include rule names for a tier and a disqualifier bars."""
    tiers = run.compiled.model.active_tiers()
    clashes = [
        f'("included_{i}" AND "disqualified_{i}" IS NOT NULL)'
        for i, tier in enumerate(tiers)
        if tier.include and tier.disqualifiers
    ]
    return _accounts_where(run, "eligible", clashes)


def _named_but_capped(run: TieringRun) -> list[str]:
    """Accounts an include rule names for a tier that the cap kept out."""
    tiers = run.compiled.model.active_tiers()
    squeezed = [
        f'("included_{i}" AND "capped_from" = \'{tier.key}\')'
        for i, tier in enumerate(tiers)
        if tier.include and tier.max_accounts is not None
    ]
    return _accounts_where(run, "placed", squeezed)


def _accounts_where(run: TieringRun, step: str, clauses: list[str]) -> list[str]:
    """Ids of the accounts at ``step`` of the query that meet any clause.

    Only models with include rules ask, so the step is recomputed here
    rather than kept from the run.
    """
    if not clauses:
        return []
    # The step's own select, not a subquery over it: PostgreSQL and MariaDB
    # refuse a subquery in FROM without a name, and MariaDB does not see the
    # table's step from inside a subquery that has steps of its own.
    where = exp.or_(*(exp.condition(clause, dialect="duckdb") for clause in clauses))
    query = run.compiled.step_query(step, where)
    query.set("expressions", [col("account_id")])
    text = query.order_by(col("account_id")).sql(dialect="duckdb")
    return [str(row[0]) for row in _where_accounts_are(run, text)]


def _where_accounts_are(run: TieringRun, query: str) -> list[tuple[Any, ...]]:
    """The rows of a DuckDB ``query`` over the run's steps or accounts, run
    where the accounts are: in their database for a table's run."""
    if run.source_rows is not None:
        return run.source_rows(query)
    return _rows(run.connection, query)


def _rows(connection: duckdb.DuckDBPyConnection, query: str) -> list[tuple[Any, ...]]:
    return connection.sql(query).fetchall()
