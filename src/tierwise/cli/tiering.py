"""Commands of the main job: tier, demo, explain, sample, init, sql."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path
from typing import Annotated, cast

import typer

from tierwise.cli.app import (
    DEFAULT_OUT,
    AsOfOption,
    MappingOption,
    ModelOption,
    OutOption,
    PresetOption,
    app,
    console,
    errors,
    parse_as_of,
    reported,
)
from tierwise.cli.progress import QuietOption, progress_bar
from tierwise.cli.render import render_explanation, render_summary
from tierwise.cli.safe_text import escape
from tierwise.cli.signal_options import (
    ActivityOption,
    ContactsOption,
    EventsOption,
    IntentOption,
    SignalColumnOption,
)
from tierwise.cli.store_options import DbOption, store_unless
from tierwise.engine_names import ENGINES
from tierwise.errors import TierwiseError

ForceOption = Annotated[
    bool,
    typer.Option("--force", help="Record the run even if the same one is recorded."),
]
TierModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model",
        help="Tiering model YAML (default: the store's current published model, "
        "else the bundled model).",
    ),
]
EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        help=f"Where the query runs: {', '.join(ENGINES)} (Spark needs "
        "pip install 'tierwise\\[spark]').",
    ),
]
SparkMasterOption = Annotated[
    str | None,
    typer.Option(
        "--spark-master",
        help="Spark master URL for --engine spark (default: local[2], on this "
        "machine only).",
    ),
]
SourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        help="Read accounts from a database table instead of a file, and score "
        "them there: URL::TABLE (examples above).",
    ),
]
WriteBackOption = Annotated[
    str | None,
    typer.Option(
        "--write-back",
        help="With --source: also keep the results as this new table in that "
        "database (in the source table's schema unless it names one).",
    ),
]
NoStoreOption = Annotated[
    bool, typer.Option("--no-store", help="Only write --out; record nothing.")
]


@app.command()
def tier(
    accounts: Annotated[
        Path | None,
        typer.Argument(help="Accounts file: CSV, XLSX or Parquet (or --source)."),
    ] = None,
    model: TierModelOption = None,
    accept_warnings: Annotated[
        bool,
        typer.Option(
            "--accept-warnings",
            help="Tier even when the import report finds problems in many rows.",
        ),
    ] = False,
    preset: PresetOption = None,
    mapping: MappingOption = None,
    out: OutOption = DEFAULT_OUT,
    as_of: AsOfOption = None,
    db: DbOption = None,
    force: ForceOption = False,
    no_store: NoStoreOption = False,
    csv: Annotated[
        bool | None,
        typer.Option(
            "--csv/--no-csv",
            help="Also write tiers.csv (default: when a spreadsheet could open it).",
        ),
    ] = None,
    activity: ActivityOption = None,
    intent: IntentOption = None,
    contacts: ContactsOption = None,
    events: EventsOption = None,
    signal_column: SignalColumnOption = None,
    explain_all: Annotated[
        bool,
        typer.Option(
            "--explain-all",
            help="Also write explain.parquet: every account's points per "
            "criterion and dimension, adding up to its total.",
        ),
    ] = False,
    quiet: QuietOption = False,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
    source: SourceOption = None,
    write_back: WriteBackOption = None,
) -> None:
    """Score and tier ACCOUNTS; write tiers.parquet and tiers.csv to --out.

    Accounts in a database table are read, and scored there, with --source
    URL::TABLE instead of ACCOUNTS, e.g.:

      tierwise tier --source duckdb:///crm.duckdb::accounts
      tierwise tier --source postgresql://127.0.0.1:5432/crm::sales.accounts
    """
    # Each command loads the library it uses when it runs, so the help, the
    # version and every other command start without it (test_startup.py).
    from tierwise import jobs

    with reported():
        chosen = jobs.choose_mapping(preset, mapping)
        given = [activity, intent, contacts, events]
        if _table_source(accounts, source, write_back, any(given)):
            from tierwise import table_jobs

            with store_unless(no_store, db) as store, progress_bar(quiet) as shown:
                job = table_jobs.tier_table(
                    str(source),
                    out,
                    parse_as_of(as_of),
                    model_path=model,
                    mapping=chosen,
                    accept_warnings=accept_warnings,
                    store=store,
                    force=force,
                    csv=csv,
                    engine=engine,
                    spark_master=spark_master,
                    write_back=write_back,
                    explain_all=explain_all,
                    progress=shown,
                )
            render_summary(job)
            return
        from tierwise.run_signals import signal_files

        signals = signal_files(
            {
                "activity": activity,
                "intent": intent,
                "contacts": contacts,
                "events": events,
            },
            signal_column or [],
            chosen,
        )
        with store_unless(no_store, db) as store, progress_bar(quiet) as shown:
            job = jobs.tier_file(
                cast(Path, accounts),
                out,
                parse_as_of(as_of),
                model_path=model,
                mapping=chosen,
                accept_warnings=accept_warnings,
                store=store,
                force=force,
                csv=csv,
                signals=signals,
                explain_all=explain_all,
                progress=shown,
                engine=engine,
                spark_master=spark_master,
            )
    render_summary(job)


@app.command()
def demo(
    out: OutOption = DEFAULT_OUT,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date to tier as of (default: 2026-09-30)."),
    ] = None,
    db: DbOption = None,
    force: ForceOption = False,
    no_store: NoStoreOption = False,
) -> None:
    """Tier the bundled demo portfolio (2020 Fortune 1000, generated signals)."""
    from tierwise import jobs

    with reported():
        day = parse_as_of(as_of) if as_of else None
        with store_unless(no_store, db) as store:
            job = jobs.run_demo(out, day, store=store, force=force)
    render_summary(job)


@app.command(name="explain")
def explain_command(
    account_ids: Annotated[list[str], typer.Argument(help="One or more account ids.")],
    out: OutOption = DEFAULT_OUT,
    activity: ActivityOption = None,
    intent: IntentOption = None,
    contacts: ContactsOption = None,
    events: EventsOption = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="The table a --source run read (URL::TABLE), given again only "
            "when its URL needs a password: a run keeps none.",
        ),
    ] = None,
) -> None:
    """Show each criterion's value, points and weight, and why the tier.

    The run's signal files are read again from where it found them; give
    --activity and the like only when a file has moved since. A run from a
    database table is recomputed in that database. A 15-character Salesforce
    id finds its 18-character record: imports store the 18-character form.
    """
    from tierwise import jobs

    moved = {
        kind: path
        for kind, path in (
            ("activity", activity),
            ("intent", intent),
            ("contacts", contacts),
            ("events", events),
        )
        if path is not None
    }
    with reported():
        explanations = jobs.explain_accounts(out, account_ids, moved, source)
    for explanation in explanations:
        render_explanation(explanation)


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
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date the portfolio is made up as of, YYYY-MM-DD: its "
            "engagement, signal and contract dates are set around it "
            "(default: 2026-09-30, the demo's date).",
        ),
    ] = None,
    signals: Annotated[
        bool,
        typer.Option(
            "--signals",
            help="Also write the accounts' activity, intent, contacts and events "
            "as raw files beside --out (activity.csv, intent.csv, contacts.csv, "
            "events.csv), to give tier as --activity, --intent, --contacts "
            "and --events.",
        ),
    ] = False,
    quiet: QuietOption = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Overwrite --out (and the signal files) if they exist."
        ),
    ] = False,
) -> None:
    """Write a plausible made-up portfolio of any size (first 1,000: the demo)."""
    from tierwise.sample import DEMO_AS_OF, write_portfolio
    from tierwise.sample.signals import (
        check_signal_targets,
        signal_targets,
        write_portfolio_signals,
    )

    with reported():
        day = parse_as_of(as_of) if as_of else DEMO_AS_OF
        if signals:
            check_signal_targets(out.parent, out)
        targets = [out, *(signal_targets(out.parent) if signals else [])]
        taken = [str(path) for path in targets if path.is_file()]
        if taken and not force:
            # A made-up portfolio written over a real one loses the real one.
            # The signal files go beside --out, so only a folder moves them.
            elsewhere = "in another folder" if signals else "elsewhere"
            raise TierwiseError(
                f"{', '.join(taken)} already "
                f"{'exists' if len(taken) == 1 else 'exist'}; use --force to "
                f"overwrite, or --out to write {elsewhere}. Nothing was written."
            )
        with progress_bar(quiet) as shown:
            write_portfolio(out, accounts, seed, as_of=day, progress=shown)
        if signals:
            try:
                written = write_portfolio_signals(out.parent, accounts, seed, day)
            except BaseException:
                # All or nothing: the accounts go when their signals cannot.
                out.unlink(missing_ok=True)
                raise
    console.print(f"Wrote {accounts:,} accounts to {escape(str(out))}")
    if signals:
        names = ", ".join(path.name for path in written.by_kind().values())
        # "." says nothing in a message; the current folder is named instead.
        folder = Path.cwd() if out.parent == Path() else out.parent
        console.print(f"Signal files written to {escape(str(folder))}: {names}")


@app.command()
def init(
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite existing files.")
    ] = False,
) -> None:
    """Write a starter model (my-model) and a column-mapping file to edit here."""
    from tierwise.model.loader import starter_model_text

    files = {
        Path("tierwise-model.yaml"): starter_model_text(),
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
        with reported():
            path.write_text(text, encoding="utf-8")
        console.print(f"Wrote {escape(str(path))}")
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
    with reported():
        from tierwise.engine.compile import compile_model
        from tierwise.model.fields import CANONICAL_FIELDS
        from tierwise.model.loader import load_model
        from tierwise.sources.dialects import sql_databases, written_dialect

        offered = sql_databases()
        if dialect.lower() not in offered:
            raise TierwiseError(
                f"--dialect {dialect!r} is not the dialect of a SQL database; "
                f"use one of: {', '.join(offered)}"
            )
        written = written_dialect(dialect.lower())
        loaded = load_model(model)
        compiled = compile_model(loaded, parse_as_of(as_of), list(CANONICAL_FIELDS))
        text = compiled.sql(dialect=written)
    sys.stdout.write(text + "\n")


def _mapping_template() -> str:
    template = resources.files("tierwise.sources") / "mapping-template.yaml"
    return template.read_text(encoding="utf-8")


def _table_source(
    accounts: Path | None,
    source: str | None,
    write_back: str | None,
    signals: bool,
) -> bool:
    """Whether the run reads a table (--source) rather than a file.

    Options a table run does not honour are refused here, before anything
    is read, rather than left out of the run without a word.
    """
    if (accounts is None) == (source is None):
        raise TierwiseError(
            "give either an accounts file or --source URL::TABLE (one of them)"
        )
    if source is None and write_back is not None:
        raise TierwiseError("--write-back needs --source: it names a table there")
    if source is not None and signals:
        raise TierwiseError(
            "signal files (--activity, --intent, --contacts, --events) are read "
            "with an accounts file only, not with --source"
        )
    return source is not None
