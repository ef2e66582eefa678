"""Reports: exports of a tiering run to the CRMs, a workbook for sales, data files.

This layer reads what the main job wrote (its results folder) and may use
the model, engine and sources; nothing below it imports from here.

The names below are imported when first used, so the command line names
the export formats (:mod:`~tierwise.report.names`) without loading pyarrow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tierwise.lent_names import lend

if TYPE_CHECKING:
    from tierwise.report.cells import for_people, neutralise, strip_control
    from tierwise.report.exports import Export, export_results
    from tierwise.report.names import (
        EXPORT_FILES,
        EXPORT_FORMATS,
        RAW_FORMATS,
        TIER_VALUE_SOURCES,
    )
    from tierwise.report.results import Results, load_results
    from tierwise.report.salesforce import SalesforceFields
    from tierwise.report.sheets import EXCEL_MAX_ROWS, TierSheets

__all__ = [
    "EXCEL_MAX_ROWS",
    "EXPORT_FILES",
    "EXPORT_FORMATS",
    "RAW_FORMATS",
    "TIER_VALUE_SOURCES",
    "Export",
    "Results",
    "SalesforceFields",
    "TierSheets",
    "export_results",
    "for_people",
    "load_results",
    "neutralise",
    "strip_control",
]

# Where each public name lives.
_HOMES = {
    "for_people": "tierwise.report.cells",
    "neutralise": "tierwise.report.cells",
    "strip_control": "tierwise.report.cells",
    "EXPORT_FILES": "tierwise.report.names",
    "EXPORT_FORMATS": "tierwise.report.names",
    "RAW_FORMATS": "tierwise.report.names",
    "TIER_VALUE_SOURCES": "tierwise.report.names",
    "Export": "tierwise.report.exports",
    "export_results": "tierwise.report.exports",
    "Results": "tierwise.report.results",
    "load_results": "tierwise.report.results",
    "SalesforceFields": "tierwise.report.salesforce",
    "EXCEL_MAX_ROWS": "tierwise.report.sheets",
    "TierSheets": "tierwise.report.sheets",
}


__getattr__, __dir__ = lend(__name__, _HOMES, __all__)
