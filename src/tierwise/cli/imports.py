"""Commands about reading accounts: check, which reports without scoring."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tierwise.cli.app import (
    MappingOption,
    ModelOption,
    PresetOption,
    app,
    console,
    reported,
)
from tierwise.sources.report import report_text


@app.command()
def check(
    accounts: Annotated[
        Path, typer.Argument(help="Accounts file: CSV, XLSX or Parquet.")
    ],
    model: ModelOption = None,
    preset: PresetOption = None,
    mapping: MappingOption = None,
) -> None:
    """Print ACCOUNTS' import report without scoring; exit 1 on many problems."""
    from tierwise import jobs

    with reported():
        chosen = jobs.choose_mapping(preset, mapping)
        report = jobs.check_file(accounts, model_path=model, mapping=chosen)
    sys.stdout.write(report_text(report))

    problems = report.problem_rows()
    if report.over_threshold():
        have = "has" if len(problems) == 1 else "have"
        console.print(
            f"[red]{len(problems):,} of {report.rows_read:,} rows {have} "
            "problems[/red]: "
            "`tierwise tier` stops before scoring this file unless "
            "--accept-warnings is given.",
            highlight=False,
        )
        raise typer.Exit(1)
    console.print(
        f"{len(problems):,} row(s) with problems, within what a run accepts.",
        highlight=False,
    )
