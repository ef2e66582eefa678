"""The export command: a results folder to a CRM import file, a workbook or data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tierwise.cli.app import app, console, reported
from tierwise.errors import TierwiseError
from tierwise.report.names import EXPORT_FORMATS, RAW_FORMATS, TIER_VALUE_SOURCES

if TYPE_CHECKING:
    from tierwise.report import Export, SalesforceFields

__all__ = ["export"]

DEFAULT_EXPORT_DIR = "exports"

# What to do with each file once it is written, shown after the export.
_NEXT_STEP = {
    "salesforce": "Data Loader: Update → Account → this file → Auto-Match fields.",
    "hubspot": "HubSpot: Import → Start an import → File from computer → Companies.",
    "excel": "Open it in Excel: the About sheet says which sheet holds which tier.",
}


@app.command()
def export(
    results_dir: Annotated[
        Path, typer.Argument(help="Results folder of a `tier` or `demo` run.")
    ],
    to: Annotated[
        str, typer.Option("--to", help=f"Format: {', '.join(EXPORT_FORMATS)}.")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder to write into (default: RESULTS_DIR/exports)."
        ),
    ] = None,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help=f"Keep text exactly, for machine import ({', '.join(RAW_FORMATS)}).",
        ),
    ] = False,
    tier_field: Annotated[
        str | None,
        typer.Option(
            "--tier-field", help="Salesforce tier picklist field (ABM_Tier__c)."
        ),
    ] = None,
    score_field: Annotated[
        str | None,
        typer.Option(
            "--score-field", help="Salesforce total score field (ABM_Score__c)."
        ),
    ] = None,
    reason_field: Annotated[
        str | None,
        typer.Option(
            "--reason-field", help="Salesforce reason field (ABM_Tier_Reason__c)."
        ),
    ] = None,
    dimension_field: Annotated[
        list[str] | None,
        typer.Option(
            "--dimension-field",
            help="Salesforce field of a dimension's score: KEY=FIELD (repeatable).",
        ),
    ] = None,
    tier_values: Annotated[
        str | None,
        typer.Option(
            "--tier-values",
            help=f"Salesforce picklist values: {' or '.join(TIER_VALUE_SOURCES)}.",
        ),
    ] = None,
    tier_value: Annotated[
        list[str] | None,
        typer.Option(
            "--tier-value",
            help="Salesforce picklist value of one tier: KEY=VALUE (repeatable).",
        ),
    ] = None,
) -> None:
    """Export a run's results to Salesforce, HubSpot, Excel, CSV or Parquet."""
    from tierwise.report import export_results

    with reported():
        salesforce = _salesforce_fields(
            tier=tier_field,
            score=score_field,
            reason=reason_field,
            dimensions=_pairs(
                "--dimension-field", dimension_field, "fit=ABM_Fit_Score__c"
            ),
            tier_values=tier_values,
            tier_value=_pairs("--tier-value", tier_value, "tier_1=Strategic"),
        )
        written = export_results(
            results_dir,
            to,
            out if out is not None else results_dir / DEFAULT_EXPORT_DIR,
            raw=raw,
            salesforce=salesforce,
        )
    _render(written)


def _salesforce_fields(**given: Any) -> SalesforceFields | None:
    """The fields the user named, or None when no Salesforce option was given."""
    from tierwise.report import SalesforceFields

    chosen = {name: value for name, value in given.items() if value not in (None, {})}
    return SalesforceFields(**chosen) if chosen else None


def _pairs(option: str, given: list[str] | None, example: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for text in given or []:
        key, equals, value = text.partition("=")
        if not equals or not key.strip():
            raise TierwiseError(
                f"{option} takes KEY=VALUE, e.g. {option} {example}; got {text!r}"
            )
        pairs[key.strip()] = value.strip()
    return pairs


def _accounts(count: int) -> str:
    return f"{count:,} account{'' if count == 1 else 's'}"


def _render(written: Export) -> None:
    lines = [f"Wrote {_accounts(written.accounts)} to {written.path}"]
    lines += [
        f"  {tier.name}: {_accounts(tier.accounts)} on the "
        f"sheet{'s' if len(tier.sheets) > 1 else ''} {', '.join(tier.sheets)}"
        for tier in written.sheets
    ]
    if written.to in _NEXT_STEP:
        lines.append(f"Next: {_NEXT_STEP[written.to]}")
    for line in lines:
        console.print(line, markup=False, highlight=False, soft_wrap=True)
