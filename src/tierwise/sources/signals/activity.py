"""Activity logs: one row per visit, download, meeting or e-mail.

The matched table ``signal_activity`` holds each counted row's local date,
its kind (the model's kind key for the labels listed under
``signals.activity.kinds``), its weight (1 where the file has none) and its
row number. Rows are left out when their timestamp is missing or cannot be
read, their type is blank, their status is one of ``skip_statuses`` (they
did not happen), they happened after the as-of date, or their weight is not
a finite number of 0 or more.
"""

from __future__ import annotations

from tierwise.model.signals import ActivitySignals
from tierwise.sources.signals.labels import (
    kind_sql,
    label_sql,
    normalise_label,
)
from tierwise.sources.signals.plan import (
    Drop,
    KindPlan,
    Texts,
    finite_number,
    value,
)
from tierwise.sources.sql_text import sql_text

__all__ = ["activity_plan"]


def activity_plan(texts: Texts, section: ActivitySignals) -> KindPlan:
    """The columns and checks of ``signal_activity``."""
    given_weight = texts.get("weight")
    status = texts.get("status")
    values = {
        "occurred_on": texts.local_date("timestamp"),
        "kind": kind_sql(label_sql(texts["kind"]), section.kinds),
        "weight": finite_number(given_weight) if given_weight else "NULL",
        "status": label_sql(status) if status else "NULL",
    }
    occurred, weight = value("occurred_on"), value("weight")

    drops = [
        Drop("'no timestamp'", texts.missing("timestamp")),
        Drop("'timestamp not readable'", f"{occurred} IS NULL"),
        Drop("'no activity type'", f"{texts['kind']} IS NULL"),
    ]
    skipped = sorted({normalise_label(status) for status in section.skip_statuses})
    if status is not None and skipped:
        listed = ", ".join(sql_text(label) for label in skipped)
        drops.append(
            Drop(f"'status ' || {value('status')}", f"{value('status')} IN ({listed})")
        )
    as_of = sql_text(texts.as_of.isoformat())
    drops.append(Drop("'after the as-of date'", f"{occurred} > DATE {as_of}"))
    if given_weight:
        drops.append(
            Drop(
                "'weight not a number of 0 or more'",
                f"{given_weight} IS NOT NULL AND NOT coalesce({weight} >= 0, false)",
            )
        )

    columns = {
        "occurred_on": occurred,
        "kind": value("kind"),
        "weight": f"coalesce({weight}, 1.0)",
    }
    return KindPlan(values, columns, drops)
