"""Reading back the results folder a ``tierwise tier`` run wrote.

Exports start from that folder, never from a live run: ``tiers.parquet``
holds every account's tier and scores, ``model.yaml`` the model that placed
them (tier names and order, dimension names) and ``run.json`` the manifest
(as-of date, mapping). A folder missing any of them is refused with the
command that writes it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tierwise.engine.compile import UNASSIGNED
from tierwise.engine.run import open_connection, people_order
from tierwise.errors import TierwiseError
from tierwise.model import TieringModel, parse_model

__all__ = ["REQUIRED_COLUMNS", "RESULT_FILES", "Results", "load_results"]

log = logging.getLogger(__name__)

TIERS_FILE = "tiers.parquet"
MODEL_FILE = "model.yaml"
MANIFEST_FILE = "run.json"
RESULT_FILES = (TIERS_FILE, MODEL_FILE, MANIFEST_FILE)

# Columns every export reads; the per-dimension ``<key>_score`` columns are
# checked against the model separately.
REQUIRED_COLUMNS = (
    "account_id",
    "name",
    "tier",
    "tier_name",
    "total",
    "reason",
    "rank",
    "cap_rank",
    "capped_from",
    "completeness",
    "potential",
    "potential_estimated",
)

_RUN_FIRST = (
    "run `tierwise tier ACCOUNTS --out {folder}` (or `tierwise demo --out "
    "{folder}`) first, then export from that folder"
)


@dataclass(frozen=True)
class Results:
    """A tiering run's results, ordered by the model's tiers and then rank."""

    folder: Path
    table: pa.Table
    model: TieringModel
    manifest: dict[str, Any]

    @property
    def tier_order(self) -> list[str]:
        """Tier keys best first, as the model lists them, then ``unassigned``."""
        return [tier.key for tier in self.model.tiers] + [UNASSIGNED]

    def tier_names(self) -> dict[str, str]:
        """Each tier key's display name, ``unassigned`` included."""
        names = {tier.key: tier.name for tier in self.model.tiers}
        return {**names, UNASSIGNED: "Unassigned"}

    def score_columns(self) -> list[tuple[str, str]]:
        """``(column, dimension name)`` for each dimension, in model order."""
        return [(f"{dim.key}_score", dim.name) for dim in self.model.dimensions]


def load_results(folder: Path) -> Results:
    """Load the results folder of a ``tierwise tier`` or ``tierwise demo`` run.

    Raises:
        TierwiseError: when the folder or one of its files is missing, or
            the results lack columns the model says they should have.
    """
    _check_files(folder)

    model_path = folder / MODEL_FILE
    model = parse_model(model_path.read_text(encoding="utf-8"), source=str(model_path))
    manifest = _read_manifest(folder / MANIFEST_FILE)

    table = pq.read_table(folder / TIERS_FILE)
    _check_columns(folder, table, model)
    table = _in_tier_order(table, model)
    log.info("read %d results from %s", table.num_rows, folder)
    return Results(folder=folder, table=table, model=model, manifest=manifest)


def _check_files(folder: Path) -> None:
    run_first = _RUN_FIRST.format(folder=folder)
    if not folder.is_dir():
        raise TierwiseError(
            f"{folder} is not a results folder (it does not exist); {run_first}"
        )
    missing = [name for name in RESULT_FILES if not (folder / name).is_file()]
    if missing:
        raise TierwiseError(
            f"{folder} holds no {' or '.join(missing)}, so it is not the output "
            f"of a tiering run; {run_first}"
        )


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise TierwiseError(
            f"{path} is not valid JSON (line {error.lineno}); it is written by "
            "`tierwise tier`, run it again to rewrite the folder"
        ) from None
    if not isinstance(manifest, dict):
        raise TierwiseError(
            f"{path} is not a run manifest; run `tierwise tier` again to rewrite it"
        )
    return manifest


def _check_columns(folder: Path, table: pa.Table, model: TieringModel) -> None:
    wanted = [*REQUIRED_COLUMNS, *(f"{dim.key}_score" for dim in model.dimensions)]
    missing = [name for name in wanted if name not in table.column_names]
    if missing:
        raise TierwiseError(
            f"{folder / TIERS_FILE} lacks the column(s) {', '.join(missing)} that "
            f"{folder / MODEL_FILE} implies; the two come from different runs or "
            "tierwise versions. Run `tierwise tier` again to write both."
        )


def _in_tier_order(table: pa.Table, model: TieringModel) -> pa.Table:
    """The results in the order people read them, as ``tiers.csv`` has them."""
    connection = open_connection()
    try:
        connection.register("results", table)
        ordered = connection.sql(f"SELECT * FROM results {people_order(model)}")
        return ordered.to_arrow_table().cast(table.schema)
    finally:
        connection.close()
