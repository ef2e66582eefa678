"""Export a results folder to the CRMs, to a workbook for sales, or as data.

One call, :func:`export_results`, reads the folder a ``tierwise tier`` run
wrote and writes one file into the output folder:

==============  ==================================  ============================
``to``          file                                for
==============  ==================================  ============================
``salesforce``  ``salesforce-accounts-update.csv``  Data Loader, update Accounts
``hubspot``     ``hubspot-companies-import.csv``    HubSpot's company import
``excel``       ``tiers.xlsx``                      sales: a sheet per tier
``csv``         ``tiers.csv``                       people: every tier, one table
``parquet``     ``tiers.parquet``                   tools: typed columns
==============  ==================================  ============================

The file is written in a scratch folder and moved into place only when it
is complete, so an error leaves the output folder as it was.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from tierwise.errors import TierwiseError
from tierwise.report.files import write_parquet, write_people_csv
from tierwise.report.hubspot import write_hubspot
from tierwise.report.names import EXPORT_FILES, EXPORT_FORMATS, RAW_FORMATS
from tierwise.report.results import Results, load_results
from tierwise.report.salesforce import SalesforceFields, write_salesforce
from tierwise.report.scratch import written_into
from tierwise.report.sheets import EXCEL_MAX_ROWS, TierSheets

__all__ = ["EXPORT_FILES", "EXPORT_FORMATS", "RAW_FORMATS", "Export", "export_results"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Export:
    """A written export: the file, how many accounts, and the workbook's sheets."""

    to: str
    path: Path
    accounts: int
    sheets: list[TierSheets] = field(default_factory=list)


def export_results(
    results_dir: Path,
    to: str,
    out_dir: Path,
    *,
    raw: bool = False,
    salesforce: SalesforceFields | None = None,
    sheet_rows: int = EXCEL_MAX_ROWS,
) -> Export:
    """Export the run in ``results_dir`` as ``to`` into ``out_dir``.

    Args:
        results_dir: the folder ``tierwise tier`` or ``tierwise demo`` wrote.
        to: one of :data:`EXPORT_FORMATS`.
        out_dir: the folder to write the file into; created when missing.
        raw: keep text exactly as it is, for a machine import; only for
            :data:`RAW_FORMATS`. Without it, text a spreadsheet could run as
            a formula starts with ``'``.
        salesforce: field names and picklist values for ``salesforce``.
        sheet_rows: the most rows per worksheet for ``excel``, header included.

    Raises:
        TierwiseError: for an unknown format, a misplaced option, a folder
            that holds no run, or results the target cannot take.
    """
    _check_request(to, raw, salesforce)
    started = time.perf_counter()
    results = load_results(results_dir)

    with written_into(out_dir) as scratch:
        export = _write(results, to, scratch, raw, salesforce, sheet_rows)
    export = Export(to, out_dir / export.path.name, export.accounts, export.sheets)

    log.info(
        "exported %d accounts as %s to %s in %.2f s",
        export.accounts,
        to,
        export.path,
        time.perf_counter() - started,
    )
    return export


def _check_request(to: str, raw: bool, salesforce: SalesforceFields | None) -> None:
    if to not in EXPORT_FILES:
        raise TierwiseError(
            f"cannot export to {to!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        )
    if raw and to not in RAW_FORMATS:
        raise TierwiseError(
            f"--raw is for CSV files a machine re-imports ({', '.join(RAW_FORMATS)}); "
            f"{to} is always written safe for people, so leave out --raw"
        )
    if salesforce is not None and to != "salesforce":
        raise TierwiseError(
            "the Salesforce field options (--tier-field, --score-field, …) apply "
            f"to --to salesforce only; leave them out for --to {to}"
        )


def _write(
    results: Results,
    to: str,
    scratch: Path,
    raw: bool,
    salesforce: SalesforceFields | None,
    sheet_rows: int,
) -> Export:
    path = scratch / EXPORT_FILES[to]
    if to == "salesforce":
        fields = salesforce or SalesforceFields()
        return Export(to, path, write_salesforce(results, path, fields, raw=raw))
    if to == "hubspot":
        return Export(to, path, write_hubspot(results, path, raw=raw))
    if to == "csv":
        return Export(to, path, write_people_csv(results, path, raw=raw))
    if to == "parquet":
        return Export(to, path, write_parquet(results, path))

    # The spreadsheet writer loads only for a workbook export.
    from tierwise.report.workbook import write_workbook

    sheets = write_workbook(results, path, sheet_rows=sheet_rows)
    return Export(to, path, results.table.num_rows, sheets)
