"""The signal rows behind an explanation's points, as lines for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tierwise.cli.app import console
from tierwise.cli.safe_text import escape
from tierwise.row_numbers import named_rows

if TYPE_CHECKING:
    from tierwise.engine import Explanation
    from tierwise.engine.signal_explain import Evidence, EvidenceGroup

__all__ = ["evidence_lines", "render_evidence"]


def render_evidence(explanation: Explanation) -> None:
    """Print, per criterion a signal file fed, the rows that produced it."""
    lines = evidence_lines(explanation)
    if not lines:
        return
    console.print("[bold]Signals behind the points[/bold]")
    for line in lines:
        console.print(escape(line), highlight=False, soft_wrap=True)


def evidence_lines(explanation: Explanation) -> list[str]:
    """The evidence as plain text lines (ids, kinds, dates, row numbers)."""
    lines: list[str] = []
    shown: set[str] = set()
    for criterion in explanation.criteria:
        for evidence in criterion.evidence:
            lines.append(f"  {criterion.label}: {_heading(evidence)}")
            lines += [f"    {_group(group)}" for group in evidence.groups]
            shown.add(evidence.field)
    for evidence in explanation.signals:
        if evidence.field not in shown:
            lines.append(f"  (no criterion) {_heading(evidence)}")
            lines += [f"    {_group(group)}" for group in evidence.groups]
    return lines


def _heading(evidence: Evidence) -> str:
    rows = evidence.rows()
    noun = "row" if rows == 1 else "rows"
    note = f"; {evidence.note}" if evidence.note else ""
    return f"{evidence.field} from the {evidence.source} file, {rows} {noun}{note}"


def _group(group: EvidenceGroup) -> str:
    # Loaded with the explanation this group belongs to.
    from tierwise.engine.signal_explain import ROWS_SHOWN

    parts = [group.label]
    if group.detail:
        parts.append(group.detail)
    else:
        parts.append(f"{group.rows} " + ("row" if group.rows == 1 else "rows"))
    if group.first is not None and group.last is not None:
        span = str(group.first)
        if group.last != group.first:
            span += f" to {group.last}"
        parts.append(span)
    if group.source_rows:
        more = len(group.source_rows) - ROWS_SHOWN
        tail = f" and {more:,} more" if more > 0 else ""
        parts.append(f"file {named_rows(group.source_rows[:ROWS_SHOWN], tail)}")
    return "; ".join(parts)
