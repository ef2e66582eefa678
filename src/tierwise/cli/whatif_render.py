"""Rendering a what-if preview: the move matrix, tiers, movers and warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from tierwise.cli.app import console
from tierwise.cli.render import tier_matrix
from tierwise.cli.safe_text import escape, escape_inline, inline, visible
from tierwise.cli.tables import aligned, column_widths, fits, fitted, print_indented

if TYPE_CHECKING:
    from tierwise.lifecycle import Mover, Responsible, TierShift, WhatIf

__all__ = ["render_whatif"]

# Criteria named per moving account; the library returns them all.
CRITERIA_SHOWN = 3

TIERS_TITLE = "Tiers before → after"
# The headings of the tiers' narrow layout, on two lines, over a line per
# side (before, after) of each tier; all but the side are numbers.
SIDE_HEADINGS = (
    ("", "accounts", "", "qualified", "budget", "budget per"),
    ("", "", "cap", "without caps", "share", "account"),
)
SIDE_NUMBERS = (1, 2, 3, 4, 5)

MOVER_CRITERIA = "criteria responsible (score points)"
MOVER_COLUMNS = ("account", "name", "from → to", "total", "Δ", "reason", MOVER_CRITERIA)


def render_whatif(preview: WhatIf) -> None:
    run = preview.run
    console.print(
        f"[bold]What if run {run.run_id}[/bold] (as of {run.as_of}, "
        f"{preview.accounts:,} accounts, model {escape(preview.model_before)}) had "
        f"used [bold]{escape(preview.model_after)}[/bold]? Nothing was recorded.",
        highlight=False,
    )
    console.print(_matrix(preview))
    _render_tiers(preview.shifts)
    if preview.pinned:
        console.print(
            f"{preview.pinned:,} account(s) pinned by overrides in the run keep "
            "their tiers on both sides.",
            highlight=False,
        )

    console.print(
        f"{preview.moved_count:,} of {preview.accounts:,} accounts would change tier.",
        highlight=False,
    )
    if preview.movers:
        _render_movers(preview)
    for warning in preview.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)


def _matrix(preview: WhatIf) -> Table:
    return tier_matrix(
        "Rows: tier in the run; columns: tier with the new model",
        preview.tiers,
        preview.tier_name,
        preview.count,
        totals=True,
    )


def _render_tiers(shifts: list[TierShift]) -> None:
    table = _tiers(shifts)
    if fits(table, console):
        console.print(fitted(table, console))
    else:
        _render_tiers_narrow(shifts)


def _tiers(shifts: list[TierShift]) -> Table:
    table = Table(title=TIERS_TITLE)
    table.add_column("tier")
    for heading in (
        "accounts",
        "cap",
        "qualified without caps",
        "budget share",
        "budget per account",
    ):
        table.add_column(heading, justify="right")
    for shift in shifts:
        table.add_row(
            f"{shift.key} ({escape(shift.name)})",
            _pair(shift.accounts_before, shift.accounts_after),
            _pair(shift.cap_before, shift.cap_after),
            _pressure(shift),
            _pair(shift.budget_before, shift.budget_after, "{:g}%"),
            _pair(
                _each(shift.budget_before, shift.accounts_before),
                _each(shift.budget_after, shift.accounts_after),
                "{:.3g}%",
            ),
        )
    return table


def _render_tiers_narrow(shifts: list[TierShift]) -> None:
    """The tiers before and after where their table cannot fit.

    At 60 columns Rich cut the headings, the tier names and the budget per
    account (``accoun…``, ``(Strat…``, ``0.028…``). Each tier is named on a
    line of its own, whole; its numbers before and after take a line each,
    under headings of two lines.
    """
    sides = [
        [side, *_side(shift, after=side == "after")]
        for shift in shifts
        for side in ("before", "after")
    ]
    widths = column_widths([*map(list, SIDE_HEADINGS), *sides])
    console.print(Text(TIERS_TITLE, style="italic"))
    for heading in SIDE_HEADINGS:
        line = aligned(list(heading), widths, right=SIDE_NUMBERS)
        console.print(Text(f"  {line}", style="bold"))
    for index, shift in enumerate(shifts):
        console.print(Text(f"{shift.key} ({shift.name})"))
        for cells in sides[2 * index : 2 * index + 2]:
            console.print(Text(f"  {aligned(cells, widths, right=SIDE_NUMBERS)}"))


def _side(shift: TierShift, after: bool) -> list[str]:
    """A tier's numbers on one side: accounts, cap, qualified, budget."""
    if after:
        accounts, cap = shift.accounts_after, shift.cap_after
        qualified, budget = shift.qualified_after, shift.budget_after
    else:
        accounts, cap = shift.accounts_before, shift.cap_before
        qualified, budget = shift.qualified_before, shift.budget_before
    pressure = f" ({qualified / cap:.1f}×)" if qualified is not None and cap else ""
    return [
        _value(accounts),
        _value(cap),
        _value(qualified) + pressure,
        _value(budget, "{:g}%"),
        _value(_each(budget, accounts), "{:.3g}%"),
    ]


def _pressure(shift: TierShift) -> str:
    """Qualified accounts, and how many times the cap that is."""
    text = _pair(shift.qualified_before, shift.qualified_after)
    caps = [
        f"{qualified / cap:.1f}×"
        for qualified, cap in (
            (shift.qualified_before, shift.cap_before),
            (shift.qualified_after, shift.cap_after),
        )
        if qualified is not None and cap
    ]
    return f"{text} ({' → '.join(caps)} cap)" if caps else text


def _render_movers(preview: WhatIf) -> None:
    """The movers as a table, or two lines each where the table cannot fit.

    At 80 columns Rich cut the ids (``F1000-00…``), tier names and reason
    codes of the table. Codes, tiers and numbers are never narrowed; where
    they leave no room, each account takes a line of them, whole, and a
    line of its name, totals and criteria under it.
    """
    shown = len(preview.movers)
    more = (
        f", the {shown:,} largest score changes" if shown < preview.moved_count else ""
    )
    title = f"Accounts that would move{more}"
    table = Table(title=title)
    for heading in MOVER_COLUMNS:
        table.add_column(
            heading,
            justify="right" if heading in ("total", "Δ") else "left",
            no_wrap=heading not in ("name", MOVER_CRITERIA),
            overflow="fold",
        )
    for mover in preview.movers:
        table.add_row(
            escape_inline(mover.account_id),
            escape_inline(mover.name or ""),
            escape(_moved_between(preview, mover)),
            _totals(mover),
            _signed(mover.total_delta),
            escape(_reasons(mover)),
            escape(_criteria(mover.criteria)),
        )
    if fits(table, console):
        console.print(fitted(table, console))
        return

    console.print(Text(title, style="italic"))
    lines = [
        [
            inline(mover.account_id),
            _moved_between(preview, mover),
            _signed(mover.total_delta),
            _reasons(mover),
        ]
        for mover in preview.movers
    ]
    widths = column_widths(lines)
    for mover, cells in zip(preview.movers, lines, strict=True):
        console.print(Text(aligned(cells, widths, right=(2,))))
        name = inline(mover.name or "")
        words = [name, f"total {_totals(mover)}", _criteria(mover.criteria)]
        detail = Text(visible("; ".join(word for word in words if word)))
        print_indented(console, detail, 2)


def _moved_between(preview: WhatIf, mover: Mover) -> str:
    return f"{preview.tier_name(mover.from_tier)} → {preview.tier_name(mover.to_tier)}"


def _totals(mover: Mover) -> str:
    return f"{_number(mover.total_before)} → {_number(mover.total_after)}"


def _reasons(mover: Mover) -> str:
    if mover.reason_before == mover.reason_after:
        return mover.reason_after
    return f"{mover.reason_before} → {mover.reason_after}"


def _criteria(parts: list[Responsible]) -> str:
    """The largest parts in a score change, each with what moved in it."""
    if not parts:
        return "none: the tiers' rules moved, not the score"
    said = []
    for part in parts[:CRITERIA_SHOWN]:
        if part.points_before == part.points_after:
            why = "weights"
        else:
            why = f"points {_points(part.points_before)}→{_points(part.points_after)}"
        said.append(f"{part.key} {part.delta:+.2f} ({why})")
    rest = len(parts) - CRITERIA_SHOWN
    return ", ".join(said) + (f", {rest} more" if rest > 0 else "")


def _points(points: int | None) -> str:
    return "—" if points is None else str(points)


def _each(share: float | None, accounts: int | None) -> float | None:
    if share is None or not accounts:
        return None
    return share / accounts


def _pair(
    before: float | int | None, after: float | int | None, shape: str = "{:,}"
) -> str:
    shown = [_value(value, shape) for value in (before, after)]
    return shown[0] if before == after else f"{shown[0]} → {shown[1]}"


def _value(value: float | int | None, shape: str = "{:,}") -> str:
    return "—" if value is None else shape.format(value)


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"
