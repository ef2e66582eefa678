"""The import problems a run went ahead with, as its ``run.json`` keeps them.

A run stops before scoring when more than :data:`PROBLEM_SHARE` of the rows
read have a problem, unless ``--accept-warnings`` is given; fewer problems
never stop it. Either way the tiers rest on a file with those problems, so
the manifest records them for whoever audits the run later: the import
report's headline, how many rows had problems, whether the run needed
``--accept-warnings``, and a count per kind (why rows were skipped, why
cells were flagged). The whole report stays beside it in
``import-report.json``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tierwise.sources.report import (
    PROBLEM_SHARE,
    QUIET_SKIPS,
    ImportReport,
    short_report,
    skip_kind,
)

__all__ = ["import_problems", "import_warning_lines"]


def import_problems(report: ImportReport) -> dict[str, Any] | None:
    """The import's problems for the manifest, or None when it had none.

    >>> report = ImportReport("a.csv", 2, 1, skipped=[(3, "blank name")])
    >>> import_problems(report)["skipped_rows"]
    {'blank name': 1}
    """
    problem_rows = report.problem_rows()
    if not problem_rows:
        return None

    skipped = Counter(
        skip_kind(reason)
        for _, reason in report.skipped
        if not reason.startswith(QUIET_SKIPS)
    )
    flagged = Counter(flag.reason for flag in report.flags if flag.problem)
    return {
        # The first line of the short report is the report's headline.
        "headline": short_report(report)[0],
        "rows_read": report.rows_read,
        "problem_rows": len(problem_rows),
        "needed_accept_warnings": report.over_threshold(),
        "skipped_rows": dict(skipped),
        "flagged_cells": dict(flagged),
    }


def import_warning_lines(problems: dict[str, Any] | None) -> list[str]:
    """The problems as lines for the manifest's ``warnings`` list."""
    if problems is None:
        return []

    share = f"{PROBLEM_SHARE:.0%}"
    if problems["needed_accept_warnings"]:
        verdict = (
            f"more than the {share} at which a run stops; tiered as read with "
            "--accept-warnings"
        )
    else:
        verdict = f"within the {share} a run accepts"
    lines = [
        f"import: {problems['problem_rows']:,} of {problems['rows_read']:,} rows "
        f"had problems, {verdict} (see import-report.txt)",
        f"import: {problems['headline']}",
    ]
    lines += [
        f"import: {count:,} row(s) skipped: {reason}"
        for reason, count in problems["skipped_rows"].items()
    ]
    lines += [
        f"import: {count:,} cell(s) flagged: {reason}"
        for reason, count in problems["flagged_cells"].items()
    ]
    return lines
