"""The main jobs, one library call each: tier a file, explain, run the demo.

The CLI (and later the web app) calls these and only renders what they
return. A tiering run writes its results, the model it used, the import
report and a manifest into one output folder, so ``explain`` can later
recompute any account's points exactly as they were; a run that read its
file cell by cell keeps there the accounts as it read them too, which
``explain`` and ``whatif`` read instead of the whole file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from tierwise.engine import Explanation, TieringRun, explain, write_results
from tierwise.engine.backends import check_engine, score_on
from tierwise.engine.compile import compile_model
from tierwise.engine.run import (
    ACCOUNTS_VIEW,
    KEPT_ACCOUNTS_FILE,
    SIGNALS_REPORT,
    open_connection,
)
from tierwise.engine.watch import watched
from tierwise.errors import TierwiseError
from tierwise.file_inputs import (
    currencies_of,
    missing_as_scored,
    read_accounts_view,
    read_file_inputs,
)
from tierwise.model import TieringModel, default_model_text, parse_model
from tierwise.progress import QUIET, Progress
from tierwise.run_folder import MODEL_COPY, check_model_copy, keep_model
from tierwise.run_record import (
    KEPT_KEY,
    READING_METADATA,
    foreign_mapping,
    ids_in_run,
    ids_not_in_run,
    keep_mapping,
    kept_accounts,
    load_run_results,
    mapping_again,
    mapping_digest,
    reading_key,
    run_inputs,
    run_manifest,
    run_mapping,
    run_origin,
    show_kept_accounts,
)
from tierwise.run_recording import record_shown
from tierwise.run_signals import (
    file_sha256,
    load_run_signals,
    memory_limit,
    open_run_signals,
    recorded_signals,
    signal_manifest,
    signals_again,
)
from tierwise.sources import (
    ColumnMapping,
    ImportReport,
    load_mapping_file,
    load_preset,
    read_accounts,
    report_json,
    report_text,
)
from tierwise.sources.report import Flag
from tierwise.sources.signals import SignalFile, SignalReport, signal_report_json

if TYPE_CHECKING:
    # The store (SQLAlchemy, Alembic) is imported only by runs that use one.
    from tierwise.store import PinPlan, RecordedRun, Store

__all__ = [
    "TierJob",
    "check_file",
    "choose_mapping",
    "explain_accounts",
    "read_input_again",
    "run_demo",
    "tier_file",
]

log = logging.getLogger(__name__)

MANIFEST = "run.json"
# The tasks a run reports after scoring (see tierwise.progress).
WRITING = "Writing results"
IMPORT_REPORT = "import-report.json"
IMPORT_REPORT_TEXT = "import-report.txt"
DEMO_ACCOUNTS = "demo-portfolio.csv"
DEMO_SIGNALS = "demo-signals"
DEMO_SIZE = 1000


@dataclass
class TierJob:
    """A finished tiering run: the engine's result, the import and the folder."""

    run: TieringRun
    report: ImportReport
    out_dir: Path
    model: TieringModel
    recorded: RecordedRun | None = None
    pins: PinPlan | None = None
    model_version: int | None = None
    signals: SignalReport | None = None
    # The table ``tier --source --write-back`` kept the results in.
    written_back: str | None = None


def choose_mapping(preset: str | None, mapping: Path | None) -> ColumnMapping:
    """The column mapping from ``--preset`` or ``--mapping`` (generic if neither)."""
    if preset and mapping:
        raise TierwiseError(
            "choose either --preset or --mapping, not both; a mapping file can "
            "name its base preset with `preset: NAME`"
        )
    if mapping is not None:
        return load_mapping_file(mapping)
    return load_preset(preset or "generic")


def tier_file(
    accounts: Path,
    out_dir: Path,
    as_of: date,
    model_path: Path | None = None,
    mapping: ColumnMapping | None = None,
    accept_warnings: bool = False,
    store: Store | None = None,
    force: bool = False,
    csv: bool | None = None,
    signals: Sequence[SignalFile] = (),
    explain_all: bool = False,
    progress: Progress = QUIET,
    engine: str = "duckdb",
    spark_master: str | None = None,
) -> TierJob:
    """Read ``accounts``, score and tier them, and write the results folder.

    ``engine`` runs the compiled query on DuckDB (the default) or Spark
    (``spark_master``, ``local[2]`` by default); the results are the same.

    ``csv`` asks for ``tiers.csv`` beside ``tiers.parquet``; by default it is
    written while a spreadsheet could open it. ``signals`` are activity,
    intent, contact and event files whose rows fill the fields the model's
    ``signals`` section names; their match report is written beside the
    results as ``signals-report.json``. ``explain_all`` writes every
    account's points per criterion to ``explain.parquet`` beside the results
    (see :func:`tierwise.engine.explain.explain_all_query`); ``progress`` is
    told how far reading, scoring and explaining have got.

    With a ``store``, the overrides in force as of ``as_of`` pin their
    accounts' tiers, and the run is recorded there (unless the same run is
    already recorded and ``force`` is false). Without ``model_path`` the
    store's current published model is used, else the bundled default.
    """
    started_at = datetime.now(UTC)
    check_engine(engine, spark_master)
    model_text, model_version = _chosen_model(model_path, store)
    model = parse_model(model_text, source=_model_source(model_path, model_version))
    check_model_copy(out_dir, MANIFEST, model_text)
    mapping = mapping or load_preset("generic")

    inputs = read_file_inputs(
        accounts,
        model,
        mapping,
        as_of,
        signals,
        # The store's registry keeps each account's domain, as signal files
        # matched by domain need them: a Parquet file then reads them too.
        identities=store is not None,
        builtin=model_path is None and model_version is None,
        accept_warnings=accept_warnings,
        progress=progress,
    )
    connection, table, report = inputs.connection, inputs.table, inputs.report
    pins = None
    if store is not None:
        ids = connection.sql(f"SELECT account_id FROM {ACCOUNTS_VIEW}").to_arrow_table()
        from tierwise.store import pins_for_run

        pins = pins_for_run(store, model, as_of, ids.column("account_id"))
    scoring = "Scoring and tiering"
    with watched(connection, progress, scoring, report.rows_used, engine) as share:
        run = score_on(
            engine,
            model,
            ACCOUNTS_VIEW,
            as_of,
            connection=connection,
            pins=pins.pins if pins else None,
            signal_sources=inputs.signal_sources,
            text_trimmed=True,
            spark_master=spark_master,
            share_done=share,
        )

    read_from = {
        "accounts": str(accounts.resolve()),
        "accounts_sha256": file_sha256(accounts),
    }
    model_source = _model_source(model_path, model_version)
    manifest = run_manifest(
        run, report, read_from, mapping, model_source, as_of, engine
    )
    # A mapping.yaml of the person's own in --out is left as it is.
    own_files = foreign_mapping(out_dir, MANIFEST)
    extra = {
        **keep_model(manifest, model_text),
        IMPORT_REPORT: report_json(report),
        IMPORT_REPORT_TEXT: report_text(report),
        **keep_mapping(manifest, mapping, out_dir, own_files),
    }
    if signals:
        manifest["signals"] = signal_manifest(signals)
        extra[SIGNALS_REPORT] = signal_report_json(inputs.signals)
    # Accounts read cell by cell are kept as read, so that explaining one
    # reads them back in a second rather than the whole file again.
    kept = None
    if table is not None:
        key = reading_key(read_from["accounts_sha256"], mapping_digest(mapping), model)
        manifest[KEPT_KEY] = {"file": KEPT_ACCOUNTS_FILE, "key": key}
        kept = {READING_METADATA: key}
    extra[MANIFEST] = json.dumps(manifest, indent=2) + "\n"
    recorded: RecordedRun | None = None

    def record() -> None:
        # Once every file is gathered and before any takes its place, so a
        # store that refuses the run (or a stop) leaves --out as it was.
        nonlocal recorded
        if store is None:
            return
        recorded = record_shown(
            store,
            run,
            progress,
            model_text=model_text,
            inputs=run_inputs(str(manifest["accounts_sha256"]), mapping, pins, signals),
            started_at=started_at,
            accounts=table if table is not None else ACCOUNTS_VIEW,
            source=accounts.name,
            origin=run_origin(
                accounts,
                mapping,
                signals,
                out_dir / KEPT_ACCOUNTS_FILE if kept is not None else None,
            ),
            force=force,
        )

    progress.start(WRITING, None)
    write_results(
        run,
        out_dir,
        csv=csv,
        extra=extra,
        explain_all=explain_all,
        progress=progress,
        keep_accounts=kept,
        leave=own_files,
        before_moving=record,
    )
    progress.finish()
    log.info("wrote %d results to %s", run.accounts, out_dir)
    return TierJob(
        run=run,
        report=report,
        out_dir=out_dir,
        model=model,
        recorded=recorded,
        pins=pins,
        model_version=model_version,
        signals=inputs.signals if signals else None,
    )


def check_file(
    accounts: Path,
    model_path: Path | None = None,
    mapping: ColumnMapping | None = None,
) -> ImportReport:
    """Read ``accounts`` as ``tier`` would and return the import report only."""
    model = parse_model(
        _model_text(model_path), source=str(model_path or "default model")
    )
    _, report = read_accounts(
        accounts,
        model.field_kinds(),
        mapping or load_preset("generic"),
        currencies=currencies_of(model, builtin=model_path is None),
    )
    missing_as_scored(report, model)
    return report


def run_demo(
    out_dir: Path,
    as_of: date | None = None,
    store: Store | None = None,
    force: bool = False,
) -> TierJob:
    """Tier the bundled demo portfolio (the 2020 Fortune 1000, with made-up signals).

    Its engagement, intent, contacts and contract ends are read from raw
    signal files written to ``demo-signals/`` (see `tierwise.sample.signals`);
    the fields they fill come from those files, not from the columns of the
    same name that the accounts file keeps for reference. ``as_of`` is the
    demo's own date (`tierwise.sample.DEMO_AS_OF`) unless given.
    """
    # Imported here: the generator (numpy) is not needed to start the CLI.
    from tierwise.sample import (
        DEMO_AS_OF,
        DEMO_SEED,
        build_demo_portfolio,
        write_portfolio,
    )
    from tierwise.sample.signals import write_signal_files

    as_of = as_of or DEMO_AS_OF
    # Before the demo's own files are written: the run would stop on it.
    check_model_copy(out_dir, MANIFEST, _chosen_model(None, store)[0])
    out_dir.mkdir(parents=True, exist_ok=True)
    accounts = out_dir / DEMO_ACCOUNTS
    write_portfolio(accounts, DEMO_SIZE, DEMO_SEED, as_of=as_of)
    portfolio = build_demo_portfolio(DEMO_SEED, as_of)
    files = write_signal_files(out_dir / DEMO_SIGNALS, portfolio, as_of, DEMO_SEED)
    signals = [SignalFile(kind, path) for kind, path in files.by_kind().items()]
    return tier_file(
        accounts, out_dir, as_of, store=store, force=force, signals=signals
    )


def explain_accounts(
    out_dir: Path,
    account_ids: list[str],
    signal_paths: dict[str, Path] | None = None,
    source: str | None = None,
) -> list[Explanation]:
    """Explain accounts of the run in ``out_dir``, recomputed from its input.

    The input must still be the file the run read; the accounts the run
    kept as it read them (``accounts-as-read.parquet``) are then read in
    its place, and a run without them reads the file again. The run's
    signal files are read again from where the run found them,
    or from ``signal_paths`` (by kind) when they have moved. A run from a
    database table is recomputed in that database
    (:func:`tierwise.table_explain.explain_table_run`); ``source`` gives its
    ``URL::TABLE`` again when the URL needs a password, which no run keeps.

    Raises:
        TierwiseError: when the folder holds no run, an input file or table
            changed since the run, or none of the ids is in it.
    """
    if any(not account.strip() for account in account_ids):
        raise TierwiseError(
            "an account id to explain is blank; give each id as tiers.csv shows it"
        )
    manifest = _read_manifest(out_dir)
    account_ids = ids_in_run(out_dir, account_ids)
    if missing := ids_not_in_run(out_dir, account_ids):
        raise _not_in_run(missing, out_dir, others=len(missing) < len(set(account_ids)))
    if "source" in manifest:
        from tierwise.table_explain import explain_table_run

        if signal_paths:
            raise TierwiseError(
                f"the run in {out_dir} read the table {manifest['source']} and "
                "no signal files; leave out --activity, --intent, --contacts "
                "and --events"
            )
        found = explain_table_run(out_dir, manifest, account_ids, source)
        return _all_asked(found, account_ids, out_dir)
    if source is not None:
        raise TierwiseError(
            f"--source: the run in {out_dir} read the file "
            f"{manifest['accounts']}, not a table; leave out --source"
        )
    accounts = Path(manifest["accounts"])
    if not accounts.exists() or file_sha256(accounts) != manifest["accounts_sha256"]:
        raise TierwiseError(
            f"{accounts} is gone or has changed since the run in {out_dir}; "
            "run `tierwise tier` again to explain the current data"
        )

    model = parse_model(
        (out_dir / MODEL_COPY).read_text(encoding="utf-8"),
        source=str(out_dir / MODEL_COPY),
    )
    as_of = date.fromisoformat(manifest["as_of"])
    signals = signals_again(manifest, out_dir, signal_paths or {})
    connection = open_connection(memory_limit=memory_limit(signals))
    opened = open_run_signals(connection, signals, model)
    # The input is the file the run read (checked above), so the accounts
    # it kept as read are the same; a run without them reads it again.
    kept = kept_accounts(out_dir, manifest, out_dir / IMPORT_REPORT, account_ids)
    if kept is not None and show_kept_accounts(connection, kept.path, kept.key):
        flags = kept.flags
    else:
        # A run that kept no copy (a Parquet file read in place, or a run
        # from before copies) is read again through the run's mapping.
        mapping = run_mapping(manifest, out_dir)
        _, report = read_accounts_view(
            connection, accounts, model, mapping, opened.by_domain, only_ids=account_ids
        )
        flags = report.flags
    load_run_signals(connection, opened, model, as_of)
    load_run_results(connection, out_dir, account_ids)
    columns = [row[0] for row in connection.sql(f"DESCRIBE {ACCOUNTS_VIEW}").fetchall()]
    compiled = compile_model(
        model,
        as_of,
        columns,
        signal_sources=[signal.kind for signal in signals],
        text_trimmed=True,
    )

    explanations = explain(connection, compiled, account_ids)
    found = _all_asked(explanations, account_ids, out_dir)
    return [_as_written(explanation, flags) for explanation in found]


def _all_asked(
    explanations: list[Explanation], account_ids: list[str], out_dir: Path
) -> list[Explanation]:
    """``explanations``, once every asked id has one.

    An id the run does not hold (a typo beside good ids) stops the command
    rather than leaving its account out of the output without a word.
    """
    found = {explanation.account_id for explanation in explanations}
    missing = [
        account for account in dict.fromkeys(account_ids) if account not in found
    ]
    if missing:
        raise _not_in_run(missing, out_dir, others=len(found) > 0)
    return explanations


def _not_in_run(missing: list[str], out_dir: Path, others: bool) -> TierwiseError:
    """No account of ``missing`` is in the run; ``others``: other ids asked are."""
    ids = f"id {missing[0]}" if len(missing) == 1 else f"ids {', '.join(missing)}"
    fix = (
        "check the ids, or leave them out to explain the rest"
        if others
        else (
            f"check the id, or find it in {out_dir / 'tiers.parquet'}"
            if len(missing) == 1
            else f"check the ids, or find them in {out_dir / 'tiers.parquet'}"
        )
    )
    return TierwiseError(
        f"no account with {ids} in the run in {out_dir} (ids are case-sensitive); {fix}"
    )


def _as_written(explanation: Explanation, flags: list[Flag]) -> Explanation:
    """Show a value as the file wrote it where it was read by a rule.

    A range (``51-200``) or a bound (``< $1M``) is scored as one number; the
    explanation then shows the cell, the number and the rule that chose it.
    """
    by_field = {
        flag.field: flag for flag in flags if flag.account_id == explanation.account_id
    }
    criteria = [
        replace(line, value=f"{flag.value} → {flag.read_as}: {flag.reason}")
        if (flag := by_field.get(line.field)) is not None
        else line
        for line in explanation.criteria
    ]
    return replace(explanation, criteria=criteria)


def read_input_again(
    connection: duckdb.DuckDBPyConnection,
    origin: dict[str, str],
    digests: dict[str, str],
    model: TieringModel,
    as_of: date | None = None,
) -> list[str]:
    """Read a recorded run's accounts into ``connection`` as ``tier`` did.

    ``origin`` and ``digests`` are what the run recorded (see `_origin`);
    the view ``accounts`` then holds exactly the rows the run scored. The
    accounts the run kept as it read them stand in for the file when
    ``model`` reads it as the run's model did (see `reading_key`). The
    run's signal files, if it had any, are read again as of ``as_of`` (the
    run's date) into their matched tables; their kinds are returned, to be
    passed to the engine as ``signal_sources``.

    Raises:
        TierwiseError: when a file or the mapping is gone or has changed
            since the run, or the run had signal files and no ``as_of`` is
            given; nothing is read then.
    """
    signals = recorded_signals(origin, digests, as_of)
    accounts = Path(origin["accounts"])
    if not accounts.is_file() or file_sha256(accounts) != digests.get("accounts"):
        raise TierwiseError(
            f"{accounts} is gone or has changed since the run was recorded, so "
            "it is no longer that run's input; tier the current file with "
            "`tierwise tier` and compare against that run (--against RUN), or "
            "put the original file back"
        )
    mapping = mapping_again(origin)
    if mapping_digest(mapping) != digests.get("mapping"):
        raise TierwiseError(
            f"the column mapping {origin['mapping']} has changed since the run "
            "was recorded; put it back as it was, or tier the file again with "
            "`tierwise tier` and compare against that run (--against RUN)"
        )
    opened = open_run_signals(connection, signals, model)
    # The accounts the run kept as it read them, when this model reads the
    # file as the run's did: seconds, where reading it again takes minutes.
    kept = origin.get(KEPT_KEY)
    key = reading_key(digests["accounts"], digests["mapping"], model)
    if kept is None or not show_kept_accounts(connection, Path(kept), key):
        read_accounts_view(connection, accounts, model, mapping, opened.by_domain)
    if signals and as_of is not None:
        load_run_signals(connection, opened, model, as_of)
    return [signal.kind for signal in signals]


def _chosen_model(
    model_path: Path | None, store: Store | None
) -> tuple[str, int | None]:
    """The model's text: the file, else the store's current one, else the default.

    Returns the text and, when it came from the store, its version.
    """
    if model_path is None and store is not None:
        from tierwise.store import current_model

        published = current_model(store)
        if published is not None:
            return published.yaml_text, published.version_id
    return _model_text(model_path), None


def _model_source(model_path: Path | None, model_version: int | None) -> str:
    """Where the model came from, for the manifest and for error messages."""
    if model_path is not None:
        return str(model_path.resolve())
    if model_version is not None:
        return f"published model version {model_version}"
    return "default"


def _model_text(model_path: Path | None) -> str:
    if model_path is None:
        return default_model_text()
    try:
        return model_path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise TierwiseError(
            f"{model_path}: cannot read the model file ({error.strerror})"
        ) from None


def _read_manifest(out_dir: Path) -> dict[str, Any]:
    path = out_dir / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TierwiseError(
            f"{out_dir} holds no tiering run ({MANIFEST} is missing); run "
            "`tierwise tier ACCOUNTS --out DIR` first or pass --out"
        ) from None
    return manifest
