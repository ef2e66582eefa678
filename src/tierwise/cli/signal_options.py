"""The options naming a run's signal files, shared by the commands that read them.

``tier`` and ``lint`` read them beside an accounts file, ``explain`` again
from where a run found them; one definition keeps their help alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = [
    "ActivityOption",
    "ContactsOption",
    "EventsOption",
    "IntentOption",
    "SignalColumnOption",
]

ActivityOption = Annotated[
    Path | None,
    typer.Option(
        "--activity",
        help="Activity log (CSV or Parquet): account id or domain, timestamp, "
        "type, optional weight and status.",
    ),
]
IntentOption = Annotated[
    Path | None,
    typer.Option(
        "--intent",
        help="Third-party intent file: domain, topic, score 0-100, week.",
    ),
]
ContactsOption = Annotated[
    Path | None,
    typer.Option(
        "--contacts",
        help="Contacts: contact id, account id or e-mail domain, title, "
        "seniority, role, engagement.",
    ),
]
EventsOption = Annotated[
    Path | None,
    typer.Option(
        "--events",
        help="Company events (funding rounds, contract ends): account id or "
        "domain, type, date.",
    ),
]
SignalColumnOption = Annotated[
    list[str] | None,
    typer.Option(
        "--signal-column",
        help="Name a signal file's column: KIND.ROLE=HEADER, e.g. "
        "activity.timestamp=Created (repeatable).",
    ),
]
