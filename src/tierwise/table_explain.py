"""Explain accounts of a run from a database table (``tier --source``).

The run's manifest names the table, the mapping, the model's copy and the
as-of date; the accounts asked about are scored again as the run scored
them: a DuckDB file attached to DuckDB, any other database running the
explain query in its own dialect over the same mapped select. A table has
no digest to check, so each explanation is compared with the run's
``tiers.parquet`` instead: an account that scores differently now, or that
appeared or went away, means the table changed since the run, and the
explanation is refused rather than shown beside a tier it does not explain.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from tierwise.engine import Explanation, explain
from tierwise.engine.backends.database import (
    ATTACHED,
    TABLE_VIEW,
    attach_duckdb_file,
    connect,
    explain_in_database,
    mapped_in_database,
    mapped_in_duckdb,
    spoken_by,
)
from tierwise.engine.explain import explain_rows
from tierwise.engine.run import RESULT_TABLE, compile_on, open_connection
from tierwise.errors import TierwiseError
from tierwise.model import TieringModel, parse_model
from tierwise.run_folder import MODEL_COPY
from tierwise.run_record import load_run_results, run_mapping
from tierwise.sources import ColumnMapping
from tierwise.sources.database import TableSource
from tierwise.table_inputs import TableRun, source_again

__all__ = ["explain_table_run"]

log = logging.getLogger(__name__)


def explain_table_run(
    out_dir: Path,
    manifest: dict[str, Any],
    account_ids: list[str],
    source_text: str | None = None,
) -> list[Explanation]:
    """Explain accounts of the table run in ``out_dir`` (its ``manifest``).

    ``source_text`` is the run's ``URL::TABLE`` given again, needed when the
    URL has a password (the manifest keeps none); it must name the same
    table.

    Raises:
        TierwiseError: when the table cannot be reached, none of the ids is
            in the run, or the table changed since the run.
    """
    run = TableRun(
        str(manifest["source"]),
        manifest.get("source_file"),
        f"the run in {out_dir}",
        doing="explain its accounts",
        then="explain that run",
    )
    source = source_again(run, source_text)
    model = parse_model(
        (out_dir / MODEL_COPY).read_text(encoding="utf-8"),
        source=str(out_dir / MODEL_COPY),
    )
    mapping = run_mapping(manifest, out_dir)
    as_of = date.fromisoformat(manifest["as_of"])
    connection = open_connection()
    load_run_results(connection, out_dir, account_ids)

    if source.path is not None:
        explanations = _explain_in_duckdb_file(
            connection, source, model, mapping, as_of, account_ids
        )
    else:
        with connect(source) as database:
            source = spoken_by(database, source)
            select, _ = mapped_in_database(
                database, source, model.field_kinds(), mapping
            )
            compiled, rows = explain_in_database(
                model, source, select, database, as_of, connection, account_ids
            )
        explanations = explain_rows(connection, compiled, rows)

    _refuse_changes(connection, source, out_dir, explanations, account_ids)
    if not explanations:
        shown = ", ".join(account_ids)
        raise TierwiseError(f"no account with id {shown} in the run in {out_dir}")
    log.info("explained %d accounts from %s", len(explanations), source.shown())
    # Databases return the rows in any order; show them as they were asked.
    asked = {account: index for index, account in enumerate(account_ids)}
    return sorted(explanations, key=lambda item: asked[item.account_id])


def _explain_in_duckdb_file(
    connection: duckdb.DuckDBPyConnection,
    source: TableSource,
    model: TieringModel,
    mapping: ColumnMapping,
    as_of: date,
    account_ids: list[str],
) -> list[Explanation]:
    """Explain from a DuckDB file, attached read-only as the run attached it."""
    attached = attach_duckdb_file(connection, source, writable=False)
    try:
        select, _ = mapped_in_duckdb(connection, attached, model.field_kinds(), mapping)
        connection.execute(
            f'CREATE TEMP VIEW "{TABLE_VIEW}" AS {select.sql(dialect="duckdb")}'
        )
        compiled = compile_on(connection, model, as_of, TABLE_VIEW, text_trimmed=True)
        return explain(connection, compiled, account_ids)
    finally:
        # Let go of the file, so others (this process too) can open it.
        connection.execute(f'DROP VIEW IF EXISTS "{TABLE_VIEW}"')
        connection.execute(f'DETACH "{ATTACHED}"')


def _refuse_changes(
    connection: duckdb.DuckDBPyConnection,
    source: TableSource,
    out_dir: Path,
    explanations: list[Explanation],
    account_ids: list[str],
) -> None:
    """Refuse explanations the run's results no longer agree with.

    An account must score now as it did in the run (total, dimension
    scores, completeness and potential), bear the same name, pass the gates
    of the tier it computed to, and be in the table and the run alike.
    Known gap: a table has no digest, so a value changed since the run that
    earns the same points (more employees within the same band) is shown
    as if the run had read it.
    """
    cursor = connection.execute(
        f'SELECT * FROM "{RESULT_TABLE}" WHERE "account_id" IN '
        f"(SELECT UNNEST(?::VARCHAR[]))",
        [account_ids],
    )
    names = [column[0] for column in cursor.description]
    in_run = {
        str(row[0]): dict(zip(names, row, strict=True)) for row in cursor.fetchall()
    }
    explained = {item.account_id: item for item in explanations}

    changed: list[str] = []
    for account in dict.fromkeys(account_ids):
        run_row = in_run.get(account)
        now = explained.get(account)
        if run_row is None and now is None:
            continue
        if run_row is None:
            changed.append(f"{account} is in the table but was not in the run")
        elif now is None:
            changed.append(f"{account} was in the run but is no longer in the table")
        else:
            differences = _differences(now, run_row)
            if differences:
                changed.append(f"{account} ({'; '.join(differences)})")
    if changed:
        raise TierwiseError(
            f"{source.shown()}: the table changed since the run in {out_dir}, so "
            f"it no longer explains that run's tiers: account {', '.join(changed)}. "
            "Tier the table again with `tierwise tier --source` to explain the "
            "current data"
        )


def _differences(now: Explanation, run_row: dict[str, Any]) -> list[str]:
    """What of the account's scores and gates the run's results contradict."""
    shown = {
        "total": now.total,
        "completeness": now.completeness,
        "potential": now.potential,
        **{f"{dim.key}_score": dim.score for dim in now.dimensions},
    }
    differences = [
        f"{name} {value} now, {run_row.get(name)} in the run"
        for name, value in shown.items()
        if _number(value) != _number(run_row.get(name))
    ]
    # Shown with the explanation as the run's, so it must be the run's.
    if now.name != run_row.get("name"):
        differences.insert(
            0, f"name {now.name!r} now, {run_row.get('name')!r} in the run"
        )
    computed = run_row.get("computed_tier")
    eligible = {
        line.tier: line.passed for line in now.gates if line.check == "eligible"
    }
    if computed in eligible and not eligible[computed]:
        differences.append(f"no longer passes the gates of {computed}")
    return differences


def _number(value: Any) -> float | None:
    return None if value is None else float(value)
