"""The results table: printed, and written as Markdown and JSON per size."""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from measuring import Agreement, Measurement

HEADER = (
    "| size | contender | median wall s | × floor | × tierwise "
    "| median CPU s | peak RSS MB | tiers equal |"
)
RULE = "|---:|---|---:|---:|---:|---:|---:|:---:|"


@dataclass
class Outcome:
    """Every run of one contender at one size, and its tiers check."""

    contender: str
    command: list[str]
    runs: list[Measurement] = field(default_factory=list)
    agreement: Agreement | None = None
    reference: bool = False  # tierwise itself
    gives_tiers: bool = True
    skipped: str = ""  # why it was not run at this size

    @property
    def finished(self) -> list[Measurement]:
        return [run for run in self.runs if run.ok]

    @property
    def median_s(self) -> float | None:
        finished = self.finished
        if not finished or len(finished) < len(self.runs):
            return None
        return statistics.median(run.seconds for run in finished)

    @property
    def median_cpu_s(self) -> float | None:
        if self.median_s is None:
            return None
        return statistics.median(run.cpu_seconds for run in self.finished)

    @property
    def peak_rss_mb(self) -> float | None:
        return max((run.peak_rss_mb for run in self.runs), default=None)

    @property
    def failure(self) -> str:
        for run in self.runs:
            if not run.ok:
                return run.stopped or f"exit code {run.exit_code}"
        return ""

    def tiers_cell(self) -> str:
        if self.skipped or not self.gives_tiers:
            return "—"
        if self.reference:
            return "reference"
        if self.agreement is None:
            return "not checked"
        if self.agreement.equal:
            return "✓"
        return f"✗ ({self.agreement.tiers_differ:,} tiers)"


@dataclass
class SizeResult:
    """One size: its input, the machine's state and every contender."""

    accounts: int
    label: str
    input: str
    input_mb: float
    load_at_start: tuple[float, float, float]
    load_at_end: tuple[float, float, float] = (0.0, 0.0, 0.0)
    code: str = ""  # the state of src/ that was copied and measured
    checkout_at_end: str = ""
    tierwise_command: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def median_of(self, contender: str) -> float | None:
        for outcome in self.outcomes:
            if outcome.contender == contender:
                return outcome.median_s
        return None

    def rows(self) -> list[str]:
        floor = self.median_of("floor")
        tierwise = self.median_of("tierwise")
        rows = []
        for outcome in self.outcomes:
            median = outcome.median_s
            if outcome.skipped:
                cells = [outcome.skipped, "", "", "", "", "—"]
            elif median is None:
                cells = [outcome.failure or "failed", "", "", "", _mb(outcome), "—"]
            else:
                cells = [
                    f"{median:.2f}",
                    _ratio(median, floor),
                    _ratio(median, tierwise),
                    f"{outcome.median_cpu_s or 0:.2f}",
                    _mb(outcome),
                    outcome.tiers_cell(),
                ]
            rows.append(f"| {self.label} | {outcome.contender} | {' | '.join(cells)} |")
        return rows


def table(results: list[SizeResult]) -> str:
    lines = [HEADER, RULE]
    for result in results:
        lines += result.rows()
    return "\n".join(lines)


def write(result: SizeResult, machine: dict[str, Any], folder: Path, day: str) -> Path:
    """``<day>-<code>-<size>.md`` and ``.json`` in ``folder`` (the commit
    measured, with a digest of any uncommitted changes), so a run of other
    code on the same day keeps the earlier one's files; returns the Markdown.
    """
    folder.mkdir(parents=True, exist_ok=True)
    measured = f"{result.code}-" if result.code else ""
    stem = folder / f"{day}-{measured}{result.label}"
    document = {"date": day, "machine": machine, "result": asdict(result)}
    stem.with_suffix(".json").write_text(
        json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8"
    )
    markdown = stem.with_suffix(".md")
    markdown.write_text(_markdown(result, machine, day), encoding="utf-8")
    return markdown


def _markdown(result: SizeResult, machine: dict[str, Any], day: str) -> str:
    loads = [run.load_before for o in result.outcomes for run in o.runs]
    load_range = f"{min(loads):.2f}–{max(loads):.2f}" if loads else "n/a"
    repeats = max((len(o.runs) for o in result.outcomes), default=0)
    lines = [
        f"# Benchmark: {result.accounts:,} accounts ({day})",
        "",
        table([result]),
        "",
        f"- Input: `{result.input}` ({result.input_mb:.1f} MB), made by "
        f"`tierwise sample --accounts {result.accounts} --seed "
        f"{machine['seed']} --as-of {machine['as_of']}`.",
        f"- Each contender ran {repeats} time{'' if repeats == 1 else 's'}, "
        "each run a fresh process, "
        "rounds interleaved; wall time is the whole process (start-up, read "
        "Parquet, score, place, write Parquet), the median of the runs; CPU "
        "is the process's user and system time over all its threads (the "
        "median of the runs), which a busy machine stretches much less than "
        "wall time; peak RSS is the largest of the runs.",
        f"- Machine: {machine['cores']} cores ({machine['cpu']}), "
        f"{machine['memory_gb']:.1f} GB RAM. It is shared with other "
        "engineers' test runs: load average "
        f"{_loads(result.load_at_start)} at the start, "
        f"{_loads(result.load_at_end)} at the end, 1-minute load "
        f"{load_range} before the runs.",
        f"- tierwise {machine['tierwise']} at `{result.code}`"
        + (" (with uncommitted changes in src/)" if "+" in result.code else "")
        + ", copied when the benchmark started so every run measures the same "
        + f"code; command: `{' '.join(result.tierwise_command)}`.",
        "- Versions: "
        + ", ".join(
            f"{name} {version}" for name, version in machine["versions"].items()
        )
        + ".",
    ]
    if result.checkout_at_end != result.code:
        lines.append(
            f"- The checkout had moved on to `{result.checkout_at_end}` by the end "
            "of this size; the copy above is what was measured."
        )
    for outcome in result.outcomes:
        if outcome.agreement is not None and not outcome.agreement.equal:
            lines += ["", f"**{outcome.contender} disagrees with tierwise:**", "```"]
            lines += [outcome.agreement.describe(), "```"]
    return "\n".join(lines) + "\n"


def _ratio(value: float, base: float | None) -> str:
    return f"{value / base:.2f}" if base else ""


def _mb(outcome: Outcome) -> str:
    peak = outcome.peak_rss_mb
    return "" if peak is None else f"{peak:,.0f}"


def _loads(loads: tuple[float, float, float]) -> str:
    return " / ".join(f"{load:.2f}" for load in loads)
