"""The import report: what a read used, skipped, repaired, guessed and merged.

Every read reconciles: ``rows_read == rows_used + len(skipped)``, each
skipped row with its reason (a blank line, a title above the header, a
footer or total line below the data, a missing id or name, a row merged
into another account). The summary counts merged rows as ``merged`` and
names, in a line of their own, which row went into which (``row 109
(Raytheon) into row 40 (Raytheon Technologies)``), by the rows' numbers
in the file. Repairs that cannot change a score's meaning (spaces
trimmed, ``www.`` dropped, ``$`` removed) are counted with one example
each. Flags are cells read in a way a person should check (a bound such
as ``< $1M``, ``1.250`` that a reader could take for 1.25 or 1250, text
that was decoded twice), with the fix where a setting or an edit settles
them; flags marked as problems count towards the threshold at which a
run stops before scoring.

Fields the file lacks are listed in two groups: account columns the user
could add, and fields the model fills from signal files (activity, intent,
contacts, events), which come from those files when a run is given them
and never from the accounts file's columns.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

__all__ = [
    "PROBLEM_SHARE",
    "Flag",
    "ImportReport",
    "Merge",
    "Tally",
    "absent_lines",
    "report_json",
    "report_text",
    "short_report",
    "skip_kind",
]

# A run stops before scoring when more than this share of the rows read
# have a problem (``--accept-warnings`` goes on regardless).
PROBLEM_SHARE = 0.05

# Reasons for skipped rows that are not problems: lines that hold no
# account, and rows whose account is kept under another row.
MERGED = "merged"
QUIET_SKIPS = ("blank row", "title above the header", "footer", "total row", MERGED)
MAX_SHOWN = 20
# Merged rows named one by one in the summary; the rest are counted, and
# every merge is listed under "Merged duplicates".
MERGES_SHOWN = 3
ABSENT = "Absent: "


@dataclass(frozen=True)
class Tally:
    """A kind of repair or inference in one column, how often, one example."""

    field: str
    column: str
    what: str
    count: int
    example: str


@dataclass(frozen=True)
class Flag:
    """A cell read in a way a person should check, as written and as used."""

    row: int
    field: str
    column: str
    value: str
    read_as: str
    reason: str
    problem: bool = True
    # The account the row became, so an explanation can show the cell as
    # written (a range, a bound) beside the number that was scored.
    account_id: str | None = None
    # What to do about this cell, where one thing is to be done: reasons
    # are shared by many cells and counted together, so the fix, which
    # names the cell's own numbers, is kept apart from them.
    fix: str = ""


@dataclass(frozen=True)
class Merge:
    """Rows that are one account, kept as the first row's account."""

    key: str
    value: str
    kept_row: int
    kept_id: str
    rows: list[int]
    ids: list[str]
    conflicts: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import read, used, skipped, could not find, and repaired.

    ``rows_read == rows_used + len(skipped)`` always holds: every row of the
    file after the header is either in the table or skipped with a reason.
    ``notes`` are the report's readable lines about the file and its
    columns; ``mapping_notes`` are those of them about the mapping itself (a
    mapped header not there, a field the model does not read), which a run
    shows as warnings; ``repairs``, ``flags`` and ``merges`` are the same
    findings as data, with every flagged cell listed.
    """

    source: str
    rows_read: int
    rows_used: int
    # What the accounts were read from: "file", or "table" for --source.
    holder: str = "file"
    skipped: list[tuple[int, str]] = field(default_factory=list)
    absent_fields: list[str] = field(default_factory=list)
    mapped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    mapping_notes: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None
    repairs: list[Tally] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    # The fields the model fills from signal files, each with the kind of
    # file that fills it, and the kinds the run was given.
    signal_fields: dict[str, str] = field(default_factory=dict)
    signals_given: list[str] = field(default_factory=list)

    def reconciles(self) -> bool:
        """True when every row read is used or skipped, once."""
        skipped_rows = [row for row, _ in self.skipped]
        return self.rows_read == self.rows_used + len(skipped_rows) and len(
            set(skipped_rows)
        ) == len(skipped_rows)

    def problem_rows(self) -> list[int]:
        """Rows with a flagged problem, or skipped for a missing id or name."""
        rows = {flag.row for flag in self.flags if flag.problem}
        rows |= {
            row for row, reason in self.skipped if not reason.startswith(QUIET_SKIPS)
        }
        return sorted(rows)

    def over_threshold(self, share: float = PROBLEM_SHARE) -> bool:
        """True when problem rows exceed ``share`` of the rows read."""
        return len(self.problem_rows()) > share * max(self.rows_read, 1)


def report_json(report: ImportReport) -> str:
    """The whole report as JSON, for ``import-report.json``."""
    data = asdict(report)
    data["problem_rows"] = report.problem_rows()
    data["reconciles"] = report.reconciles()
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def report_text(report: ImportReport, limit: int | None = None) -> str:
    """The whole report for people: counts, skipped rows, repairs, flags, merges.

    ``limit`` cuts each list after that many lines (``None``: everything).
    """
    lines = [f"Import report for {report.source}", ""]
    lines += _summary(report)

    repairs = [
        f"{t.field} ({t.column!r}): {t.count:,} value(s) {t.what}, e.g. {t.example}"
        for t in report.repairs
    ]
    # Notes repeat each repair for readers of ``notes`` alone; shown once here.
    tallied = {line.replace(",", "") for line in repairs}
    notes = [note for note in report.notes if note.replace(",", "") not in tallied]
    lines += _section("Skipped rows", [f"row {r}: {why}" for r, why in report.skipped])
    lines += _section("Notes", notes)
    lines += _section("Repairs", repairs)
    lines += _section("Flagged cells", [_flag_line(flag) for flag in report.flags])
    lines += _section("Merged duplicates", [_merge_line(m) for m in report.merges])
    if limit is not None:
        lines = _limited(lines, limit)
    return "\n".join(lines).rstrip() + "\n"


def short_report(report: ImportReport) -> list[str]:
    """A few lines for the end of ``tier``: the counts and what to look at."""
    lines = [
        line
        for line in _summary(report)
        if not line.startswith(("Fields", ABSENT, "Filled from signal files"))
    ]
    problems = report.problem_rows()
    kinds: dict[str, int] = {}
    for flag in report.flags:
        kinds[flag.reason] = kinds.get(flag.reason, 0) + 1
    lines += [f"  {count:,} flagged: {reason}" for reason, count in kinds.items()]
    if problems:
        lines.append(f"  {len(problems):,} row(s) with problems")
    return lines


def _counted(number: int, noun: str) -> str:
    """``1 account`` or ``2 accounts``: a count read aloud, not ``1 accounts``."""
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def absent_lines(
    report: ImportReport, label: str | None = None, empty: str | None = None
) -> list[str]:
    """The fields the file or table lacks: account columns the user could add
    (after ``label``, by default "Not in the file" or "Not in the table";
    ``empty`` when there are none, no line if it is None), then
    the fields signal files not given would fill, by the option that gives
    each kind of file. Fields a given signal file filled are in neither."""
    signal = report.signal_fields
    columns = [name for name in report.absent_fields if name not in signal]
    waiting: dict[str, list[str]] = {}
    for name in report.absent_fields:
        kind = report.signal_fields.get(name)
        if kind is not None and kind not in report.signals_given:
            waiting.setdefault(kind, []).append(name)

    if label is None:
        label = (
            f"Not in the {report.holder} (scored by each criterion's "
            "missing-value policy): "
        )
    shown = ", ".join(columns) or empty
    lines = [] if shown is None else [label + shown]
    if waiting:
        options = ", ".join(f"--{kind}" for kind in waiting)
        by_kind = "; ".join(
            f"--{kind}: {', '.join(names)}" for kind, names in waiting.items()
        )
        lines.append(
            f"Filled from signal files when given ({options}), else scored by "
            f"each criterion's missing-value policy: {by_kind}"
        )
    return lines


def skip_kind(reason: str) -> str:
    """What a skipped row's reason is counted under, without its details.

    Details follow a colon or an opening bracket (``blank name``,
    ``footer below the data``); a merge names the row it went into, which
    is a detail too, so every merge is counted as ``merged``.

    >>> skip_kind("merged into row 40 (same website rtx.com)")
    'merged'
    """
    if reason.startswith(MERGED):
        return MERGED
    return reason.split(":")[0].split(" (")[0]


def _summary(report: ImportReport) -> list[str]:
    reasons: dict[str, int] = {}
    for _, reason in report.skipped:
        key = skip_kind(reason)
        reasons[key] = reasons.get(key, 0) + 1
    why = ", ".join(f"{reason} {count:,}" for reason, count in reasons.items())
    file_facts = [
        f"encoding {report.encoding}" if report.encoding else "",
        f"delimiter {report.delimiter!r}" if report.delimiter else "",
        f"header on row {report.header_row}" if report.header_row else "",
    ]
    facts = ", ".join(fact for fact in file_facts if fact)
    lines = [
        f"Rows read {report.rows_read:,} = used {report.rows_used:,} + skipped "
        f"{len(report.skipped):,}" + (f" ({why})" if why else ""),
        *_merge_lines(report.merges),
        f"Read as: {facts}" if facts else "",
        "Fields: "
        + ", ".join(f"{name} ← {header!r}" for name, header in report.mapped.items()),
        *absent_lines(report, ABSENT, empty="none"),
    ]
    return [line for line in lines if line]


def _merge_lines(merges: list[Merge]) -> list[str]:
    """Which rows went into which, a line per key merged on (``account_id``,
    ``website``): ``row 109 (Raytheon) into row 40 (Raytheon Technologies)``,
    by the rows' numbers in the file and their account ids; the id is said
    once when both rows share it."""
    pairs: dict[str, list[str]] = {}
    for merge in merges:
        kept = f"row {merge.kept_row} ({merge.kept_id})"
        for row, source in zip(merge.rows, merge.ids, strict=True):
            merged = (
                f"row {row}" if source == merge.kept_id else f"row {row} ({source})"
            )
            pairs.setdefault(merge.key, []).append(f"{merged} into {kept}")

    lines = []
    for key, listed in pairs.items():
        shown = ", ".join(listed[:MERGES_SHOWN])
        more = len(listed) - MERGES_SHOWN
        rest = (
            f", and {more:,} more under Merged duplicates in the import report"
            if more > 0
            else ""
        )
        lines.append(
            f"{_counted(len(listed), 'row')} merged into another row with the "
            f"same {key}: {shown}{rest}"
        )
    return lines


def _section(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    return ["", f"{title} ({len(items):,}):", *[f"  {item}" for item in items]]


def _limited(lines: list[str], limit: int) -> list[str]:
    kept: list[str] = []
    run = 0
    for line in lines:
        if line.startswith("  "):
            run += 1
            if run == limit + 1:
                kept.append("  …")
            if run > limit:
                continue
        else:
            run = 0
        kept.append(line)
    return kept


def _flag_line(flag: Flag) -> str:
    mark = "problem" if flag.problem else "check"
    fix = f"; fix: {flag.fix}" if flag.fix else ""
    return (
        f"row {flag.row}, {flag.field} ({flag.column!r}): {flag.value!r} read as "
        f"{flag.read_as} — {flag.reason}{fix} [{mark}]"
    )


def _merge_line(merge: Merge) -> str:
    ids = ", ".join(
        f"row {row} ({source})"
        for row, source in zip(merge.rows, merge.ids, strict=True)
    )
    line = (
        f"{merge.key} {merge.value!r}: kept row {merge.kept_row} "
        f"({merge.kept_id}); merged {ids}"
    )
    if merge.conflicts:
        line += "; differing values kept from the first row: " + "; ".join(
            merge.conflicts
        )
    return line
