"""Counts as the benchmarks take them: 100000, 100k or 1M.

``run.py`` and ``store_bench.py`` read ``--sizes`` through
`add_sizes_option`, ``signals_bench.py`` its ``--accounts`` and
``--events`` through `parse_count`, so each takes what the others take and
refuses it in the same words.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import Any

__all__ = ["add_sizes_option", "parse_count", "parse_sizes"]

_SCALES = {"": 1, "k": 1_000, "m": 1_000_000}


def parse_count(text: str) -> int:
    """``10M``, ``100k`` or ``2500`` as a number.

    Raises:
        argparse.ArgumentTypeError: for anything else, which argparse
            reports beside the option's name.
    """
    match = re.fullmatch(r"(\d+)([kKmM]?)", text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a size like 100000, 100k or 1M"
        )
    return int(match.group(1)) * _SCALES[match.group(2).lower()]


def parse_sizes(text: str) -> list[int]:
    """``100k,1M 10M`` or ``100000,1000000`` as account counts."""
    return [parse_count(part) for part in re.split(r"[,\s]+", text.strip())]


def add_sizes_option(parser: argparse.ArgumentParser, default: str) -> None:
    """``--sizes``: counts separated by commas or spaces, in one argument
    or several (``--sizes 100k,1M``, ``--sizes 100k 1M``)."""
    parser.add_argument(
        "--sizes",
        nargs="+",
        action=_Sizes,
        default=parse_sizes(default),
        metavar="SIZE",
        help=f"account counts such as 100k or 1M (default: {default})",
    )


class _Sizes(argparse.Action):
    """Every count given, in order, as one list."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        given = [values] if isinstance(values, str) else list(values or [])
        try:
            sizes = [size for text in given for size in parse_sizes(str(text))]
        except argparse.ArgumentTypeError as error:
            raise argparse.ArgumentError(self, str(error)) from None
        setattr(namespace, self.dest, sizes)
