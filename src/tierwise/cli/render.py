"""Rendering results for the terminal: the tier summary and explanations."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

from rich.table import Table

from tierwise.cli.app import console
from tierwise.cli.evidence import render_evidence
from tierwise.cli.safe_text import escape
from tierwise.cli.tables import fits, fitted
from tierwise.sources.report import absent_lines, short_report
from tierwise.sources.signals.report import signal_report_lines
from tierwise.store import ABSENT

if TYPE_CHECKING:
    from tierwise.engine import Explanation
    from tierwise.engine.explain import GateLine
    from tierwise.jobs import TierJob

__all__ = ["render_explanation", "render_summary", "tier_matrix"]

RESULT_FILES = ("tiers.parquet", "tiers.csv", "explain.parquet")


def render_summary(job: TierJob) -> None:
    # The run has loaded the engine and its records by now; importing them
    # here keeps them out of the commands that render no run.
    from tierwise.engine import run as engine_run
    from tierwise.run_record import run_warning_lines

    run, report = job.run, job.report
    console.print(
        f"[bold]{run.accounts:,} accounts[/bold] from {escape(report.source)} "
        f"({report.rows_read:,} rows read, {len(report.skipped):,} skipped), "
        f"model [bold]{escape(job.model.name)}[/bold]{_published(job)}, "
        f"as of {run.compiled.as_of}"
    )
    table = Table(title="Tiers")
    for heading in ("tier", "name", "accounts", "cap", "total range", "budget"):
        table.add_column(
            heading,
            justify="right" if heading in ("accounts", "cap", "budget") else "left",
        )
    for count in run.tiers:
        span = (
            ""
            if count.min_total is None
            else f"{count.min_total:.2f} – {count.max_total:.2f}"
        )
        cap = "" if count.cap is None else f"{count.cap:,}"
        budget = (
            "" if count.budget_share_pct is None else f"{count.budget_share_pct:g}%"
        )
        names = escape(count.key), escape(count.name)
        table.add_row(*names, f"{count.accounts:,}", cap, span, budget)
    console.print(table)

    for line in short_report(report)[1:]:
        console.print(escape(line), highlight=False)
    out_dir = escape(str(job.out_dir))
    console.print(f"Import report: {out_dir}/import-report.txt", highlight=False)
    if job.signals is not None:
        for line in signal_report_lines(job.signals):
            console.print(escape(line), highlight=False)
        console.print(
            f"Signals match report: {out_dir}/signals-report.json", highlight=False
        )

    reasons = ", ".join(f"{reason} {n:,}" for reason, n in sorted(run.reasons.items()))
    console.print(f"Reasons: {reasons}")
    if run.estimated_potential:
        console.print(
            "Potential estimated from annual revenue for "
            f"{run.estimated_potential:,} accounts."
        )
    for line in absent_lines(report):
        console.print(escape(line), highlight=False)
    for warning in run_warning_lines(run, report):
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    _render_store(job)
    if job.written_back is not None:
        console.print(
            escape(
                f"Written back to the table {job.written_back} beside {report.source}"
            ),
            highlight=False,
        )
    written = [name for name in RESULT_FILES if (job.out_dir / name).exists()]
    # Read here, not imported, so it is the limit the run itself applied.
    limit = engine_run.SPREADSHEET_ROWS
    if "tiers.csv" not in written and run.accounts > limit:
        console.print(
            f"No tiers.csv: {run.accounts:,} accounts are more rows than a "
            f"spreadsheet opens ({limit:,}); --csv writes it anyway"
        )
    console.print(
        f"Results in {out_dir}/ ({', '.join(written)}); explain one with: "
        f"tierwise explain ACCOUNT_ID --out {out_dir}"
    )


def _published(job: TierJob) -> str:
    """Says the model came from the store, not from a file or the default."""
    if job.model_version is None:
        return ""
    return f" (published version {job.model_version}, the store's current model)"


def _render_store(job: TierJob) -> None:
    """What the store did with the run: overrides applied, and where it went."""
    if job.pins is not None and job.pins.applied:
        console.print(
            f"Overrides applied: {len(job.pins.applied):,} (reason `override`)"
        )
    for note in job.pins.skipped if job.pins else []:
        console.print(f"[yellow]note:[/yellow] {escape(note)}", highlight=False)
    if job.recorded is not None:
        console.print(f"Store: {escape(job.recorded.describe())}", highlight=False)


def render_explanation(explanation: Explanation) -> None:
    console.rule(escape(f"{explanation.name} ({explanation.account_id})"))
    table = Table(box=None, pad_edge=False)
    table.add_column("criterion", overflow="fold")
    table.add_column("value", overflow="fold", max_width=20)
    for heading in ("points", "× weight", "= earned", "of"):
        table.add_column(heading, justify="right", no_wrap=True)

    for dim in explanation.dimensions:
        score = "unknown" if dim.score is None else f"{dim.score:.2f}"
        table.add_row(
            f"[bold]{escape(dim.name)}[/bold] (weight {dim.weight})",
            "",
            f"→ {score}",
            "",
            f"[bold]{dim.earned}[/bold]",
            f"[bold]{dim.possible}[/bold]",
        )
        for line in explanation.criteria:
            if line.dimension != dim.key:
                continue
            points = (
                "unknown" if line.points is None else f"{line.points}/{line.max_points}"
            )
            if not line.observed and line.points is not None:
                points += " (missing)"
            table.add_row(
                f"  {escape(line.label)}",
                escape(
                    _shown(line.value)
                    + _days_from(line.value, explanation.as_of)
                    + (" (estimated)" if line.estimated else "")
                ),
                points,
                str(line.effective_weight),
                str(line.earned),
                str(line.possible),
            )
    console.print(table)
    render_evidence(explanation)

    total = "unknown" if explanation.total is None else f"{explanation.total:.2f}"
    console.print(
        f"[bold]Total: {explanation.earned} of {explanation.possible} → {total}[/bold] "
        f"(completeness {explanation.completeness or 0:.2f}%)",
        highlight=False,
    )
    estimated = " (estimated from revenue)" if explanation.potential_estimated else ""
    potential = _shown(explanation.potential)
    if explanation.potential is None:
        potential = "unknown (none given, none estimated)"
    console.print(f"Potential: {potential}{estimated}", highlight=False)

    for gate in explanation.gates:
        console.print(_gate_text(gate), highlight=False)
    cap = f", cap rank {explanation.cap_rank}" if explanation.cap_rank else ""
    tier_name = escape(str(explanation.tier_name))
    console.print(
        f"[bold]Tier: {tier_name} ({explanation.tier})[/bold], "
        f"reason {explanation.reason}, {_rank(explanation.rank)}{cap}",
        highlight=False,
    )
    if explanation.decision is not None:
        console.print(
            f"[bold]Why:[/bold] {escape(explanation.decision.sentence)}",
            highlight=False,
        )


# The colour of a gate's outcome: passed, failed or unknown.
_COLOURS = {True: "green", False: "red", None: "yellow"}


def _gate_text(gate: GateLine) -> str:
    """One gate as a line: ``tier_1: must-have exec_sponsor: missing — …``."""
    outcome = f"[{_COLOURS[gate.passed]}]{gate.outcome}[/{_COLOURS[gate.passed]}]"
    said = outcome if gate.check == "eligible" else f"{gate.check}: {outcome}"
    detail = f" — {escape(gate.detail)}" if gate.detail else ""
    decides = " [bold]◀ decides[/bold]" if gate.decides else ""
    return f"  {gate.tier}: {said}{detail}{decides}"


def _rank(rank: int | None) -> str:
    return "no rank (not in a tier)" if rank is None else f"rank {rank} in tier"


def _days_from(value: Any, as_of: date | None) -> str:
    """How far a date lies from the as-of date, which recency counts from."""
    if not isinstance(value, date) or isinstance(value, datetime) or as_of is None:
        return ""
    days = (as_of - value).days
    if days >= 0:
        return f" ({days:,}d ago)"
    return f" (in {-days:,}d)"


def _shown(value: Any) -> str:
    """A value as a person reads it: 1,250,000 rather than 1250000.0."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, float) and math.isfinite(value):
        # Cut down to hundredths, never rounded up: a threshold has at most
        # two decimals, so the shown value passes it exactly when the value does.
        cut = Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
        return f"{cut:,}".rstrip("0").rstrip(".")
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value)


def tier_matrix(
    title: str,
    tiers: Sequence[str],
    name_of: Callable[[str], str],
    count: Callable[[str, str], int],
    totals: bool = False,
) -> Table:
    """A from-tier × to-tier table: rows before, columns after.

    Accounts that stayed are bold, empty cells a dot; ``absent`` (an account
    in only one of the two) meets itself in a blank cell. Tiers are shown by
    name, and by name and key where two of them (one from each model, after
    a key was renamed) share a name.

    Where the names across the top do not fit the terminal (at 60 columns
    Rich cut them to ``Strate…`` and ``Progra…``), the tiers are numbered:
    each row's label starts with its number (``1 Strategic``) and each
    column is headed by that number alone, so the names stay whole.
    """
    names = [name_of(key) for key in tiers]
    shared = {name for name in names if names.count(name) > 1}
    label = {
        key: f"{name} ({key})" if name in shared else name
        for key, name in zip(tiers, names, strict=True)
    }
    headings = [label[key] for key in tiers]
    table = _matrix_table(title, tiers, headings, list(headings), count, totals)
    if fits(table, console):
        return table
    numbers = [str(index) for index in range(1, len(tiers) + 1)]
    numbered = [f"{index} {label[key]}" for index, key in enumerate(tiers, 1)]
    table = _matrix_table(title, tiers, numbers, numbered, count, totals)
    table.caption = "Columns are numbered as the rows."
    return fitted(table, console)


def _matrix_table(
    title: str,
    tiers: Sequence[str],
    headings: list[str],
    labels: list[str],
    count: Callable[[str, str], int],
    totals: bool,
) -> Table:
    """The matrix with these column ``headings`` and row ``labels``."""
    table = Table(title=title)
    table.add_column("")
    for heading in headings:
        table.add_column(escape(heading), justify="right")
    if totals:
        table.add_column("total", justify="right")
    for row, label in zip(tiers, labels, strict=True):
        cells = []
        for column in tiers:
            n = count(row, column)
            if row == column == ABSENT:
                cells.append("")
            elif row == column:
                cells.append(f"[bold]{n:,}[/bold]")
            else:
                cells.append(f"{n:,}" if n else "·")
        if totals:
            cells.append(f"{sum(count(row, column) for column in tiers):,}")
        table.add_row(escape(label), *cells)
    return table
