"""Lint one model file: every check the file allows, in one report.

Lint never stops at the first problem. The loader's own problems become
``load`` findings with their lines; then each rule runs on the parts of the
file that load on their own (a criterion, a tier), so a typo in one tier
does not hide a band nobody can reach in a criterion. Sections the schema
does not read yet (movement, governance) are checked from the raw YAML and
set aside before validation, so the rest of such a model is still linted
and, with accounts, still scored.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from tierwise.errors import ModelError, ModelProblem
from tierwise.model.lint.codes import CODES, LOAD, Hit
from tierwise.model.lint.criteria import criterion_hits
from tierwise.model.lint.report import Finding, LintReport, check_allow
from tierwise.model.lint.sections import FUTURE_SECTIONS, dimension_hits, section_hits
from tierwise.model.lint.tiers import budget_hits, tier_hits
from tierwise.model.loader import (
    KeyPath,
    ModelDocument,
    compose_model,
    dotted_path,
    validate_model,
)
from tierwise.model.schema import Criterion, Tier, TieringModel

__all__ = ["lint_model"]

log = logging.getLogger(__name__)

LOAD_FIX = (
    "correct this as the message says; until then `tierwise tier` refuses the model"
)

_CRITERION: TypeAdapter[Criterion] = TypeAdapter(Criterion)
_TIER: TypeAdapter[Tier] = TypeAdapter(Tier)
_LISTS: TypeAdapter[dict[str, list[str]]] = TypeAdapter(dict[str, list[str]])
_PERCENT: TypeAdapter[Decimal] = TypeAdapter(Decimal)

Loaded = TypeVar("Loaded")

# Rules that restate, with their own fix, something the loader refuses; a
# load finding at the same key path would only say it twice.
RESTATED_BY = frozenset({"dimension-empty", "dimension-zero-weight"})


def lint_model(
    text: str, source: str = "<model>", allow: Collection[str] = ()
) -> LintReport:
    """Check model YAML for the framework's common mistakes and dead settings.

    Args:
        text: the model file's YAML.
        source: the file's name, shown in the report.
        allow: finding codes accepted as deliberate; they are still shown
            but do not make the exit status fail.

    Raises:
        TierwiseError: for an ``allow`` code lint does not know.

    >>> from tierwise.model import default_model_text
    >>> report = lint_model(default_model_text())
    >>> report.exit_status, report.findings
    (0, ())
    """
    allowed = check_allow(allow)
    try:
        document = compose_model(text, source)
    except ModelError as error:
        findings = tuple(
            _load_finding(problem, [], allowed) for problem in error.problems
        )
        return LintReport(
            source,
            findings,
            not_checked=("every other check: the file is not a model's YAML",),
            allow=allowed,
        )

    model, problems = _validated(document)
    unread = _unread_sections(document)
    core = _set_aside(document, unread)
    if model is None and unread:
        model, _ = _validated(core)

    report = LintReport(source, (), model=model, document=document, allow=allowed)
    report = report.with_hits(section_hits(document.data))
    report = report.with_hits(dimension_hits(core.data))
    report = _lint_criteria(report, core.data)
    report = _lint_tiers(report, core.data)

    restated = {f.path for f in report.findings if f.code in RESTATED_BY}
    loaded = [_load_finding(problem, unread, allowed) for problem in problems]
    report = report.with_findings(f for f in loaded if f.path not in restated)

    log.info(
        "linted %s: %d errors, %d warnings",
        source,
        len(report.errors),
        len(report.warnings),
    )
    return report


def _validated(
    document: ModelDocument,
) -> tuple[TieringModel | None, list[ModelProblem]]:
    try:
        return validate_model(document), []
    except ModelError as error:
        return None, error.problems


def _unread_sections(document: ModelDocument) -> list[str]:
    """The future sections in the file that the schema does not define yet.

    Once the schema defines a section it is no longer in this list, so the
    loader validates it like any other key and lint stops setting it aside.
    """
    known = {info.alias or name for name, info in TieringModel.model_fields.items()}
    return [key for key in FUTURE_SECTIONS if key in document.data and key not in known]


def _set_aside(document: ModelDocument, unread: list[str]) -> ModelDocument:
    """The document without ``unread`` sections, for the checks of the rest."""
    if not unread:
        return document
    data = {key: value for key, value in document.data.items() if key not in unread}
    return ModelDocument(source=document.source, data=data, lines=document.lines)


def _load_finding(
    problem: ModelProblem, unread: list[str], allowed: frozenset[str]
) -> Finding:
    message, fix = problem.message, LOAD_FIX
    if problem.path in unread:
        message = (
            "is a section this version of tierwise does not read yet, so "
            "`tierwise tier` refuses the model while it is there"
        )
        fix = "keep the section in a file of its own until tierwise reads it"
    return Finding(
        code=LOAD,
        severity=CODES[LOAD].severity,
        path=problem.path,
        line=problem.line,
        message=message,
        fix=fix,
        allowed=LOAD in allowed,
    )


def _lint_criteria(report: LintReport, data: dict[str, Any]) -> LintReport:
    lists = _loaded(_LISTS, data.get("lists", {}))
    hits: list[Hit] = []
    broken: list[str] = []
    for path, raw in _raw_criteria(data):
        crit = _loaded(_CRITERION, raw)
        if crit is None:
            broken.append(dotted_path(path))
            continue
        hits += criterion_hits(path, crit, lists)

    report = report.with_hits(hits)
    if broken:
        report = report.with_not_checked(
            f"thresholds of {', '.join(broken)}: {_do(broken)} not load"
        )
    return report


def _lint_tiers(report: LintReport, data: dict[str, Any]) -> LintReport:
    raw_tiers = data.get("tiers")
    if not isinstance(raw_tiers, list):
        return report.with_not_checked("every tier check: `tiers` is not a list")

    tiers = [(t, _loaded(_TIER, raw)) for t, raw in enumerate(raw_tiers)]
    min_completeness = _loaded(_PERCENT, data.get("min_completeness_pct", 0))
    report = report.with_hits(tier_hits(tiers, min_completeness or Decimal(0)))

    broken = [t for t, tier in tiers if tier is None]
    if broken:
        first = next((t for t, tier in tiers if tier and tier.enabled), len(tiers))
        checks = "disqualifiers anywhere and budget shares"
        if broken[0] < first:
            checks = f"Tier 1's cap, {checks}"
        names = [f"tiers[{t}]" for t in broken]
        return report.with_not_checked(
            f"{checks}, which need every tier: {', '.join(names)} {_do(names)} not load"
        )
    active = [(t, tier) for t, tier in tiers if tier is not None and tier.enabled]
    return report.with_hits(budget_hits(active))


def _raw_criteria(data: dict[str, Any]) -> Iterator[tuple[KeyPath, Any]]:
    dimensions = data.get("dimensions")
    for d, dimension in enumerate(dimensions if isinstance(dimensions, list) else []):
        criteria = dimension.get("criteria") if isinstance(dimension, dict) else None
        for c, raw in enumerate(criteria if isinstance(criteria, list) else []):
            yield ("dimensions", d, "criteria", c), raw


def _loaded(adapter: TypeAdapter[Loaded], raw: Any) -> Loaded | None:
    """``raw`` validated by ``adapter``, or ``None`` when it does not load."""
    try:
        return adapter.validate_python(raw)
    except ValidationError:
        return None


def _do(names: list[str]) -> str:
    return "does" if len(names) == 1 else "do"
