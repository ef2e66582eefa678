"""Commands over a model's life: ``model publish|list|diff|rollback``, ``whatif``.

Each makes one call to ``tierwise.lifecycle`` or the store and renders what
it returns; ``publish`` makes two, so that a model its lint refuses is
refused before the store is opened (a store named for the first time is
not even created). Rendering the what-if preview lives in
``cli.whatif_render``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from tierwise import lifecycle
from tierwise import store as runs_store
from tierwise.cli.app import app, console, reported
from tierwise.cli.lint_render import render_lint
from tierwise.cli.safe_text import escape
from tierwise.cli.store_options import DbOption, existing_store, opened_store
from tierwise.cli.tables import print_titled
from tierwise.cli.whatif_render import render_whatif
from tierwise.lifecycle.constants import ACCEPT_LINT_ERRORS, DEFAULT_MOVERS

if TYPE_CHECKING:
    # Loaded by the commands themselves (through lifecycle and runs_store,
    # which lend their names when first used), not at start-up.
    from tierwise.lifecycle import ComparedModels, ModelPublished
    from tierwise.model.lint import LintReport
    from tierwise.store import ModelEventRecord, ModelHistory

__all__ = ["model_app", "whatif"]

model_app = typer.Typer(
    name="model",
    help="Publish, list, compare and roll back model versions in the store.",
    no_args_is_help=True,
)
app.add_typer(model_app, name="model")

TIME_SHOWN = "%Y-%m-%d %H:%M UTC"
# The version list's title, before the store's location.
VERSIONS_TITLE = "Model versions in"

AcceptLintErrorsOption = Annotated[
    bool,
    typer.Option(
        ACCEPT_LINT_ERRORS,
        help="Make the model current although lint finds errors in it; the "
        "note recorded says who accepted which.",
    ),
]


@model_app.command()
def publish(
    file: Annotated[Path, typer.Argument(help="Tiering model YAML to publish.")],
    note: Annotated[
        str | None, typer.Option("--note", help="What changed and why, in a line.")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who publishes (default: login name).")
    ] = None,
    db: DbOption = None,
    accept_lint_errors: AcceptLintErrorsOption = False,
) -> None:
    """Record FILE as a model version and make it the current model.

    FILE is linted first, as `tierwise lint FILE` does: errors refuse the
    publish (nothing is written) unless --accept-lint-errors is given.
    """
    with reported():
        with _lint_shown():
            checked = lifecycle.check_for_publish(file, accept_lint_errors)
        _render_lint(checked.lint)
        with opened_store(db) as store:
            done = lifecycle.publish_checked(store, checked, note=note, by=by)
    if done.accepted_by is not None:
        _render_accepted(done.lint, done.accepted_by, "the publish's note")
    _render_published(file, done)


@model_app.command(name="list")
def list_versions(db: DbOption = None) -> None:
    """List model versions (hash, created, note) and every publish and rollback."""
    with reported(), existing_store(db) as store:
        history = runs_store.model_history(store)
        location = store.location
    _render_history(history, location)


@model_app.command()
def diff(
    model_a: Annotated[str, typer.Argument(help="A model file or version number.")],
    model_b: Annotated[str, typer.Argument(help="A model file or version number.")],
    db: DbOption = None,
) -> None:
    """Show what changed from model A to model B: criteria, weights, tiers, caps."""
    with reported():
        if lifecycle.needs_store(model_a, model_b):
            with existing_store(db) as store:
                compared = lifecycle.compare_models(model_a, model_b, store)
        else:
            compared = lifecycle.compare_models(model_a, model_b, None)
    _render_diff(compared)


@model_app.command()
def rollback(
    version: Annotated[
        int, typer.Argument(help="The published version to make current again.")
    ],
    by: Annotated[str, typer.Option("--by", help="Who decides (a name).")],
    reason: Annotated[str, typer.Option("--reason", help="Why, in a sentence.")],
    db: DbOption = None,
    accept_lint_errors: AcceptLintErrorsOption = False,
) -> None:
    """Make an earlier published version current again; nothing is deleted.

    A version never published (one only runs used) is linted first, as a
    publish is.
    """
    with reported(), opened_store(db) as store, _lint_shown():
        rolled = lifecycle.rollback_to(
            store, version, by, reason, accept_lint_errors=accept_lint_errors
        )
    event = rolled.event
    if rolled.lint is not None:
        _render_lint(rolled.lint)
        if rolled.lint.errors:
            _render_accepted(rolled.lint, event.created_by, "the reason recorded")
    was = (
        f" (was version {event.previous_version_id})"
        if event.previous_version_id
        else ""
    )
    if rolled.published_before:
        became = f"Model version {event.version_id} is the current model again"
    else:
        became = (
            f"Model version {event.version_id}, never published before, is now "
            "the current model"
        )
    console.print(
        f"{became}{was}; "
        f"recorded as model event {event.event_id} by {escape(event.created_by)}. "
        "`tierwise tier` uses it from now on when no --model is given.",
        highlight=False,
    )


@app.command()
def whatif(
    model: Annotated[
        str, typer.Option("--model", help="The new model: a file or version number.")
    ],
    against: Annotated[
        int | None,
        typer.Option("--against", help="The run to compare with (default: latest)."),
    ] = None,
    db: DbOption = None,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="List this many moving accounts.")
    ] = DEFAULT_MOVERS,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="The table a --source run read (URL::TABLE), given again only "
            "when its URL needs a password (a run keeps none) or its database "
            "file has moved.",
        ),
    ] = None,
) -> None:
    """Preview a model on a recorded run's input: who moves, caps, budget.

    A file run's file (and mapping file) must be unchanged since the run,
    by SHA-256. If the run read it cell by cell (CSV, Excel, a Parquet file
    not read in place), the accounts it kept as read
    (accounts-as-read.parquet beside its results) are scored, unless the
    new model reads other fields, currencies or rates from the file, which
    is then read again. A --source run's table is read again, refused when
    its accounts no longer score as the run recorded.
    """
    with reported(), existing_store(db) as store:
        preview = lifecycle.what_if(
            store, model, against=against, limit=limit, source=source
        )
    render_whatif(preview)


@contextmanager
def _lint_shown() -> Iterator[None]:
    """Show the findings of a model refused for its lint errors, before the
    refusal itself is said."""
    try:
        yield
    except lifecycle.PublishRefused as refused:
        _render_lint(refused.report)
        raise


def _render_lint(report: LintReport) -> None:
    """The lint's findings as `tierwise lint` shows them; nothing if none."""
    from tierwise.lint_accounts import ModelLint

    if report.findings:
        render_lint(ModelLint(report))


def _render_accepted(report: LintReport, by: str, where: str) -> None:
    console.print(
        f"Lint errors accepted by {escape(by)} ({lifecycle.error_codes(report)}); "
        f"{where} says so.",
        highlight=False,
    )


def _render_published(file: Path, done: ModelPublished) -> None:
    published = done.published
    console.print(
        f"{escape(str(file))}: {escape(published.describe())}.", highlight=False
    )
    if done.changes is None:
        return
    previous = published.previous_version_id
    if done.changes.unchanged:
        console.print(
            f"It scores and tiers exactly as version {previous} did; only comments "
            "or layout differ.",
            highlight=False,
        )
        return
    console.print(f"Changes from version {previous}:", highlight=False)
    console.print(escape(done.changes.text()), highlight=False)


def _render_history(history: ModelHistory, location: str) -> None:
    if not history.versions:
        console.print(
            "No model versions stored yet; `tierwise model publish FILE` publishes "
            "one. Until then `tierwise tier` uses the bundled default model."
        )
        return
    table = Table()
    for heading in ("version", "hash", "name", "created", "runs", "published"):
        table.add_column(
            heading, justify="right" if heading in ("version", "runs") else "left"
        )
    table.add_column("note", overflow="fold")
    for version in history.versions:
        current = version.version_id == history.current
        table.add_row(
            f"{version.version_id}{' *' if current else ''}",
            version.short_hash,
            escape(version.name),
            version.created_at.strftime(TIME_SHOWN),
            f"{version.runs:,}",
            "current" if current else "yes" if version.published else "no",
            escape(version.note or ""),
        )
    print_titled(console, table, VERSIONS_TITLE, location)

    if not history.events:
        console.print(
            "No version is published: `tierwise tier` uses the bundled default."
        )
        return
    console.print(_events_table(history.events))
    console.print(
        f"Current model: version {history.current} (* above); `tierwise tier` "
        "uses it when no --model is given.",
        highlight=False,
    )


def _events_table(events: list[ModelEventRecord]) -> Table:
    table = Table(title="Publishes and rollbacks, oldest first")
    for heading in ("event", "when", "action", "version", "was", "by"):
        table.add_column(heading, justify="right" if heading == "event" else "left")
    table.add_column("note or reason", overflow="fold")
    for event in events:
        table.add_row(
            str(event.event_id),
            event.created_at.strftime(TIME_SHOWN),
            event.action,
            str(event.version_id),
            "" if event.previous_version_id is None else str(event.previous_version_id),
            escape(event.created_by),
            escape(event.note or ""),
        )
    return table


def _render_diff(compared: ComparedModels) -> None:
    console.print(
        f"[bold]Model {escape(compared.before.label)} → "
        f"{escape(compared.after.label)}[/bold]",
        highlight=False,
    )
    console.print(escape(compared.diff.text()), highlight=False)
