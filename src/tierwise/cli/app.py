"""The Typer application, its shared options and how errors are shown.

Command modules (``tiering``, and one per later area) register their
commands on :data:`app`; each command parses, makes one library call and
renders what it returns.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Annotated, Literal

import typer
from rich.console import Console

from tierwise import __version__
from tierwise.cli.safe_text import escape
from tierwise.errors import TierwiseError
from tierwise.sources.preset_names import PRESETS
from tierwise.stops import stopped_by

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
    "unusable_path",
]

log = logging.getLogger(__name__)

app = typer.Typer(
    name="tierwise",
    help="Score, tier and explain target accounts for account-based marketing.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Without emoji codes: a name or path holding ":v:" is shown as written.
# Without Rich's highlighter: it colours what looks like a number, a path or
# an IPv6 address anywhere in a line, so a reason code, an id or a name
# came out in pieces (missing_must_have:exec_sponsor split at "e:e"). Only
# the colours tierwise asks for in markup are shown.
console = Console(emoji=False, highlight=False)
errors = Console(stderr=True, emoji=False, highlight=False)

DEFAULT_OUT = Path("tierwise-out")
# The --as-of dates taken: a run counts up to 100 years either way from it.
AS_OF_RANGE = (date(1900, 1, 1), date(2999, 12, 31))

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
    # Into a file, a pipe or a CI log a sentence stays on one line, where
    # grep finds it, unless $COLUMNS asks for a width; at a terminal Rich
    # wraps it between words. Standard output and error are told apart:
    # either may be piped while the other shows on the terminal.
    width_asked = "COLUMNS" in os.environ
    for shown_on in (console, errors):
        shown_on.soft_wrap = not shown_on.is_terminal and not width_asked
    shown = logging.StreamHandler()
    shown.addFilter(_not_a_stop)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        handlers=[shown],
    )


def _not_a_stop(record: logging.LogRecord) -> bool:
    """Leave out a library's report of a stop passing through it, traceback
    and all: Py4J logs the Ctrl-C that stops a call to Spark as an error,
    and then the broken connection it leaves. Once a stop is asked, every
    traceback logged is one of its consequences; the command says once that
    it was stopped (:func:`tierwise.cli.main`)."""
    if not record.exc_info:
        return True
    if stopped_by() is not None:
        return False
    error = record.exc_info[1]
    while error is not None:
        if isinstance(error, KeyboardInterrupt):
            return False
        error = error.__cause__ or error.__context__
    return True


class reported:
    """Turn a tierwise error into a red message and exit status 2.

    So are a path the system refused and DuckDB running out of the memory
    it was allowed: the user's to fix, not tierwise's to trace back.
    """

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> Literal[False]:
        if error is not None and stopped_by() is not None:
            # A consequence of the stop (DuckDB reports a Ctrl-C that reached
            # Python inside a query as a query error, which a reader takes
            # for its file's fault): the command says it was stopped.
            log.debug("stopped by %s", error, exc_info=error)
            return False
        if isinstance(error, OSError) and error.filename is not None:
            # A folder that cannot be written, a file where a folder should
            # be: the user's to fix, so a message rather than a traceback.
            log.debug("stopped by %s", error, exc_info=error)
            error = TierwiseError(unusable_path(error))
        refusal = _memory_refusal(error)
        if refusal is not None:
            # DuckDB's own message names its setting; the user sets ours.
            log.debug("stopped by %s", error, exc_info=error)
            error = refusal
        if isinstance(error, TierwiseError):
            errors.print(
                f"[red]error:[/red] {escape(str(error))}",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(2)
        return False


def _memory_refusal(error: BaseException | None) -> TierwiseError | None:
    # Only DuckDB runs out of the memory it is allowed; a command that has
    # not loaded it (init, --help) does not load the engine to say so.
    if error is None or "duckdb" not in sys.modules:
        return None
    from tierwise.engine.memory import memory_refusal

    return memory_refusal(error)


# What to do about a path the system refused, by its error number.
_PATH_FIXES = {
    errno.EROFS: "choose a folder you can write to, or make this one writable",
    errno.EACCES: "change its permissions or its folder's, or choose another path",
    errno.EPERM: "change its permissions or its folder's, or choose another path",
    errno.EEXIST: "a file stands where a folder is needed: give another path, "
    "or move the file",
    errno.ENOTDIR: "a file stands where a folder is needed: give another path, "
    "or move the file",
    errno.EISDIR: "a folder stands where a file is needed: give another path, "
    "or move the folder",
    errno.ENOSPC: "free disk space, or write to another disk",
    errno.EFBIG: "the disk or a limit on file size (ulimit -f) refuses a file "
    "this large: write to another disk, or raise the limit",
    errno.ENOENT: "check the path: its folder does not exist",
}


def unusable_path(error: OSError) -> str:
    """A path the system refused, why, and what to do, in one sentence.

    A write to a read-only or full disk is said of the folder, since
    tierwise writes through scratch files (``.tierwise-…``) that the user
    never named; a refused permission may be a read, so it names the path.

    >>> refused = OSError(errno.EROFS, "Read-only file system", "/data/.x.partial")
    >>> unusable_path(refused).split(";")[0]
    'cannot write in /data: Read-only file system'
    """
    # A rename names its target second: the path the user gave, where the
    # first is tierwise's own partial file.
    path = Path(str(error.filename2 or error.filename))
    fix = _PATH_FIXES.get(error.errno or 0, "check the path and try again")
    if error.errno in (errno.EROFS, errno.ENOSPC, errno.EFBIG, errno.EIO):
        return f"cannot write in {path.parent.absolute()}: {error.strerror}; {fix}"
    return f"{path.absolute()}: {error.strerror}; {fix}"


def parse_as_of(text: str | None) -> date:
    """The ``--as-of`` date; today when it is not given.

    A model counts windows of up to 100 years from it (and ``sample``
    dates its signals back from it), so a date near either end of the
    calendar would leave it; the range asked for is wide of both.
    """
    if text is None:
        return date.today()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise TierwiseError(
            f"--as-of must be a date like 2026-09-30, got {text!r}"
        ) from None
    first, last = AS_OF_RANGE
    if not first <= day <= last:
        raise TierwiseError(f"--as-of must be between {first} and {last}, got {text!r}")
    return day
