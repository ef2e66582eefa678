"""The ``tierwise`` command: each command parses, calls one library call, renders."""

from __future__ import annotations

import logging
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tierwise import __version__, jobs
from tierwise.engine import Explanation
from tierwise.engine.compile import compile_model
from tierwise.errors import TierwiseError
from tierwise.model import default_model_text, load_model
from tierwise.model.fields import CANONICAL_FIELDS
from tierwise.sample import DEMO_AS_OF, write_portfolio
from tierwise.sources import PRESETS

__all__ = ["app", "main"]

app = typer.Typer(
    name="tierwise",
    help="Score, tier and explain target accounts for account-based marketing.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)

DEFAULT_OUT = Path("tierwise-out")

ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="Tiering model YAML (default: the bundled model)."),
]
OutOption = Annotated[Path, typer.Option("--out", help="Folder for the results.")]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Date scores count from, YYYY-MM-DD (default: today)."
    ),
]


@app.callback()
def _setup(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log progress and the SQL.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and stop.")
    ] = False,
) -> None:
    if version:
        console.print(f"tierwise {__version__}")
        raise typer.Exit()
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@app.command()
def tier(
    accounts: Annotated[
        Path, typer.Argument(help="Accounts file: CSV, XLSX or Parquet.")
    ],
    model: ModelOption = None,
    preset: Annotated[
        str | None,
        typer.Option("--preset", help=f"Column preset: {', '.join(PRESETS)}."),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping", help="Column mapping YAML (adds to or overrides a preset)."
        ),
    ] = None,
    out: OutOption = DEFAULT_OUT,
    as_of: AsOfOption = None,
) -> None:
    """Score and tier ACCOUNTS; write tiers.parquet and tiers.csv to --out."""
    with _reported():
        chosen = jobs.choose_mapping(preset, mapping)
        job = jobs.tier_file(
            accounts, out, _as_of(as_of), model_path=model, mapping=chosen
        )
    _render_summary(job)


@app.command()
def demo(out: OutOption = DEFAULT_OUT) -> None:
    """Tier the bundled demo portfolio (2020 Fortune 1000, generated signals)."""
    with _reported():
        job = jobs.run_demo(out)
    _render_summary(job)


@app.command(name="explain")
def explain_command(
    account_ids: Annotated[list[str], typer.Argument(help="One or more account ids.")],
    out: OutOption = DEFAULT_OUT,
) -> None:
    """Show each criterion's value, points and weight, and why the tier."""
    with _reported():
        explanations = jobs.explain_accounts(out, account_ids)
    for explanation in explanations:
        _render_explanation(explanation)


@app.command()
def sample(
    accounts: Annotated[
        int, typer.Option("--accounts", min=1, help="How many accounts.")
    ] = 1000,
    seed: Annotated[
        int,
        typer.Option("--seed", help="Seed; the same seed gives the same portfolio."),
    ] = 2020,
    out: Annotated[
        Path, typer.Option("--out", help="File to write: .csv or .parquet.")
    ] = Path("portfolio.parquet"),
    as_of: AsOfOption = None,
) -> None:
    """Write a plausible made-up portfolio of any size (first 1,000: the demo)."""
    with _reported():
        write_portfolio(
            out, accounts, seed, as_of=_as_of(as_of) if as_of else DEMO_AS_OF
        )
    console.print(f"Wrote {accounts:,} accounts to {out}")


@app.command()
def init(
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite existing files.")
    ] = False,
) -> None:
    """Write the default model and a column-mapping file into this folder to edit."""
    files = {
        Path("tierwise-model.yaml"): default_model_text(),
        Path("tierwise-mapping.yaml"): _mapping_template(),
    }
    existing = [str(path) for path in files if path.exists()]
    if existing and not force:
        errors.print(
            f"[red]{', '.join(existing)} already exist[/red]; "
            "use --force to overwrite. Nothing was written."
        )
        raise typer.Exit(1)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
        console.print(f"Wrote {path}")
    console.print(
        "Next: tierwise tier ACCOUNTS.csv --model tierwise-model.yaml "
        "--mapping tierwise-mapping.yaml"
    )


@app.command()
def sql(
    model: ModelOption = None,
    as_of: AsOfOption = None,
    dialect: Annotated[
        str,
        typer.Option("--dialect", help="SQL dialect, e.g. duckdb, spark, postgres."),
    ] = "duckdb",
) -> None:
    """Print the SQL query the model compiles to: exactly how accounts are scored."""
    with _reported():
        loaded = load_model(model)
        compiled = compile_model(loaded, _as_of(as_of), list(CANONICAL_FIELDS))
        text = compiled.sql(dialect=dialect)
    sys.stdout.write(text + "\n")


def main() -> None:
    app()


class _reported:
    """Turn a tierwise error into a red message and exit status 2."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, trace: Any) -> Literal[False]:
        if isinstance(error, TierwiseError):
            errors.print(
                f"[red]error:[/red] {escape(str(error))}",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(2)
        return False


def _as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TierwiseError(
            f"--as-of must be a date like 2026-09-30, got {text!r}"
        ) from None


def _render_summary(job: jobs.TierJob) -> None:
    run, report = job.run, job.report
    console.print(
        f"[bold]{run.accounts:,} accounts[/bold] from {report.source} "
        f"({report.rows_read:,} rows read, {len(report.skipped):,} skipped), "
        f"model [bold]{job.model.name}[/bold], as of {run.compiled.as_of}"
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
        table.add_row(count.key, count.name, f"{count.accounts:,}", cap, span, budget)
    console.print(table)

    reasons = ", ".join(f"{reason} {n:,}" for reason, n in sorted(run.reasons.items()))
    console.print(f"Reasons: {reasons}")
    if run.estimated_potential:
        console.print(
            "Potential estimated from annual revenue for "
            f"{run.estimated_potential:,} accounts."
        )
    if report.absent_fields:
        console.print(
            "Not in the file (scored by each criterion's missing-value policy): "
            + ", ".join(report.absent_fields)
        )
    for warning in run.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    console.print(
        f"Results in {job.out_dir}/ (tiers.parquet, tiers.csv); explain one with: "
        f"tierwise explain ACCOUNT_ID --out {job.out_dir}"
    )


def _render_explanation(explanation: Explanation) -> None:
    console.rule(f"{explanation.name} ({explanation.account_id})")
    table = Table(box=None, pad_edge=False)
    table.add_column("criterion", overflow="fold")
    table.add_column("value", overflow="fold", max_width=16)
    for heading in ("points", "× weight", "= earned", "of"):
        table.add_column(heading, justify="right", no_wrap=True)

    for dim in explanation.dimensions:
        score = "unknown" if dim.score is None else f"{dim.score:.2f}"
        table.add_row(
            f"[bold]{dim.name}[/bold] (weight {dim.weight})",
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
                f"  {line.label}",
                escape(_shown(line.value)),
                points,
                str(line.effective_weight),
                str(line.earned),
                str(line.possible),
            )
    console.print(table)

    total = "unknown" if explanation.total is None else f"{explanation.total:.2f}"
    console.print(
        f"[bold]Total: {explanation.earned} of {explanation.possible} → {total}[/bold] "
        f"(completeness {explanation.completeness or 0:.2f}%)",
        highlight=False,
    )
    estimated = " (estimated from revenue)" if explanation.potential_estimated else ""
    potential = _shown(explanation.potential)
    console.print(f"Potential: {potential}{estimated}", highlight=False)

    for gate in explanation.gates:
        mark = "[green]pass[/green]" if gate.passed else "[red]fail[/red]"
        detail = f" — {escape(gate.detail)}" if gate.detail else ""
        console.print(f"  {gate.tier}: {gate.check} {mark}{detail}", highlight=False)
    cap = f", cap rank {explanation.cap_rank}" if explanation.cap_rank else ""
    console.print(
        f"[bold]Tier: {explanation.tier_name} ({explanation.tier})[/bold], reason "
        f"{explanation.reason}, rank {explanation.rank} in tier{cap}",
        highlight=False,
    )


def _shown(value: Any) -> str:
    """A value as a person reads it: 1,250,000 rather than 1250000.0."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value)


def _mapping_template() -> str:
    from importlib import resources

    return (resources.files("tierwise.sources") / "mapping-template.yaml").read_text(
        encoding="utf-8"
    )


if __name__ == "__main__":
    main()
