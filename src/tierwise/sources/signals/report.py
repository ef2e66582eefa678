"""The match report: for each signal file, where every row went.

Every row read is matched by account id, matched by domain, unmatched or
ambiguous (``rows_read`` is their sum), and either counted or left out
for one reason (``rows_read == rows_used + dropped``). Unmatched and
ambiguous rows are left out under those reasons first; a matched row may
still be left out for its content (a timestamp that cannot be read, a
status of ``scheduled``, a date after the as-of date). Each reason comes
with its count and the first few row numbers, never the rows' values:
contact files hold personal data. An activity or event file also says
which of its counted rows have a type the model does not list, and which
fields counted them anyway (see :mod:`.unlisted`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = [
    "Count",
    "SignalFileReport",
    "SignalReport",
    "UnlistedKinds",
    "signal_report_json",
    "signal_report_lines",
]


@dataclass(frozen=True)
class Count:
    """How many rows, and the first few row numbers."""

    rows: int
    examples: list[int]


@dataclass(frozen=True)
class UnlistedKinds:
    """Kinds of counted rows that the model's section does not list.

    Attributes:
        rows: the counted rows of every unlisted kind.
        kind_count: how many unlisted kinds there were (estimated when
            ``estimated``: past a thousand or so, they are not counted one
            by one).
        shown: the most frequent of them (at most 20) that look like
            types, each with its rows and first row numbers.
        counted_in: the fields whose feature reads every kind, so counts
            these rows as it counts any other.
        left_out_of: the fields whose feature lists its kinds, so leaves
            these rows out.
        weight: how an activity row weighs where a weight counts (None for
            events, which carry no weight).
        free_text: how many of the kinds counted one by one were not shown
            because they look like free text (an e-mail address, a name, a
            sentence): names and e-mail addresses never reach the outputs.
        estimated: whether ``kind_count`` is an estimate.
    """

    rows: int
    kind_count: int
    shown: dict[str, Count] = field(default_factory=dict)
    counted_in: list[str] = field(default_factory=list)
    left_out_of: list[str] = field(default_factory=list)
    weight: str | None = None
    free_text: int = 0
    estimated: bool = False


@dataclass
class SignalFileReport:
    """Where the rows of one signal file went."""

    kind: str
    file: str
    rows_read: int
    rows_used: int
    matched_by_id: int
    matched_by_domain: int
    unmatched: int
    ambiguous: int
    dropped: dict[str, Count] = field(default_factory=dict)
    flagged: dict[str, Count] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    ambiguous_domains: dict[str, list[str]] = field(default_factory=dict)
    accounts_matched: int = 0
    unlisted: UnlistedKinds | None = None

    def reconciles(self) -> bool:
        """True when every row is counted once by match and once by use."""
        matched = (
            self.matched_by_id
            + self.matched_by_domain
            + self.unmatched
            + self.ambiguous
        )
        dropped = sum(count.rows for count in self.dropped.values())
        return self.rows_read == matched == self.rows_used + dropped


@dataclass
class SignalReport:
    """The match reports of a run's signal files, by kind."""

    files: dict[str, SignalFileReport] = field(default_factory=dict)

    def reconciles(self) -> bool:
        """True when every file's report reconciles."""
        return all(report.reconciles() for report in self.files.values())


def signal_report_json(report: SignalReport) -> str:
    """The report as JSON, for ``signals-report.json``."""
    data = {
        kind: {**asdict(file), "reconciles": file.reconciles()}
        for kind, file in report.files.items()
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def signal_report_lines(report: SignalReport) -> list[str]:
    """A few lines per file for the end of ``tier``."""
    lines: list[str] = []
    for file in report.files.values():
        lines.append(
            f"{file.kind} ({Path(file.file).name}): "
            f"{_many(file.rows_read, 'row')} = {file.rows_used:,} counted + "
            f"{file.rows_read - file.rows_used:,} left out; "
            f"{_many(file.accounts_matched, 'account')}"
        )
        lines.append(
            f"  matched by id {file.matched_by_id:,}, by domain "
            f"{file.matched_by_domain:,}; unmatched {file.unmatched:,}; "
            f"ambiguous {file.ambiguous:,}"
        )
        for reason, count in file.dropped.items():
            lines.append(f"  left out, {reason}: {count.rows:,} {_rows(count)}")
        for reason, count in file.flagged.items():
            lines.append(f"  kept, {reason}: {count.rows:,} {_rows(count)}")
        if file.unlisted is not None:
            header = file.columns.get("kind", "kind")
            lines += _unlisted_lines(file.kind, file.unlisted, header)
    return lines


def _unlisted_lines(kind: str, unlisted: UnlistedKinds, header: str) -> list[str]:
    """Which unlisted types were seen, and how the run treated them."""
    types = "type" if unlisted.kind_count == 1 else "types"
    about = "about " if unlisted.estimated else ""
    shown = ", ".join(
        f"{name} {count.rows:,} {_rows(count)}"
        for name, count in unlisted.shown.items()
    )
    unnamed = unlisted.kind_count - len(unlisted.shown) - unlisted.free_text
    more = ", …" if shown and unnamed > 0 else ""
    lines = [
        f"  not listed under signals.{kind}.kinds: {_many(unlisted.rows, 'row')} "
        f"of {about}{unlisted.kind_count:,} {types}"
        + (f": {shown}{more}" if shown else "")
    ]
    if unlisted.free_text:
        lines.append(
            f"    {unlisted.free_text:,} more {_noun(unlisted.free_text, 'type')} "
            "not shown: they look like free text (an e-mail address, a name or a "
            "sentence), which tierwise never prints"
        )
    if unlisted.estimated:
        lines.append(
            f"    so many types are rarely a type column: if {header!r} holds "
            "free text (a subject, notes), name the type column with "
            f"--signal-column {kind}.kind=HEADER"
        )
    if unlisted.counted_in:
        weighed = f", each row at weight {unlisted.weight}" if unlisted.weight else ""
        lines.append(
            f"    counted in {', '.join(unlisted.counted_in)}, whose features read "
            f"every type{weighed}"
        )
    if unlisted.left_out_of:
        lines.append(f"    left out of {', '.join(unlisted.left_out_of)}")
    lines.append(
        f"    list them under signals.{kind}.kinds (or in a feature's kinds) "
        "to count them on purpose"
    )
    return lines


def _rows(count: Count) -> str:
    shown = ", ".join(str(row) for row in count.examples)
    more = " …" if count.rows > len(count.examples) else ""
    word = "row" if count.rows == 1 else "rows"
    return f"({word} {shown}{more})"


def _many(number: int, noun: str) -> str:
    """``1 row``, ``2 rows``, ``1,000 accounts``."""
    return f"{number:,} {_noun(number, noun)}"


def _noun(number: int, noun: str) -> str:
    return noun if number == 1 else f"{noun}s"
