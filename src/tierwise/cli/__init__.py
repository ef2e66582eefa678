"""The ``tierwise`` command line: thin commands over the library.

Importing this package registers every command on :data:`app`.
"""

import signal
import sys

# The main job's commands register first, so they lead the help listing.
# Every command's module is imported to register it, but each command
# loads the library it uses (the engine, DuckDB, pyarrow, the store, the
# spreadsheet writer) only when it runs, so --help, --version and every
# other command start without it (tests/test_startup.py holds this).
import tierwise.cli.tiering  # noqa: F401 - registers commands
from tierwise.cli import exports as _exports  # noqa: F401 - registers commands
from tierwise.cli import imports as _imports  # noqa: F401 - registers commands
from tierwise.cli import lifecycle as _lifecycle  # noqa: F401 - registers commands
from tierwise.cli import lint as _lint  # noqa: F401 - registers commands
from tierwise.cli import runs as _runs  # noqa: F401 - registers commands
from tierwise.cli.app import app
from tierwise.stops import on_signal, stopped_by


def main() -> None:
    # A polite stop (kill, a service manager, a CI timeout) ends a command as
    # an exception, so what it was writing is removed or rolled back rather
    # than left half-written, as after Ctrl-C.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        app()
    except BaseException:
        # Whatever the stop turned into on its way out (DuckDB reports an
        # interrupted query as its own error), the command was stopped: say
        # so and exit as the shell expects, 128 plus the signal's number.
        number = stopped_by()
        if number is None:
            raise
        name = signal.Signals(number).name
        print(f"tierwise: stopped by {name}", file=sys.stderr)
        raise SystemExit(128 + number) from None


__all__ = ["app", "main"]
