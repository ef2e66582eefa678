"""The ``tierwise`` command line: thin commands over the library.

Importing this package registers every command on :data:`app`.
"""

from tierwise.cli import tiering as _tiering  # noqa: F401 - registers commands
from tierwise.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
