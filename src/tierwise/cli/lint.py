"""The lint command: check a model for the framework's common mistakes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tierwise.cli.app import (
    AsOfOption,
    MappingOption,
    PresetOption,
    app,
    parse_as_of,
    reported,
)
from tierwise.cli.lint_render import render_lint
from tierwise.cli.signal_options import (
    ActivityOption,
    ContactsOption,
    EventsOption,
    IntentOption,
    SignalColumnOption,
)
from tierwise.errors import TierwiseError

__all__ = ["lint"]


@app.command()
def lint(
    model: Annotated[Path, typer.Argument(help="Tiering model YAML to check.")],
    accounts: Annotated[
        Path | None,
        typer.Option(
            "--accounts",
            help="Also score this accounts file as `tier` would and count who "
            "qualifies per tier.",
        ),
    ] = None,
    preset: PresetOption = None,
    mapping: MappingOption = None,
    as_of: AsOfOption = None,
    activity: ActivityOption = None,
    intent: IntentOption = None,
    contacts: ContactsOption = None,
    events: EventsOption = None,
    signal_column: SignalColumnOption = None,
    allow: Annotated[
        list[str] | None,
        typer.Option(
            "--allow", help="Accept a deliberate finding by its code; repeatable."
        ),
    ] = None,
) -> None:
    """Check a model for the framework's common mistakes; exit 1 on errors.

    With --accounts, it also scores those accounts as `tier` would, with
    the same signal files (--activity, --intent, --contacts, --events),
    writes nothing, and shows how many accounts each tier would take.
    """
    from tierwise import jobs
    from tierwise.lint_accounts import lint_file
    from tierwise.run_signals import signal_files

    paths = {
        "activity": activity,
        "intent": intent,
        "contacts": contacts,
        "events": events,
    }
    with reported():
        if accounts is None:
            _refuse_without_accounts(preset, mapping, paths, signal_column)
        chosen = jobs.choose_mapping(preset, mapping) if accounts else None
        signals = signal_files(paths, signal_column or [], chosen)
        day = parse_as_of(as_of)
        result = lint_file(model, accounts, chosen, day, allow or [], signals)
    render_lint(result)
    raise typer.Exit(result.report.exit_status)


def _refuse_without_accounts(
    preset: str | None,
    mapping: Path | None,
    paths: dict[str, Path | None],
    signal_column: list[str] | None,
) -> None:
    """Refuse the options that only say how to read accounts, when none are."""
    given = [
        name
        for name, value in (
            ("--preset", preset),
            ("--mapping", mapping),
            *((f"--{kind}", path) for kind, path in paths.items()),
            ("--signal-column", signal_column),
        )
        if value
    ]
    if len(given) == 1:
        raise TierwiseError(f"{given[0]} only applies with --accounts")
    if given:
        named = f"{', '.join(given[:-1])} and {given[-1]}"
        raise TierwiseError(f"{named} only apply with --accounts")
