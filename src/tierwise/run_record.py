"""What a run records about its input: where to read it again, and digests.

The store keeps both with every run: the origin so `explain` and the web
app can read the same files again, the digests so the same input with the
same model and as-of date is recognised and not stored twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow.parquet as pq

from tierwise import __version__
from tierwise.engine.run import (
    ACCOUNTS_VIEW,
    KEPT_ACCOUNTS_FILE,
    MAPPING_COPY,
    RESULT_FILE,
    RESULT_TABLE,
    TieringRun,
)
from tierwise.errors import TierwiseError
from tierwise.file_inputs import currencies_of
from tierwise.import_warnings import import_problems, import_warning_lines
from tierwise.model import TieringModel
from tierwise.run_folder import earlier_run
from tierwise.run_signals import signals_digest
from tierwise.sources import (
    PRESETS,
    ColumnMapping,
    ImportReport,
    load_mapping_file,
    load_preset,
    mapping_from_text,
)
from tierwise.sources.report import Flag
from tierwise.sources.salesforce_ids import is_salesforce_id, to_18
from tierwise.sources.signals import SignalFile

if TYPE_CHECKING:
    from tierwise.store import PinPlan

__all__ = [
    "KEPT_KEY",
    "MAPPING_COPY",
    "KeptAccounts",
    "foreign_mapping",
    "ids_in_run",
    "ids_not_in_run",
    "keep_mapping",
    "kept_accounts",
    "load_run_results",
    "mapping_again",
    "mapping_digest",
    "mapping_origin",
    "reading_key",
    "run_inputs",
    "run_manifest",
    "run_mapping",
    "run_origin",
    "run_warning_lines",
    "show_kept_accounts",
]

log = logging.getLogger(__name__)

# The key of ``run.json`` and of a recorded run's origin naming the
# accounts the run kept as it read them.
KEPT_KEY = "accounts_as_read"
# The kept accounts' Parquet metadata key holding their `reading_key`.
READING_METADATA = "tierwise_reading"


def run_origin(
    accounts: Path,
    mapping: ColumnMapping,
    signals: Sequence[SignalFile] = (),
    kept: Path | None = None,
) -> dict[str, str]:
    """Where a run's input can be read again: the files and the mapping.

    Signal files go in as one JSON text under ``signals`` (kind to path and
    named columns), since the store keeps an origin as text by name.
    ``kept`` is the accounts the run kept as it read them, if it did.
    """
    origin = {"accounts": str(accounts.resolve()), **mapping_origin(mapping)}
    if kept is not None:
        origin[KEPT_KEY] = str(kept.resolve())
    if signals:
        given = {
            signal.kind: {
                "path": str(signal.path.resolve()),
                "columns": dict(signal.columns),
            }
            for signal in signals
        }
        origin["signals"] = json.dumps(given, sort_keys=True)
    return origin


def mapping_origin(mapping: ColumnMapping) -> dict[str, str]:
    """Where a run's column mapping is found again: its name (a preset's,
    or a mapping file's as given) and a mapping file's absolute path."""
    origin = {"mapping": mapping.name}
    # A mapping file goes by the path it was given, whatever it ends in
    # (columns.YAML, columns.txt); a preset by its own name. Known gap: a
    # mapping file named exactly as a preset (`--mapping generic`) is taken
    # for the preset, so the run keeps no copy of it and explain refuses it.
    mapping_file = Path(mapping.name)
    if mapping.name not in PRESETS and mapping_file.is_file():
        origin["mapping_file"] = str(mapping_file.resolve())
    return origin


def mapping_again(origin: Mapping[str, str]) -> ColumnMapping:
    """The column mapping `mapping_origin` recorded, read again under the
    name the run knew it by (so that its digest can be compared)."""
    mapping_file = origin.get("mapping_file")
    mapping = (
        load_mapping_file(Path(mapping_file))
        if mapping_file
        else load_preset(origin["mapping"])
    )
    return replace(mapping, name=origin["mapping"])


def mapping_digest(mapping: ColumnMapping) -> str:
    """A digest of the column mapping, to tell a repeat run."""
    return hashlib.sha256(repr(mapping).encode()).hexdigest()


def run_inputs(
    accounts_sha256: str,
    mapping: ColumnMapping,
    pins: PinPlan | None,
    signals: Sequence[SignalFile] = (),
) -> dict[str, str]:
    """Digests of what shaped a run, so the store can tell a repeat run."""
    applied = sorted(pins.pins.items()) if pins else []
    inputs = {
        "accounts": accounts_sha256,
        "mapping": mapping_digest(mapping),
        "overrides": hashlib.sha256(json.dumps(applied).encode()).hexdigest(),
    }
    if signals:
        inputs["signals"] = signals_digest(signals)
    return inputs


def ids_in_run(out_dir: Path, account_ids: Sequence[str]) -> list[str]:
    """The asked ids as the run in ``out_dir`` holds them.

    Imports key a Salesforce account on its 18-character id, so a
    15-character id, as an export or the Salesforce UI shows it, is taken
    in that form when the run holds it and not the id as given. Other ids
    are left as they are; a run without results leaves them all.
    """
    short = {
        asked: to_18(asked)
        for asked in account_ids
        if len(asked) == 15 and is_salesforce_id(asked)
    }
    results = out_dir / RESULT_FILE
    if not short or not results.is_file():
        return list(account_ids)

    wanted = [*short, *short.values()]
    held = set(
        pq.read_table(
            results, columns=["account_id"], filters=[("account_id", "in", wanted)]
        )
        .column("account_id")
        .to_pylist()
    )
    return [
        short[asked]
        if asked in short and asked not in held and short[asked] in held
        else asked
        for asked in account_ids
    ]


def ids_not_in_run(out_dir: Path, account_ids: Sequence[str]) -> list[str]:
    """The asked ids the results in ``out_dir`` do not hold, each once.

    Read from the results file alone, so a typo is found before the run's
    input and signal files are read again (seconds for a large run); a
    folder without results finds none missing.
    """
    results = out_dir / RESULT_FILE
    if not results.is_file():
        return []
    asked = list(dict.fromkeys(account_ids))
    held = set(
        pq.read_table(
            results, columns=["account_id"], filters=[("account_id", "in", asked)]
        )
        .column("account_id")
        .to_pylist()
    )
    return [account for account in asked if account not in held]


def keep_mapping(
    manifest: dict[str, Any],
    mapping: ColumnMapping,
    out_dir: Path,
    left: Collection[str] = (),
) -> dict[str, str]:
    """Record ``mapping`` in a run's ``manifest``: its digest, and for a
    mapping file the name of its copy; returns that copy (file name to text)
    to write in ``out_dir`` beside the results, or nothing for a preset.

    The copy is the file's text only when it still reads as ``mapping``
    (it could have been saved again since the run read it); otherwise the
    digest alone is kept, and explain refuses a mapping that differs. A
    mapping.yaml of the person's own in ``out_dir`` (named in ``left``, see
    :func:`foreign_mapping`, or the very file the run read) is left as they
    wrote it: no copy is written over it, and explain reads the mapping
    file where it was given.
    """
    digest = mapping_digest(mapping)
    manifest["mapping_sha256"] = digest
    mapping_file = mapping_origin(mapping).get("mapping_file")
    copy = out_dir / MAPPING_COPY
    if mapping_file is None or MAPPING_COPY in left:
        return {}
    if copy.exists() and copy.samefile(mapping_file):
        return {}
    try:
        text = Path(mapping_file).read_text(encoding="utf-8-sig")
        again = mapping_from_text(text, source=mapping_file, name=mapping.name)
    except (OSError, TierwiseError):
        return {}
    if mapping_digest(again) != digest:
        return {}
    manifest["mapping_copy"] = MAPPING_COPY
    return {MAPPING_COPY: text}


def run_mapping(manifest: Mapping[str, Any], out_dir: Path) -> ColumnMapping:
    """The column mapping the run in ``out_dir`` read its accounts through:
    its copy there (see :func:`keep_mapping`), else the mapping file or
    preset ``manifest`` names.

    Known gap: a run from before runs kept their mapping has neither copy
    nor digest, so its mapping file is read as it is now; an edit since the
    run goes unnoticed.

    Raises:
        TierwiseError: when the mapping no longer reads as the run read it
            (a mapping file edited since, or a preset of a later version).
    """
    name = str(manifest["mapping"])
    kept = manifest.get("mapping_copy")
    copy = out_dir / kept if kept is not None else None
    if copy is not None and copy.is_file():
        text = copy.read_text(encoding="utf-8-sig")
        mapping = mapping_from_text(text, source=str(copy), name=name)
    elif name in PRESETS:
        mapping = load_preset(name)
    else:
        mapping = _mapping_file_again(Path(name), out_dir, copy)
    digest = manifest.get("mapping_sha256")
    if digest is not None and mapping_digest(mapping) != digest:
        missing = (
            f"; its copy {copy} is missing: put it back, or"
            if copy is not None and not copy.is_file()
            else ";"
        )
        raise TierwiseError(
            f"the column mapping {name} reads the accounts otherwise than when "
            f"the run in {out_dir} read them, so it cannot explain that run"
            f"{missing} tier the accounts again with `tierwise tier` to explain "
            "them through the mapping as it is now"
        )
    return mapping


def _mapping_file_again(path: Path, out_dir: Path, copy: Path | None) -> ColumnMapping:
    """The mapping file a run read, read again where it was given."""
    if path.is_file():
        return load_mapping_file(path)
    if copy is not None:
        raise TierwiseError(
            f"{copy}, the copy of the column mapping the run in {out_dir} read "
            f"its accounts through, is missing, and so is {path}; put either "
            "back, or tier the accounts again with `tierwise tier`"
        )
    raise TierwiseError(
        f"{path}: the column mapping file the run in {out_dir} read its "
        "accounts through is not there (a relative path is read from the "
        "folder explain runs in); put it back, explain from the folder the "
        "run was made in, or tier the accounts again with `tierwise tier`"
    )


def foreign_mapping(out_dir: Path, manifest: str) -> frozenset[str]:
    """``{MAPPING_COPY}`` when ``out_dir`` holds a mapping.yaml that the run
    recorded there (in its ``manifest`` file) did not keep as its copy, or
    holds no run: a person's own mapping file, which a later run must leave
    in place rather than remove as an earlier run's copy; else nothing."""
    if not (out_dir / MAPPING_COPY).is_file():
        return frozenset()
    earlier = earlier_run(out_dir, manifest)
    ours = earlier is not None and earlier.get("mapping_copy") == MAPPING_COPY
    return frozenset() if ours else frozenset({MAPPING_COPY})


def load_run_results(
    connection: duckdb.DuckDBPyConnection, out_dir: Path, account_ids: list[str]
) -> None:
    """Hold the asked accounts' rows of the run's ``tiers.parquet`` (not the
    whole file: 1.7 GB at ten million accounts), for tiers and ranks."""
    results = str(out_dir / RESULT_FILE).replace("'", "''")
    connection.execute(
        f'CREATE TEMP TABLE "{RESULT_TABLE}" AS '
        f"SELECT * FROM read_parquet('{results}') "
        'WHERE "account_id" IN (SELECT UNNEST(?::VARCHAR[]))',
        [account_ids],
    )


def run_warning_lines(run: TieringRun, report: ImportReport) -> list[str]:
    """A run's warnings as its summary shows them and ``run.json`` keeps
    them, each once: what the mapping got wrong (a mapped header not there,
    a field the model does not read), which often explains the run's own
    warnings, then those.
    """
    return list(dict.fromkeys([*report.mapping_notes, *run.warnings]))


def run_manifest(
    run: TieringRun,
    report: ImportReport,
    read_from: dict[str, Any],
    mapping: ColumnMapping,
    model: str,
    as_of: date,
    engine: str,
) -> dict[str, Any]:
    """What ``run.json`` says of a run, read from a file or a table alike.

    ``read_from`` says where the accounts were read (a file and its digest,
    or a table); then come the mapping, the model, the date and the engine,
    the accounts per tier, the warnings and any import problems accepted.
    """
    problems = import_problems(report)
    manifest: dict[str, Any] = {
        "tierwise": __version__,
        **read_from,
        "mapping": mapping.name,
        "model": model,
        "as_of": as_of.isoformat(),
        "engine": engine,
        "accounts_tiered": run.accounts,
        "tiers": {tier.key: tier.accounts for tier in run.tiers},
        "warnings": run_warning_lines(run, report) + import_warning_lines(problems),
    }
    if problems is not None:
        manifest["import_problems"] = problems
    return manifest


@dataclass(frozen=True)
class KeptAccounts:
    """A run's accounts as it read them, the `reading_key` they were kept
    under, and the flagged cells of the asked accounts (for showing a value
    as the file wrote it)."""

    path: Path
    key: str
    flags: list[Flag]


def kept_accounts(
    out_dir: Path,
    manifest: Mapping[str, Any],
    report_file: Path,
    account_ids: Sequence[str],
) -> KeptAccounts | None:
    """The accounts the run in ``out_dir`` kept as read, if it kept them.

    A run that read its file cell by cell keeps the accounts it scored in
    ``accounts-as-read.parquet`` and names it in ``run.json`` with the key
    it was kept under, which the file must still carry (see
    `show_kept_accounts`); the flags come from its import report
    (``report_file``), which lists every flagged cell with its account.
    None when the run kept no copy (it read a Parquet file in place, or
    came before copies were kept) or its import report is unreadable: the
    input is then read again as the run read it.
    """
    recorded = manifest.get(KEPT_KEY)
    if not isinstance(recorded, dict) or recorded.get("file") != KEPT_ACCOUNTS_FILE:
        return None
    try:
        report = json.loads(report_file.read_text(encoding="utf-8"))
        asked = set(account_ids)
        names = {field.name for field in fields(Flag)}
        flags = [
            Flag(**{key: value for key, value in flag.items() if key in names})
            for flag in report["flags"]
            if flag.get("account_id") in asked
        ]
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning(
            "%s cannot be read (%s); reading the input again", report_file, error
        )
        return None
    return KeptAccounts(out_dir / KEPT_ACCOUNTS_FILE, str(recorded.get("key")), flags)


def reading_key(accounts_sha256: str, mapping_sha256: str, model: TieringModel) -> str:
    """A digest of all a cell-by-cell read depends on: the file's bytes, the
    column mapping, and the fields, currency and rates of the model.

    Accounts kept under the same key were read from the same bytes in the
    same way, so they can stand in for reading the file again.
    """
    currencies = currencies_of(model)
    parts = {
        "accounts": accounts_sha256,
        "mapping": mapping_sha256,
        "fields": {name: str(kind) for name, kind in model.field_kinds().items()},
        "currency": currencies.model_currency,
        "rates": {code: str(rate) for code, rate in currencies.rates.items()},
        "rates_as_of": str(currencies.as_of),
        "money_fields": sorted(currencies.money_fields),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def show_kept_accounts(
    connection: duckdb.DuckDBPyConnection, path: Path, key: str | None = None
) -> bool:
    """Put the kept accounts ``path`` in ``connection`` as the view ``accounts``.

    With a ``key`` (see `reading_key`), only when the file was kept under
    it. False when it was not, or DuckDB cannot read the file (it is gone,
    or was damaged since the run); the caller then reads the input again.
    """
    if not path.is_file():
        return False
    quoted = str(path).replace("'", "''")
    try:
        if key is not None:
            kept_under = connection.execute(
                f"SELECT decode(value) FROM parquet_kv_metadata('{quoted}') "
                f"WHERE decode(key) = '{READING_METADATA}'"
            ).fetchall()
            if kept_under != [(key,)]:
                log.info("%s was read another way; reading the input again", path)
                return False
        connection.execute(
            f'CREATE OR REPLACE TEMP VIEW "{ACCOUNTS_VIEW}" AS '
            f"SELECT * FROM read_parquet('{quoted}')"
        )
    except duckdb.Error as error:
        log.warning("%s cannot be read (%s); reading the input again", path, error)
        return False
    return True
