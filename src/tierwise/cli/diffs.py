"""The diff command: what changed between two recorded runs.

It opens the store named by ``--db`` (else ``TIERWISE_DATABASE_URL``, else
``tierwise.db`` here), makes one library call and renders the comparison: a
tier matrix, a headline, and the accounts that moved, arrived and left.
`tierwise.cli.runs` registers it beside the other store commands, so the
help lists it after ``history``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from tierwise import store as runs_store
from tierwise.cli.app import console, reported
from tierwise.cli.render import tier_matrix
from tierwise.cli.safe_text import escape, escape_inline, inline, visible
from tierwise.cli.store_options import DbOption, existing_store
from tierwise.cli.tables import (
    aligned,
    column_widths,
    fits,
    fitted,
    listing,
    print_indented,
    score_text,
    signed_score,
)
from tierwise.errors import TierwiseError
from tierwise.store import ABSENT

if TYPE_CHECKING:
    # Loaded by the command itself (through runs_store), not at start-up.
    from tierwise.store import Movement, RunDiff, Unpaired

__all__ = ["diff"]

# The movers' list comes after the count of accounts that kept their tier,
# so its heading says whom it lists.
MOVERS_TITLE = "Accounts that changed tier, largest score change first"
# The narrowest a name column may be before each account takes two lines.
NAME_ROOM = {"name": 20}
MOVED_COLUMNS = (
    "account",
    "name",
    "from → to",
    "total",
    "Δ",
    "reason now",
    "by dimension",
)


def diff(
    run_a: Annotated[
        int | None,
        typer.Argument(help="The earlier run's number (default: the last two runs)."),
    ] = None,
    run_b: Annotated[int | None, typer.Argument(help="The later run's number.")] = None,
    db: DbOption = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            min=0,
            help="List this many accounts that moved, and as many new and gone.",
        ),
    ] = 50,
    csv: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="Also write every account that moved to this CSV file."
        ),
    ] = None,
) -> None:
    """Compare two runs: a tier matrix, who moved, who is new and who left.

    Without run numbers it compares the last two runs by as-of date.
    """
    with reported():
        if (run_a is None) != (run_b is None):
            raise TierwiseError(
                f"diff takes two run numbers (diff {run_a} RUN_B), or none to "
                "compare the last two runs; `tierwise runs` lists them"
            )
        moved: list[Movement] = []
        with existing_store(db) as store:
            latest = run_a is None
            if run_a is None or run_b is None:
                run_a, run_b = runs_store.latest_pair(store)
            compared = runs_store.diff_runs(store, run_a, run_b, limit=limit)
            if csv is not None:
                moved = runs_store.moved_accounts(store, run_a, run_b)
        written = None if csv is None else _export_moved(moved, csv)
    if latest:
        console.print(
            f"Comparing the last two runs by as-of date: run {run_a} with run {run_b}.",
            highlight=False,
        )
    _render_diff(compared, db is not None)
    if written is not None:
        console.print(written, markup=False, highlight=False)


def _export_moved(moved: list[Movement], path: Path) -> str:
    """Write every mover to the CSV at ``path``; say so in a sentence."""
    # Loaded here: the store's modules load only when a command opens one.
    from tierwise.report.store_csv import write_moved_csv

    count = write_moved_csv(moved, path)
    accounts = "account" if count == 1 else "accounts"
    return f"Wrote {count:,} {accounts} that changed tier to {path}."


# The store named again, without printing its URL (it may hold a password).
_SAME_DB = " --db <the same store>"


def _render_diff(compared: RunDiff, own_store: bool = False) -> None:
    before, after = compared.before, compared.after
    title = (
        f"Run {before.run_id} (as of {before.as_of}) → run {after.run_id} "
        f"(as of {after.as_of}); rows: before, columns: after"
    )
    console.print(
        tier_matrix(title, compared.tiers, compared.tier_name, compared.count)
    )

    console.print(_headline(compared))
    if compared.rescored_count:
        held = compared.rescored_count
        history = f"tierwise history ACCOUNT_ID{_SAME_DB if own_store else ''}"
        console.print(
            f"{held:,} more kept {'its' if held == 1 else 'their'} tier with a "
            f"different total score (`{history}` shows one)."
        )
    shared = sum(
        count
        for (before_tier, after_tier), count in compared.matrix.items()
        if ABSENT not in (before_tier, after_tier)
    )
    if shared == 0:
        console.print(
            "[yellow]The two runs have no account in common: they tiered "
            "different portfolios, so nothing could move.[/yellow]"
        )
    if compared.moved:
        _render_moved(compared.moved)
        _more(len(compared.moved), compared.moved_count)
    unpaired = (
        (compared.added, compared.added_count, f"New in run {after.run_id}"),
        (
            compared.dropped,
            compared.dropped_count,
            f"No longer in the portfolio: in run {before.run_id}, "
            f"not in run {after.run_id}",
        ),
    )
    for accounts, count, heading in unpaired:
        if accounts:
            _render_unpaired(heading, accounts)
            _more(len(accounts), count)


def _headline(compared: RunDiff) -> str:
    """How many moved, and apart from them how many arrived and left."""
    changed = compared.moved_count
    parts = [f"{changed:,} {'account' if changed == 1 else 'accounts'} changed tier"]
    if compared.added_count:
        parts.append(f"{compared.added_count:,} new")
    if compared.dropped_count:
        parts.append(f"{compared.dropped_count:,} no longer in the portfolio")
    return ", ".join(parts) + "."


def _render_moved(moved: list[Movement]) -> None:
    """The movers as a table, or two lines each where the table cannot fit."""
    table = listing(MOVERS_TITLE)
    for heading in MOVED_COLUMNS:
        table.add_column(
            heading,
            justify="right" if heading in ("total", "Δ") else "left",
            no_wrap=heading not in ("name", "by dimension"),
            overflow="fold",
        )
    for move in moved:
        table.add_row(
            escape_inline(move.account_id),
            escape_inline(move.name or ""),
            _tiers(move),
            _totals(move),
            signed_score(move.total_delta),
            escape(move.reason_after),
            _deltas(move),
        )
    if fits(table, console):
        console.print(fitted(table, console))
        return

    # The codes, tiers and numbers on the first line, whole; the words under.
    console.print(MOVERS_TITLE, style="italic")
    wide = {
        "account": max(len(move.account_id) for move in moved),
        "tiers": max(len(_tiers(move)) for move in moved),
        "delta": max(len(signed_score(move.total_delta)) for move in moved),
    }
    for move in moved:
        first = (
            f"{move.account_id:<{wide['account']}}  {_tiers(move):<{wide['tiers']}}"
            f"  {signed_score(move.total_delta):>{wide['delta']}}  {move.reason_after}"
        )
        words = [inline(move.name or ""), f"total {_totals(move)}", _deltas(move)]
        console.print(Text(visible(first)))
        detail = Text(visible("; ".join(word for word in words if word)))
        print_indented(console, detail, 2)


def _tiers(move: Movement) -> str:
    return f"{move.from_tier} → {move.to_tier}"


def _totals(move: Movement) -> str:
    return f"{score_text(move.total_before)} → {score_text(move.total_after)}"


def _deltas(move: Movement) -> str:
    return ", ".join(
        f"{name.removesuffix('_score')} {signed_score(value)}"
        for name, value in move.dimension_deltas.items()
        if value
    )


def _render_unpaired(title: str, accounts: list[Unpaired]) -> None:
    """New or gone accounts as a table, or two lines each where it cannot fit.

    At 60 columns the table's id, tier, total and reason left the name a
    column or two, and Rich then broke every column into single letters.
    """
    table = _unpaired_table(title, accounts)
    if fits(table, console, NAME_ROOM):
        console.print(fitted(table, console, NAME_ROOM))
        return

    # The codes and the total on the first line, whole; the name under.
    console.print(Text(title, style="italic"))
    firsts = [
        [
            visible(account.account_id),
            account.tier,
            score_text(account.total),
            account.reason,
        ]
        for account in accounts
    ]
    widths = column_widths(firsts)
    for account, first in zip(accounts, firsts, strict=True):
        console.print(Text(aligned(first, widths, right=(2,))))
        if account.name:
            print_indented(console, Text(inline(account.name)), 2)


def _unpaired_table(title: str, accounts: list[Unpaired]) -> Table:
    table = listing(title)
    for heading in ("account", "name", "tier", "total", "reason"):
        table.add_column(
            heading,
            justify="right" if heading == "total" else "left",
            no_wrap=heading != "name",
            overflow="fold",
        )
    for account in accounts:
        table.add_row(
            escape_inline(account.account_id),
            escape_inline(account.name or ""),
            account.tier,
            score_text(account.total),
            escape(account.reason),
        )
    return table


def _more(listed: int, count: int) -> None:
    """Says how many a capped list left out, and how to see them."""
    if count > listed:
        console.print(
            f"and {count - listed:,} more (--limit {count} lists every one).",
            highlight=False,
        )
