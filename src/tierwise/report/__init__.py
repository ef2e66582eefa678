"""Reports: exports of a tiering run to the CRMs, a workbook for sales, data files.

This layer reads what the main job wrote (its results folder) and may use
the model, engine and sources; nothing below it imports from here.
"""

from tierwise.report.cells import for_people, neutralise, strip_control
from tierwise.report.results import Results, load_results

__all__ = ["Results", "for_people", "load_results", "neutralise", "strip_control"]
