"""Commands over the store: runs, history, override, overrides (diff: diffs.py).

Each opens the store named by ``--db`` (else ``TIERWISE_DATABASE_URL``, else
``tierwise.db`` here), makes one library call and renders what it returns.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from tierwise import store as runs_store
from tierwise.cli.app import app, console, reported
from tierwise.cli.diffs import diff
from tierwise.cli.override_list import holds, render_overrides
from tierwise.cli.safe_text import escape, escape_inline
from tierwise.cli.store_options import DbOption, existing_store, opened_store
from tierwise.cli.tables import (
    aligned,
    column_widths,
    fits,
    fitted,
    listing,
    print_indented,
    print_location,
    print_titled,
    score_text,
)
from tierwise.errors import TierwiseError

if TYPE_CHECKING:
    # Loaded by the commands themselves (through runs_store), not at start-up.
    from tierwise.store import AccountHistory, HistoryEntry, RunSummary

__all__ = ["diff", "history", "override", "overrides", "runs"]

# The run list's title, before the store's location.
RUNS_TITLE = "Recorded runs in"


@app.command()
def runs(
    db: DbOption = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Show this many, newest first.")
    ] = 20,
) -> None:
    """List recorded runs: as-of date, input, model version, accounts per tier."""
    with reported(), existing_store(db) as store:
        recorded = runs_store.list_runs(store, limit=limit)
        store_location = store.location
    if not recorded:
        console.print("No runs recorded yet; `tierwise tier ACCOUNTS` records one.")
        return
    # One column per tier key, in model order; the tier names are in `history`.
    keys: list[str] = []
    for run in recorded:
        keys += [line.key for line in run.tiers if line.key not in keys]
    # Every stored run is complete; the column appears when it says more.
    noted = any(run.status != "complete" or run.repeat for run in recorded)
    table = listing()
    for heading in ("run", "as of", "input", "model", *keys):
        left = heading in ("as of", "input", "model")
        table.add_column(
            heading,
            justify="left" if left else "right",
            no_wrap=heading not in ("input", "model"),
            overflow="fold",
        )
    if noted:
        table.add_column("status", no_wrap=True)
    labels = input_labels(recorded)
    for run, source in zip(recorded, labels, strict=True):
        counts = {line.key: f"{line.accounts:,}" for line in run.tiers}
        table.add_row(
            str(run.run_id),
            run.as_of.isoformat(),
            escape(source),
            _model_label(run),
            *(counts.get(key, "") for key in keys),
            *([_status(run)] if noted else []),
        )
    if fits(table, console):
        print_titled(console, fitted(table, console), RUNS_TITLE, store_location)
        return
    print_location(console, RUNS_TITLE, store_location)
    _render_runs_narrow(recorded, labels, noted)


def _render_runs_narrow(
    recorded: list[RunSummary], labels: list[str], noted: bool
) -> None:
    """The run list where its table cannot fit: two lines a run.

    A status column or another model's tier keys widen the table past a
    narrow terminal, where Rich would cut the keys and squeeze the input and
    model away. The number and date lead the first line, then the input,
    model and status; the accounts per tier, in the run's own model order,
    make the second.
    """
    wide = max(len(str(run.run_id)) for run in recorded)
    for run, source in zip(recorded, labels, strict=True):
        words = [source, f"{run.model_name} v{run.model_version_id}"]
        if noted:
            words.append(_status(run))
        console.print(
            Text(f"{run.run_id:>{wide}}  {run.as_of.isoformat()}  {'  '.join(words)}")
        )
        counts = " · ".join(f"{line.key} {line.accounts:,}" for line in run.tiers)
        print_indented(console, Text(counts), wide + 2)


def _status(run: RunSummary) -> str:
    if run.repeats_run_id is None:
        return run.status
    return f"{run.status} (repeat of run {run.repeats_run_id})"


@app.command()
def history(
    account_id: Annotated[str, typer.Argument(help="The account's id.")],
    db: DbOption = None,
    csv: Annotated[
        Path | None,
        typer.Option("--csv", help="Also write its row in every run to this CSV file."),
    ] = None,
) -> None:
    """Show an account's tier in every recorded run, and its overrides.

    A 15-character Salesforce id finds its 18-character record: imports store
    the 18-character form.
    """
    with reported():
        with existing_store(db) as store:
            found = runs_store.account_history(store, account_id)
        if csv is not None:
            # Loaded here: the store's modules load only when a command opens one.
            from tierwise.report.store_csv import write_history_csv

            count = write_history_csv(found, csv)
    _render_history(found)
    if csv is not None:
        runs = "run" if count == 1 else "runs"
        console.print(
            f"Wrote its rows of {count:,} {runs} to {csv}.",
            markup=False,
            highlight=False,
        )


# The comparison of two runs lives in its own module; registered here, it
# keeps its place between history and override in the help.
app.command()(diff)


@app.command()
def override(
    account_id: Annotated[str, typer.Argument(help="The account's id.")],
    by: Annotated[str, typer.Option("--by", help="Who decides (a name).")],
    reason: Annotated[str, typer.Option("--reason", help="Why, in a sentence.")],
    tier: Annotated[
        str | None,
        typer.Option(
            "--tier", help="Tier key or name to pin (unassigned: out of every tier)."
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="Last as-of date it holds, YYYY-MM-DD."),
    ] = None,
    revoke: Annotated[
        bool, typer.Option("--revoke", help="Revoke the account's override.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Pin an account's tier for later runs (or revoke the pin with --revoke).

    A 15-character Salesforce id pins its 18-character record: imports store
    the 18-character form.
    """
    with reported():
        if revoke == (tier is not None):
            raise TierwiseError("give either --tier to pin a tier or --revoke")
        if revoke and until is not None:
            raise TierwiseError(
                "--until has no meaning with --revoke, which ends the pin now; "
                "to change its date, pin the account again with --tier and "
                "--until; nothing was changed"
            )
        ends = _date("--until", until)
        with opened_store(db) as store:
            if revoke:
                done = runs_store.revoke_override(store, account_id, reason, by)
            else:
                done = runs_store.add_override(
                    store, account_id, tier or "", reason, by, until=ends
                )
    if revoke:
        console.print(
            f"Revoked override {done.override_id} on {escape(done.account_id)} "
            f"({done.tier}); the next run computes its tier again."
        )
        return
    console.print(
        f"Override {done.override_id}: {escape(done.account_id)} pinned to {done.tier} "
        f"{holds(done)}. Runs keep it with reason `override` and show the computed "
        "tier beside it."
    )
    if done.replaces is not None:
        earlier = done.replaces
        console.print(
            f"It replaces override {earlier.override_id} ({earlier.tier} "
            f"{holds(earlier)}, set by {escape(earlier.created_by)} on "
            f"{earlier.created_at:%Y-%m-%d}: {escape(earlier.reason)}), which stays "
            "on record.",
            highlight=False,
        )
    if done.until is not None and done.until < date.today():
        past = (
            f"--until {done.until} is already past: the override holds only for "
            f"runs as of {done.until} or earlier, not for a run as of today; "
            "give a later date, or --revoke it if the date was a slip"
        )
        console.print(f"[yellow]warning:[/yellow] {escape(past)}", highlight=False)


@app.command()
def overrides(
    db: DbOption = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Include revoked, replaced and expired.")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Judge expiry on this date (default: today)."),
    ] = None,
) -> None:
    """List overrides in force (or all of them with --all)."""
    with reported():
        day = _date("--as-of", as_of) or date.today()
        with existing_store(db) as store:
            records = runs_store.list_overrides(store)
    shown = [r for r in records if all_ or r.state(day) == "active"]
    if not shown:
        console.print(f"No overrides in force as of {day}.")
        return
    render_overrides(shown, day, with_account=True)


def _render_history(found: AccountHistory) -> None:
    domain = f" ({escape_inline(found.domain)})" if found.domain else ""
    console.print(
        f"[bold]{escape_inline(found.account_id)}[/bold] "
        f"{escape_inline(found.name or '')}{domain}: "
        f"first in run {found.first_seen_run_id}, last in run "
        f"{found.last_seen_run_id}",
        highlight=False,
    )
    table = listing()
    for heading in ("run", "as of", "model", "tier", "reason", "total", "rank"):
        table.add_column(
            heading,
            justify="right" if heading in ("run", "total", "rank") else "left",
            no_wrap=heading != "model",
            overflow="fold",
        )
    for entry in found.entries:
        table.add_row(
            str(entry.run_id),
            entry.as_of.isoformat(),
            f"{escape(entry.model_name)} v{entry.model_version_id}",
            entry.tier,
            escape(_entry_reason(entry)),
            score_text(entry.total),
            _rank_text(entry),
        )
    if fits(table, console):
        console.print(fitted(table, console))
    else:
        _render_entries_narrow(found.entries)
    if found.overrides:
        render_overrides(found.overrides, date.today(), with_account=False)


# The first line of each run in history's narrow layout, and which of its
# cells are numbers, aligned right.
ENTRY_FIRST = ("run", "as of", "tier", "total", "rank")
ENTRY_NUMBERS = (0, 3, 4)


def _render_entries_narrow(entries: list[HistoryEntry]) -> None:
    """An account's runs where their table cannot fit: two lines a run.

    At 60 columns Rich cut the dates to ``2026-06-3``, the tier keys and
    totals to a few characters, and left the model no room at all. The
    run, date, tier, total and rank come first, whole, under a heading;
    the reason and the model, named, take the line under them.
    """
    firsts = [
        [
            str(entry.run_id),
            entry.as_of.isoformat(),
            entry.tier,
            score_text(entry.total),
            _rank_text(entry),
        ]
        for entry in entries
    ]
    widths = column_widths([list(ENTRY_FIRST), *firsts])
    heading = aligned(list(ENTRY_FIRST), widths, right=ENTRY_NUMBERS)
    console.print(Text(heading, style="bold"))
    for entry, first in zip(entries, firsts, strict=True):
        console.print(Text(aligned(first, widths, right=ENTRY_NUMBERS)))
        said = (
            f"reason {_entry_reason(entry)}; "
            f"model {entry.model_name} v{entry.model_version_id}"
        )
        print_indented(console, Text(said), widths[0] + 2)


def _entry_reason(entry: HistoryEntry) -> str:
    """The reason, and the computed tier beside it where an override set one.

    Only an override sets a tier other than the computed one, and its
    reason is the short ``override``.
    """
    if entry.computed_tier == entry.tier:
        return entry.reason
    return f"{entry.reason} (computed {entry.computed_tier})"


def _rank_text(entry: HistoryEntry) -> str:
    return "" if entry.rank is None else str(entry.rank)


def input_labels(recorded: list[RunSummary]) -> list[str]:
    """What each run read, as the run list names it.

    A file by its name, and by its folder too where another listed run read
    a file of the same name from elsewhere (two folders' ``accounts.csv``);
    a database table by its database and table; ``—`` for a run recorded
    without its source.
    """
    names = [_input_name(run.source) for run in recorded]
    paths: dict[str, set[str]] = {}
    for name, run in zip(names, recorded, strict=True):
        if run.source_path is not None:
            paths.setdefault(name, set()).add(run.source_path)
    labels = []
    for name, run in zip(names, recorded, strict=True):
        same_name = paths.get(name, set())
        if run.source_path is None or len(same_name) < 2:
            labels.append(name)
        else:
            labels.append(f"{name} ({_folder(run.source_path, same_name)})")
    return labels


def _input_name(source: str | None) -> str:
    """A run's source as the run list names it, without the folders.

    >>> _input_name("/data/exports/accounts.csv"), _input_name(None)
    ('accounts.csv', '—')
    >>> _input_name("postgresql://abm@db:5432/crm?sslmode=require::crm.accounts")
    'crm::crm.accounts'
    """
    if not source:
        return "—"
    if "::" in source:
        # URL::TABLE, the password already hidden: the database and table.
        url, table = source.rsplit("::", 1)
        database = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        return f"{database}::{table}"
    return PurePath(source).name


def _folder(path: str, others: set[str]) -> str:
    """The fewest trailing folders of ``path`` that no other path shares."""
    parts = PurePath(path).parent.parts
    for depth in range(1, len(parts) + 1):
        tail = "/".join(parts[-depth:])
        if all(
            "/".join(PurePath(other).parent.parts[-depth:]) != tail
            for other in others - {path}
        ):
            return tail
    return str(PurePath(path).parent)


def _model_label(run: RunSummary) -> str:
    return f"{escape(run.model_name)} v{run.model_version_id}"


def _date(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TierwiseError(
            f"{option} must be a date like 2026-12-31, got {text!r}"
        ) from None
