"""Public names a package lends from its modules, imported when first used.

A package whose ``__init__`` imported every module it names made each
light import pay for the heavy ones (the field names loaded the model's
schema and lint, the command line loaded DuckDB for ``--help``). Such a
package lists where each name lives and sets its module ``__getattr__``
and ``__dir__`` from :func:`lend`; the name is imported on first use and
then kept in the package like any other.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from typing import Any

__all__ = ["lend"]


def lend(
    package: str, homes: Mapping[str, str], public: Sequence[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, which lends each
    name of ``homes`` from the module named beside it.

    >>> getattr_, dir_ = lend("tierwise", {"TierwiseError": "tierwise.errors"}, [])
    >>> getattr_("TierwiseError").__name__
    'TierwiseError'
    """

    def lent(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    def listed() -> list[str]:
        return sorted(public)

    return lent, listed
