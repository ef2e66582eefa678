"""Findings and the lint report: what lint found, where, and the exit status."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace

from tierwise.errors import TierwiseError
from tierwise.model.lint.codes import ALLOWABLE_CODES, CODES, LOAD, Hit, Severity
from tierwise.model.loader import ModelDocument, dotted_path
from tierwise.model.schema import TieringModel

__all__ = ["Finding", "LintReport", "check_allow"]


@dataclass(frozen=True)
class Finding:
    """One finding: its code and severity, the key path and line, and the fix.

    ``allowed`` marks a finding the user accepted with ``--allow``: it is
    still shown, but does not count towards the exit status.
    """

    code: str
    severity: Severity
    path: str
    line: int | None
    message: str
    fix: str
    allowed: bool = False

    def __str__(self) -> str:
        where = f"{self.path} (line {self.line})" if self.line else self.path
        allowed = " (allowed)" if self.allowed else ""
        return (
            f"{where}: {self.severity} {self.code}{allowed}: {self.message}; "
            f"fix: {self.fix}"
        )


@dataclass(frozen=True)
class LintReport:
    """Everything lint found in one model, in file order.

    ``model`` is the model as ``tierwise tier`` would score it, or ``None``
    when it does not load (sections the schema does not read yet are set
    aside for this, so the rest can still be checked against accounts).
    ``not_checked`` names the checks that could not run, and why.
    """

    source: str
    findings: tuple[Finding, ...]
    model: TieringModel | None = None
    document: ModelDocument | None = None
    not_checked: tuple[str, ...] = ()
    allow: frozenset[str] = field(default_factory=frozenset)

    @property
    def errors(self) -> list[Finding]:
        """Errors not accepted with ``--allow``."""
        return [f for f in self.findings if f.severity == "error" and not f.allowed]

    @property
    def warnings(self) -> list[Finding]:
        """Warnings not accepted with ``--allow``."""
        return [f for f in self.findings if f.severity == "warning" and not f.allowed]

    @property
    def exit_status(self) -> int:
        """1 when an error remains, else 0 (warnings alone pass)."""
        return 1 if self.errors else 0

    def with_hits(self, hits: Iterable[Hit]) -> LintReport:
        """This report with what more rules found, located in its document."""
        return self.with_findings(self.finding(hit) for hit in hits)

    def with_findings(self, findings: Iterable[Finding]) -> LintReport:
        """This report with more findings, kept in file order."""
        merged = [*self.findings, *findings]
        return replace(self, findings=_in_file_order(merged))

    def with_not_checked(self, *reasons: str) -> LintReport:
        return replace(self, not_checked=(*self.not_checked, *reasons))

    def finding(self, hit: Hit) -> Finding:
        """A rule's hit as a finding: severity from its code, line from the file."""
        line = self.document.line_of(hit.path) if self.document else None
        return Finding(
            code=hit.code,
            severity=CODES[hit.code].severity,
            path=dotted_path(hit.path),
            line=line,
            message=hit.message,
            fix=hit.fix,
            allowed=hit.code in self.allow,
        )


def check_allow(codes: Collection[str]) -> frozenset[str]:
    """The codes given to ``--allow``, checked against the known codes.

    Raises:
        TierwiseError: for a code lint does not report, or for ``load``.
    """
    for code in codes:
        if code == LOAD:
            raise TierwiseError(
                "--allow load is not possible: `tierwise tier` refuses a model "
                "that does not load; fix the load problems instead"
            )
        if code not in ALLOWABLE_CODES:
            raise TierwiseError(
                f"--allow takes a finding code, one of: {', '.join(ALLOWABLE_CODES)}; "
                f"got {code!r}"
            )
    return frozenset(codes)


def _in_file_order(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: (f.line or 0, f.path, f.code)))
