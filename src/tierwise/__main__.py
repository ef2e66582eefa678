"""Run the command line: ``python -m tierwise``."""

from tierwise.cli import main

main()
