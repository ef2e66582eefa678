"""The Typer application, its shared options and how errors are shown.

Command modules (``tiering``, and one per later area) register their
commands on :data:`app`; each command parses, makes one library call and
renders what it returns.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape

from tierwise import __version__
from tierwise.errors import TierwiseError
from tierwise.sources import PRESETS

__all__ = [
    "DEFAULT_OUT",
    "AsOfOption",
    "MappingOption",
    "ModelOption",
    "OutOption",
    "PresetOption",
    "app",
    "console",
    "errors",
    "parse_as_of",
    "reported",
]

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
PresetOption = Annotated[
    str | None,
    typer.Option("--preset", help=f"Column preset: {', '.join(PRESETS)}."),
]
MappingOption = Annotated[
    Path | None,
    typer.Option(
        "--mapping", help="Column mapping YAML (adds to or overrides a preset)."
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Date scores count from, YYYY-MM-DD (default: today)."
    ),
]


@app.callback(invoke_without_command=True)
def _setup(
    context: typer.Context,
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
    if context.invoked_subcommand is None:
        console.print(context.get_help())
        raise typer.Exit()
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


class reported:
    """Turn a tierwise error into a red message and exit status 2."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> Literal[False]:
        if isinstance(error, TierwiseError):
            errors.print(
                f"[red]error:[/red] {escape(str(error))}",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(2)
        return False


def parse_as_of(text: str | None) -> date:
    """The ``--as-of`` date; today when it is not given."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise TierwiseError(
            f"--as-of must be a date like 2026-09-30, got {text!r}"
        ) from None
