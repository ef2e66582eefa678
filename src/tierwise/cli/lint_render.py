"""How a model's lint is shown: its findings, who each tier would take, and
the summary. Shared by ``tierwise lint`` and ``tierwise model publish``, and
kept apart from the command so that importing it registers no command."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from tierwise.cli.app import console
from tierwise.cli.safe_text import escape
from tierwise.cli.tables import aligned, column_widths, fits, fitted
from tierwise.sources.signals.report import signal_report_lines

if TYPE_CHECKING:
    from tierwise.lint_accounts import ModelLint, PortfolioLint
    from tierwise.model.lint import Finding, LintReport

__all__ = ["render_lint"]

SEVERITY_STYLE = {"error": "red", "warning": "yellow"}

# The numbers of the who-qualifies table, after each tier's key and name.
PORTFOLIO_NUMBERS = ("cap", "qualify", "before caps", "after caps", "expected")
# The same headings on two lines, for a terminal too narrow for the table.
NARROW_HEADINGS = (
    ("", "", "before", "after", ""),
    ("cap", "qualify", "caps", "caps", "expected"),
)


def render_lint(result: ModelLint) -> None:
    report = result.report
    console.print(f"[bold]Lint of {escape(report.source)}[/bold]", highlight=False)
    for finding in report.findings:
        _render_finding(finding)
    if result.portfolio is not None:
        _render_portfolio(result.portfolio)
    if result.signals is not None:
        for line in signal_report_lines(result.signals):
            console.print(escape(line), highlight=False)
    for reason in report.not_checked:
        console.print(f"[dim]Not checked: {escape(reason)}[/dim]", highlight=False)
    console.print(_summary(report), highlight=False)


def _render_finding(finding: Finding) -> None:
    style = "dim" if finding.allowed else SEVERITY_STYLE[finding.severity]
    label = f"{finding.severity} (allowed)" if finding.allowed else finding.severity
    where = f"{finding.path}, line {finding.line}" if finding.line else finding.path
    console.print(
        f"[{style}]{label}[/{style}] [bold]{finding.code}[/bold] {escape(where)}",
        highlight=False,
    )
    console.print(f"  {escape(finding.message)}", highlight=False, soft_wrap=True)
    console.print(f"  fix: {escape(finding.fix)}", highlight=False, soft_wrap=True)


def _render_portfolio(portfolio: PortfolioLint) -> None:
    """Who qualifies for each tier: a table, or two lines a tier.

    At 80 columns Rich cut the table's tier names (``Programma…``); at 60
    its headings and shares too. Where the table cannot fit with its words
    whole, each tier is named on a line of its own and its numbers take
    the line under it, under headings of two lines.
    """
    title = (
        f"Who qualifies: {portfolio.accounts:,} accounts of "
        f"{portfolio.source}, as of {portfolio.as_of}"
    )
    rows = _portfolio_rows(portfolio)
    table = Table(title=escape(title))
    table.add_column("tier", no_wrap=True)
    table.add_column("name")
    for number in PORTFOLIO_NUMBERS:
        table.add_column(number, justify="right")
    for key, name, cells in rows:
        table.add_row(key, escape(name), *cells)

    if fits(table, console):
        console.print(fitted(table, console))
    else:
        console.print(Text(title, style="italic"))
        lines = [list(words) for words in NARROW_HEADINGS]
        widths = column_widths(lines + [row[2] for row in rows])
        right = tuple(range(len(PORTFOLIO_NUMBERS)))
        for words in lines:
            line = aligned(words, widths, right=right)
            console.print(Text(f"  {line}", style="bold"))
        for key, name, cells in rows:
            console.print(Text(f"{key} ({name})" if name else key))
            console.print(Text(f"  {aligned(cells, widths, right=right)}"))
    console.print(
        "qualify: accounts that meet the tier's own requirements; before caps: "
        "where accounts would land if no tier had a cap; after caps: where they "
        "land.",
        highlight=False,
    )


def _portfolio_rows(portfolio: PortfolioLint) -> list[tuple[str, str, list[str]]]:
    """Each tier's key, name and numbers under `PORTFOLIO_NUMBERS`, as text."""
    rows = []
    for tier in portfolio.tiers:
        expected = (
            "" if tier.expected_share_pct is None else f"{tier.expected_share_pct:g}%"
        )
        numbers = [
            "" if tier.cap is None else f"{tier.cap:,}",
            f"{tier.meets:,}",
            f"{tier.before_caps:,}",
            f"{tier.after_caps:,} ({_share(tier.after_caps, portfolio.accounts)})",
            expected,
        ]
        rows.append((tier.key, tier.name, numbers))
    unassigned = [
        "",
        "",
        f"{portfolio.unassigned_before_caps:,}",
        f"{portfolio.unassigned_after_caps:,}",
        "",
    ]
    rows.append(("unassigned", "", unassigned))
    return rows


def _share(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}%" if total else "-"


def _summary(report: LintReport) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    allowed = sum(finding.allowed for finding in report.findings)
    if not errors and not warnings and not allowed:
        return "[green]No findings.[/green]"
    parts = [_count(errors, "error"), _count(warnings, "warning")]
    if allowed:
        parts.append(f"{allowed} allowed")
    verdict = "[red]fails[/red]" if errors else "[green]passes[/green]"
    return f"{', '.join(parts)}: the model {verdict}."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
