"""Opening a run's signal files: how DuckDB reads each, and which column is which.

A run opens its signal files before it reads the accounts: the roles their
columns were found for (:mod:`.columns`) say whether any row can be matched
by domain (a domain, website or e-mail column). Only then do the accounts'
domains need reading, which a Parquet file read in place would otherwise
skip; a file keyed by account id alone costs the accounts nothing more.
Matching the rows comes after (:mod:`.loading`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tierwise.errors import SourceError
from tierwise.model import TieringModel
from tierwise.model.signals import SIGNAL_SOURCES
from tierwise.sources.columns import BINARY_DATA
from tierwise.sources.signals.columns import FILE_KINDS, FileKind, find_columns
from tierwise.sources.signals.files import RawFile, open_raw
from tierwise.sources.signals.intent import guess_intent_columns

__all__ = ["DOMAIN_ROLES", "OpenSignal", "OpenSignals", "SignalFile", "open_signals"]

# The column roles whose values are matched to the accounts' domains.
DOMAIN_ROLES = ("domain", "email")


@dataclass(frozen=True)
class SignalFile:
    """A signal file given to a run: its kind, path and any named columns.

    ``columns`` names the header of a column role outright (``timestamp:
    Created``), for files whose headers tierwise does not recognise; for a
    file without a header row the columns are ``column1``, ``column2``, ...
    """

    kind: str
    path: Path
    columns: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in SIGNAL_SOURCES:
            allowed = ", ".join(SIGNAL_SOURCES)
            raise ValueError(
                f"SignalFile.kind must be one of {allowed}, got {self.kind!r}"
            )


@dataclass(frozen=True)
class OpenSignal:
    """A signal file opened for DuckDB, with the header of each column role."""

    file: SignalFile
    raw: RawFile
    columns: dict[str, str]


@dataclass(frozen=True)
class OpenSignals:
    """A run's signal files, opened and their columns found, not yet matched.

    They are opened before the accounts are read, so the reader knows
    whether any row can be matched by domain (:attr:`by_domain`) and so
    needs the accounts' domains.
    """

    files: list[OpenSignal]
    scratch: Path

    @property
    def by_domain(self) -> bool:
        """Whether a file has a domain, website or e-mail column to match by."""
        return any(
            role in opened.columns for opened in self.files for role in DOMAIN_ROLES
        )


def open_signals(
    connection: duckdb.DuckDBPyConnection,
    files: Sequence[SignalFile],
    model: TieringModel,
    scratch: Path,
) -> OpenSignals:
    """Open each file and find its columns, before any account is read.

    Raises:
        SourceError: for a file that cannot be read, a missing column, a
            kind given twice, or a kind the model has no section for.
    """
    kinds = [file.kind for file in files]
    repeated = sorted({kind for kind in kinds if kinds.count(kind) > 1})
    if repeated:
        raise SourceError(
            f"--{repeated[0]} was given more than once; a run reads one file of "
            "each kind (combine the files first)"
        )
    return OpenSignals(
        [_open(connection, file, model, scratch) for file in files], scratch
    )


def _open(
    connection: duckdb.DuckDBPyConnection,
    file: SignalFile,
    model: TieringModel,
    scratch: Path,
) -> OpenSignal:
    kind = FILE_KINDS[file.kind]
    section = getattr(model.signals, file.kind) if model.signals else None
    if section is None:
        raise SourceError(
            f"--{file.kind} {file.path.name}: the model has no signals.{file.kind} "
            "section, so nothing would read this file; add one (see the Signals "
            "section of docs/model.md) or leave the option out"
        )
    # Headers named for the run count as known: a file whose every header
    # is named that way still has a header row.
    known = [*_known_headers(kind), *file.columns.values()]
    raw = open_raw(connection, file.path, scratch, known)
    columns = _columns(kind, raw, file)
    _refuse_binary(kind, raw, columns)
    return OpenSignal(file, raw, columns)


def _refuse_binary(kind: FileKind, raw: RawFile, columns: dict[str, str]) -> None:
    """Refuse a Parquet file whose columns read by the run hold bytes: read
    as text, bytes past ASCII came out escaped and matched nothing, without
    a word. An accounts file's bytes are refused in the same words."""
    binary = {role: header for role, header in columns.items() if header in raw.binary}
    if not binary:
        return
    problems = "; ".join(
        f"{header!r} ({role}) holds {BINARY_DATA}" for role, header in binary.items()
    )
    role = next(iter(binary))
    them = "it" if len(binary) == 1 else "them"
    raise SourceError(
        f"{raw.path.name}: {problems}. Nothing was scored. Write {them} as text "
        "(a string column) in the file, or name another column with "
        f"--signal-column {kind.name}.{role}=HEADER"
    )


def _columns(kind: FileKind, raw: RawFile, file: SignalFile) -> dict[str, str]:
    source = raw.path.name
    if raw.header:
        return find_columns(kind, raw.columns, source, file.columns)

    guessed = (
        guess_intent_columns(raw.sample, raw.columns) if kind.name == "intent" else {}
    )
    chosen = {**guessed, **file.columns}
    try:
        found = find_columns(kind, raw.columns, source, chosen)
    except SourceError as error:
        missing = next(
            (r.name for r in kind.roles if r.required and r.name not in chosen),
            _first_required(kind),
        )
        raise SourceError(
            f"{error}. The file seems to have no header row: add one, or name "
            f"its columns by position: --signal-column {kind.name}.{missing}="
            f"columnN, N from 1 to {len(raw.columns)}"
        ) from None
    described = ", ".join(f"{role} = {header}" for role, header in found.items())
    raw.notes.append(f"columns told apart by their values: {described}")
    return found


def _first_required(kind: FileKind) -> str:
    return next(role.name for role in kind.roles if role.required)


def _known_headers(kind: FileKind) -> list[str]:
    return [header for role in kind.roles for header in (role.name, *role.headers)]
