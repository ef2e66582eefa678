"""Reports: exports of a tiering run to the CRMs, a workbook for sales, data files.

This layer reads what the main job wrote (its results folder) and may use
the model, engine and sources; nothing below it imports from here.
"""

from tierwise.report.cells import for_people, neutralise, strip_control
from tierwise.report.exports import (
    EXPORT_FILES,
    EXPORT_FORMATS,
    RAW_FORMATS,
    Export,
    export_results,
)
from tierwise.report.results import Results, load_results
from tierwise.report.salesforce import TIER_VALUE_SOURCES, SalesforceFields
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
